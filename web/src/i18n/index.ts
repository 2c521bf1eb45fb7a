/**
 * i18next set-up: Chinese first, English as the alternative. The choice is kept in localStorage;
 * dayjs follows it here, antd's ConfigProvider follows it in the app shell. Chinese is in the first
 * load (it is also the fallback, with antd's zh_CN locale); English (with antd's en_US) is a chunk of its own, fetched before the first render
 * when it is the stored choice (main.tsx awaits `i18nReady`) or when the user switches to it.
 */
import type { Locale } from 'antd/es/locale';
import zhCNAntd from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/en';
import 'dayjs/locale/zh-cn';
import relativeTime from 'dayjs/plugin/relativeTime';
import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'fuwutai.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
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
  applyLanguage(language);
  await i18next.changeLanguage(language);
}

export const currentLanguage = (): Language => (i18next.language === 'en' ? 'en' : 'zh-CN');

export default i18next;
