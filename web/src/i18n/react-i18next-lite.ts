/**
 * `useTranslation` for the browser build's small i18next (`i18next-lite.ts`; `web/vite.config.ts`
 * aliases `react-i18next` here): the translate function and the instance, and a re-render when the
 * language changes (with a new `t`, so memoised texts follow).
 */
import { useEffect, useMemo, useState } from 'react';
import i18next from './i18next-lite';

export const initReactI18next = { type: '3rdParty', init: () => undefined };

export function useTranslation() {
  const [language, setLanguage] = useState(i18next.language);
  useEffect(() => {
    const onChange = (next: string) => setLanguage(next);
    i18next.on('languageChanged', onChange);
    // A change between the first render and this effect.
    if (i18next.language !== language) setLanguage(i18next.language);
    return () => i18next.off('languageChanged', onChange);
  }, [language]);
  return useMemo(() => {
    const t = (key: string, options?: Record<string, unknown>) => i18next.t(key, { lng: language, ...options });
    const result = [t, i18next, true] as unknown as { t: typeof t; i18n: typeof i18next; ready: boolean } & [typeof t, typeof i18next, boolean];
    result.t = t;
    result.i18n = i18next;
    result.ready = true;
    return result;
  }, [language]);
}
