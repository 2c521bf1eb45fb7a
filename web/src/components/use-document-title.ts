import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** Sets the browser tab's title to "<page> · 服务台" while the page is shown. */
export function useDocumentTitle(title: string | null | undefined) {
  const { t } = useTranslation();
  const full = title ? `${title} · ${t('app.name')}` : t('app.fullName');
  useEffect(() => {
    document.title = full;
  }, [full]);
}
