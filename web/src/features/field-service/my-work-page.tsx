/** /my-work 我的上门: an engineer's visits on a phone (issue 12). */
import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../components/use-document-title';

export function MyWorkPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('nav.dispatch'));
  return <Card title={t('nav.dispatch')} />;
}
