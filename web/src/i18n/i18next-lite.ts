/**
 * The part of i18next this app uses, for the browser build (`web/vite.config.ts` aliases `i18next`
 * to this file; types still come from the i18next package, so keys stay checked): nested keys,
 * `{{name}}` interpolation without escaping, plural suffixes by `count` (`_one`, `_other`, by
 * `Intl.PluralRules`), `defaultValue`, a fallback language, resource bundles added later and a
 * `languageChanged` event. i18next itself is ~14 KB of the first load as served; this is ~1 KB.
 * Not supported (and not used here): namespaces, nesting (`$t(…)`), formatters, context, arrays
 * of keys, `returnObjects`.
 */
type Tree = { [key: string]: string | Tree };
type Options = Record<string, unknown> & { defaultValue?: string; count?: number; lng?: string };
type Listener = (language: string) => void;

interface InitOptions {
  resources?: Record<string, { translation: Tree }>;
  lng?: string;
  fallbackLng?: string;
}

const bundles = new Map<string, Tree>();
const listeners = new Map<string, Set<Listener>>();
let fallback = 'en';

function lookup(language: string, key: string): string | undefined {
  let node: string | Tree | undefined = bundles.get(language);
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

const pluralRules = new Map<string, Intl.PluralRules>();
function pluralForm(language: string, count: number): string {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  return rules.select(count);
}

function resolve(key: string, options: Options | undefined, language: string): string | undefined {
  for (const lng of language === fallback ? [language] : [language, fallback]) {
    if (typeof options?.count === 'number') {
      const plural = lookup(lng, `${key}_${pluralForm(lng, options.count)}`) ?? lookup(lng, `${key}_other`);
      if (plural !== undefined) return plural;
    }
    const text = lookup(lng, key);
    if (text !== undefined) return text;
  }
  return undefined;
}

function interpolate(text: string, options: Options | undefined): string {
  if (!options || !text.includes('{{')) return text;
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => {
    const value = options[name];
    return value === undefined || value === null ? '' : String(value);
  });
}

const i18next = {
  language: 'en',
  isInitialized: false,
  /** `i18next.use(plugin)`: the React binding needs no registration here. */
  use(_plugin: unknown) {
    return i18next;
  },
  init(options: InitOptions) {
    for (const [language, { translation }] of Object.entries(options.resources ?? {})) bundles.set(language, translation);
    fallback = options.fallbackLng ?? fallback;
    i18next.language = options.lng ?? fallback;
    i18next.isInitialized = true;
    emit('initialized', i18next.language);
    return Promise.resolve(i18next.t);
  },
  t(key: string, options?: Options): string {
    const text = resolve(key, options, options?.lng ?? i18next.language);
    if (text === undefined) return options?.defaultValue !== undefined ? interpolate(options.defaultValue, options) : key;
    return interpolate(text, options);
  },
  exists(key: string, options?: Options) {
    return resolve(key, options, options?.lng ?? i18next.language) !== undefined;
  },
  hasResourceBundle(language: string, _namespace?: string) {
    return bundles.has(language);
  },
  addResourceBundle(language: string, _namespace: string, resources: Tree) {
    bundles.set(language, { ...bundles.get(language), ...resources });
    return i18next;
  },
  changeLanguage(language: string) {
    i18next.language = language;
    emit('languageChanged', language);
    return Promise.resolve(i18next.t);
  },
  on(event: string, listener: Listener) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
  },
  off(event: string, listener: Listener) {
    listeners.get(event)?.delete(listener);
  },
};

function emit(event: string, language: string) {
  for (const listener of listeners.get(event) ?? []) listener(language);
}

export type I18nLite = typeof i18next;
export default i18next;
