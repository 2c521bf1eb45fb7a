/**
 * /admin/mail-templates (邮件模板): the mails customers get (acknowledgement, reply, assigned,
 * waiting for you, resolved), per event and language — subject, plain text and HTML — with the
 * server's preview of the unsaved edits beside them (HTML in a sandboxed frame: nothing in it runs)
 * and a way back to the shipped text.
 */
import { RollbackOutlined, SaveOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Popconfirm, Segmented, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAIL_LANGUAGES,
  MAIL_TEMPLATE_EVENTS,
  previewMailTemplate,
  useMailTemplates,
  useResetMailTemplate,
  useSaveMailTemplate,
  type MailLanguage,
  type MailTemplateEvent,
} from '../../api/mail-out';
import { errorText, showError, showSuccess } from '../../components/feedback';
import { LoadError, PageSkeleton, NotFoundPage } from '../../components/states';
import { useDebounced } from '../../components/use-debounced';
import { useDocumentTitle } from '../../components/use-document-title';
import { useCan } from '../auth/session';
import './mail.css';

interface Draft {
  subject: string;
  text: string;
  html: string;
}

export function TemplatesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('mailTemplates.title'));
  const can = useCan();
  const allowed = can('mail.manage');
  const templates = useMailTemplates(allowed);
  const save = useSaveMailTemplate();
  const reset = useResetMailTemplate();
  const [event, setEvent] = useState<MailTemplateEvent>('ack');
  const [lang, setLang] = useState<MailLanguage>('zh-CN');
  const [draft, setDraft] = useState<Draft | null>(null);
  const current = templates.data?.items.find((i) => i.event === event && i.language === lang);

  useEffect(() => {
    if (current) setDraft({ subject: current.subject, text: current.text, html: current.html });
  }, [current]);

  const shown = useDebounced(draft, 400);
  const preview = useQuery({
    queryKey: ['mail-templates', 'preview', event, lang, shown],
    queryFn: ({ signal }) => previewMailTemplate({ event, language: lang, ...(shown ?? {}) }, signal),
    enabled: allowed && shown !== null,
    retry: false,
    placeholderData: (previous) => previous,
  });

  if (!allowed) return <NotFoundPage />;
  if (templates.isError) return <LoadError error={templates.error} onRetry={() => void templates.refetch()} />;
  if (!templates.data || !draft) return <PageSkeleton />;

  const dirty = current !== undefined && (draft.subject !== current.subject || draft.text !== current.text || draft.html !== current.html);
  const edit = (part: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setDraft({ ...draft, [part]: e.target.value });
  const onSave = () =>
    save.mutate({ event, lang, body: draft }, { onSuccess: () => showSuccess(t('common.saved')), onError: showError });
  const onReset = () => reset.mutate({ event, lang }, { onSuccess: () => showSuccess(t('mailTemplates.resetDone')), onError: showError });

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('mailTemplates.title')}
        </Typography.Title>
      </div>
      <Typography.Paragraph type="secondary">{t('mailTemplates.intro')}</Typography.Paragraph>
      <div className="queue-filters mail-template-pick">
        <Select<MailTemplateEvent>
          value={event}
          onChange={setEvent}
          style={{ minWidth: 200 }}
          aria-label={t('mailTemplates.event')}
          data-testid="template-event"
          options={MAIL_TEMPLATE_EVENTS.map((e) => ({ value: e, label: t(`mailTemplates.events.${e}`) }))}
        />
        <Segmented<MailLanguage>
          value={lang}
          onChange={setLang}
          options={MAIL_LANGUAGES.map((l) => ({ value: l, label: t(`mailTemplates.languages.${l}`) }))}
          data-testid="template-lang"
        />
        {current?.customized ? <Tag color="blue">{t('mailTemplates.customized')}</Tag> : <Tag>{t('mailTemplates.shipped')}</Tag>}
      </div>
      <div className="mail-template-grid">
        <Card size="small" title={t('mailTemplates.editor')}>
          <label className="mail-template-label" htmlFor="template-subject">
            {t('mailTemplates.subject')}
          </label>
          <Input id="template-subject" value={draft.subject} onChange={edit('subject')} maxLength={300} data-testid="template-subject" />
          <label className="mail-template-label" htmlFor="template-text">
            {t('mailTemplates.text')}
          </label>
          <Input.TextArea id="template-text" value={draft.text} onChange={edit('text')} autoSize={{ minRows: 6, maxRows: 16 }} className="mono" data-testid="template-text" />
          <label className="mail-template-label" htmlFor="template-html">
            {t('mailTemplates.html')}
          </label>
          <Input.TextArea id="template-html" value={draft.html} onChange={edit('html')} autoSize={{ minRows: 6, maxRows: 16 }} className="mono" data-testid="template-html" />
          <div className="mail-template-placeholders">
            <span className="muted">{t('mailTemplates.placeholders')}</span>{' '}
            {templates.data.placeholders.map((p) => (
              <Typography.Text key={p} code copyable={{ text: `{{${p}}}` }}>{`{{${p}}}`}</Typography.Text>
            ))}
          </div>
          <Space wrap className="mail-template-actions">
            <Button type="primary" icon={<SaveOutlined />} onClick={onSave} loading={save.isPending} disabled={!dirty} data-testid="template-save">
              {t('common.save')}
            </Button>
            <Button onClick={() => current && setDraft({ subject: current.subject, text: current.text, html: current.html })} disabled={!dirty}>
              {t('mailTemplates.discard')}
            </Button>
            <Popconfirm title={t('mailTemplates.resetConfirm')} onConfirm={onReset} disabled={!current?.customized}>
              <Button icon={<RollbackOutlined />} disabled={!current?.customized} loading={reset.isPending} data-testid="template-reset">
                {t('mailTemplates.reset')}
              </Button>
            </Popconfirm>
          </Space>
        </Card>
        <Card size="small" title={t('mailTemplates.preview')} extra={<span className="muted">{t('mailTemplates.previewHint')}</span>}>
          {preview.isError ? (
            <Alert type="error" showIcon title={errorText(preview.error)} data-testid="template-preview-error" />
          ) : (
            preview.data && (
              <div data-testid="template-preview">
                <div className="mail-preview-subject">
                  <span className="muted">{t('mailTemplates.subject')}：</span>
                  <strong>{preview.data.subject}</strong>
                </div>
                <iframe title={t('mailTemplates.html')} className="mail-preview-frame" sandbox="" srcDoc={preview.data.html} data-testid="template-preview-html" />
                <details>
                  <summary>{t('mailTemplates.text')}</summary>
                  <pre className="mail-preview-text">{preview.data.text}</pre>
                </details>
              </div>
            )
          )}
        </Card>
      </div>
    </div>
  );
}
