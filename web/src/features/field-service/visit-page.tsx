/** /visits/:id: one visit — steps, work record, photos, the customer's signature, the PDF (issue 12). */
import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../components/use-document-title';

export function VisitPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('nav.dispatch'));
  return <Card title={t('nav.dispatch')} />;
}
