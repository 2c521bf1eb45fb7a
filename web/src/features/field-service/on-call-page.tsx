/** /on-call 值班表: the on-call rota per center (issue 12). */
import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../components/use-document-title';

export function OnCallPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('nav.dispatch'));
  return <Card title={t('nav.dispatch')} />;
}
