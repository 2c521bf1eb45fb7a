/**
 * i18next set-up: Chinese first, English as the alternative. The choice is kept in localStorage;
 * dayjs follows it here, antd's ConfigProvider follows it in the app shell. Chinese is in the first
 * load (it is also the fallback, with antd's zh_CN locale); English (with antd's en_US) is a chunk of its own, fetched before the first render
 * when it is the stored choice (main.tsx awaits `i18nReady`) or when the user switches to it.
 * The admin and back-office pages' texts (admin.zh-CN.ts / admin.en.ts) and the ticket page's and new-ticket form's
 * (ticket.zh-CN.ts / ticket.en.ts) are chunks of their own too: `loadPageTexts`
 * merges the current language's part into i18next before such a page renders (app.tsx loads it with the page's code),
 * and from then on `setLanguage` loads the other language's part before it switches.
 */
import type { Locale } from 'antd/es/locale';
import zhCNAntd from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/en';
import 'dayjs/locale/zh-cn';
import relativeTime from 'dayjs/plugin/relativeTime';
import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { adminZhCN } from './admin.zh-CN';
import type { fieldZhCN } from './field.zh-CN';
import type { installedZhCN } from './installed.zh-CN';
import type { ticketZhCN } from './ticket.zh-CN';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'fuwutai.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN & typeof adminZhCN & typeof ticketZhCN & typeof installedZhCN & typeof fieldZhCN };
  }
}

dayjs.extend(relativeTime);

function storedLanguage(): Language {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

function applyLanguage(language: Language) {
  dayjs.locale(language === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = language;
}

let enAntd: Locale | undefined;
/** English texts and antd's English locale: one chunk, loaded on demand. */
const loadEnglish = async () => {
  const [texts, antd] = await Promise.all([import('./en'), import('antd/es/locale/en_US')]);
  enAntd = antd.default;
  return texts.en;
};

/** The parts of the texts that come with their pages: the back-office pages' and the ticket page's (with the new-ticket form). */
export type PageTexts = 'admin' | 'ticket' | 'installed' | 'field';
const importPageTexts = (part: PageTexts, language: Language): Promise<object> => {
  if (part === 'field') return language === 'en' ? import('./field.en').then((m) => m.fieldEn) : import('./field.zh-CN').then((m) => m.fieldZhCN);
  if (part === 'installed')
    return language === 'en' ? import('./installed.en').then((m) => m.installedEn) : import('./installed.zh-CN').then((m) => m.installedZhCN);
  if (part === 'ticket') return language === 'en' ? import('./ticket.en').then((m) => m.ticketEn) : import('./ticket.zh-CN').then((m) => m.ticketZhCN);
  return language === 'en' ? import('./admin.en').then((m) => m.adminEn) : import('./admin.zh-CN').then((m) => m.adminZhCN);
};
/** Parts a page asked for (language switches load them first), and `part:language` pairs merged into i18next. */
const pageTextsWanted = new Set<PageTexts>();
const pageTextsLoaded = new Map<string, Promise<void>>();

function addPageTexts(part: PageTexts, language: Language): Promise<void> {
  const key = `${part}:${language}`;
  let loading = pageTextsLoaded.get(key);
  if (!loading) {
    // Deep merge: blocks such as `macros` keep the keys the shell reads in zh-CN.ts/en.ts.
    loading = importPageTexts(part, language).then((texts) => {
      i18next.addResourceBundle(language, 'translation', texts, true, true);
    });
    loading.catch(() => pageTextsLoaded.delete(key));
    pageTextsLoaded.set(key, loading);
  }
  return loading;
}

/**
 * One part of the page texts (admin by default) in the current language: app.tsx awaits this with such a page's code,
 * so the page never renders raw keys. After it, language switches load the other language's part first.
 */
export async function loadPageTexts(part: PageTexts = 'admin'): Promise<void> {
  pageTextsWanted.add(part);
  await i18nReady;
  await addPageTexts(part, currentLanguage());
}

/** A lazy page's module once its texts are in too (`React.lazy(() => withPageTexts(import('…'), 'ticket'))`). */
export const withPageTexts = <T,>(page: Promise<T>, part: PageTexts = 'admin'): Promise<T> =>
  Promise.all([page, loadPageTexts(part)]).then(([module]) => module);

/** antd's locale for `language` (English once its chunk is loaded, which happens before i18next switches). */
export const antdLocale = (language: string): Locale => (language === 'en' && enAntd) || zhCNAntd;

const initial = storedLanguage();
applyLanguage(initial);

/** Resolves when the stored language's texts are loaded and i18next is initialised. */
export const i18nReady: Promise<unknown> = (async () => {
  const resources: Resource = { 'zh-CN': { translation: zhCN } };
  if (initial === 'en') resources.en = { translation: await loadEnglish() };
  return i18next.use(initReactI18next).init({
    resources,
    partialBundledLanguages: true,
    lng: initial,
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
})();

export async function setLanguage(language: Language) {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  if (language === 'en' && !i18next.hasResourceBundle('en', 'translation')) i18next.addResourceBundle('en', 'translation', await loadEnglish());
  await Promise.all([...pageTextsWanted].map((part) => addPageTexts(part, language)));
  applyLanguage(language);
  await i18next.changeLanguage(language);
}

export const currentLanguage = (): Language => (i18next.language === 'en' ? 'en' : 'zh-CN');

export default i18next;
