/**
 * The comment box's 附件 picker: which of the ticket's public attachments go with the mailed reply
 * (issue 10). It reads the ticket's attachments from the cache the page already fills (the overview
 * seeds it, the attachments panel keeps it fresh) and asks nothing itself; files are uploaded, and
 * made visible to the customer, in the attachments panel.
 */
import { PaperClipOutlined } from '@ant-design/icons';
import { Select, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useTicketAttachments } from '../../api/tickets';
import { useNarrow } from '../../components/use-narrow';
import { formatSize } from './timeline';

/** The ticket's public attachments, as the page already has them (no request of its own). */
export function usePublicAttachments(ticketId: string) {
  const attachments = useTicketAttachments(ticketId, false);
  return useMemo(() => (attachments.data ?? []).filter((a) => a.public), [attachments.data]);
}

export function CommentAttachments({ ticketId, value, onChange }: { ticketId: string; value: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const narrow = useNarrow();
  const files = usePublicAttachments(ticketId);
  const chosen = value.filter((id) => files.some((f) => f.id === id));
  const labelId = `comment-attachments-label-${ticketId}`;

  return (
    <div
      data-testid="comment-attachments"
      style={{ display: 'flex', flexDirection: narrow ? 'column' : 'row', alignItems: narrow ? 'stretch' : 'center', gap: narrow ? 4 : 8, marginTop: 8 }}
    >
      <span id={labelId} style={{ whiteSpace: 'nowrap', color: 'rgba(0, 0, 0, 0.65)' }}>
        <PaperClipOutlined /> {t('ticketMail.attachments')}
      </span>
      <div style={{ flex: 1, minWidth: 0 }}>
        <Select
          mode="multiple"
          size="small"
          allowClear
          style={{ width: '100%' }}
          value={chosen}
          onChange={onChange}
          disabled={files.length === 0}
          placeholder={files.length ? t('ticketMail.attachmentsPlaceholder') : t('ticketMail.attachmentsNone')}
          aria-labelledby={labelId}
          maxTagCount="responsive"
          optionFilterProp="title"
          notFoundContent={t('ticketMail.attachmentsNone')}
          options={files.map((f) => ({
            value: f.id,
            title: f.filename,
            label: (
              <span data-testid="comment-attachment-option">
                {f.filename} <Typography.Text type="secondary">({formatSize(f.size)})</Typography.Text>
              </span>
            ),
          }))}
          data-testid="comment-attachments-select"
        />
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginTop: 2 }}>
          {t('ticketMail.attachmentsHint')}
        </Typography.Text>
      </div>
    </div>
  );
}
