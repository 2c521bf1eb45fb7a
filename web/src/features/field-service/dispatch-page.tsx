/** /dispatch 派工看板: the dispatch board (issue 12). */
import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../components/use-document-title';

export function DispatchPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('nav.dispatch'));
  return <Card title={t('nav.dispatch')} />;
}
