/** The ticket's files: download links, thumbnails for images, and upload (server limits apply). */
import { FileOutlined, LockOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Checkbox, Empty, Image, Tag, Tooltip, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTicketAttachments, useUploadAttachment } from '../../api/tickets';
import { showSuccess } from '../../components/feedback';
import { formatSize, INLINE_IMAGES } from './timeline';

export function AttachmentsPanel({ ticketId, canAttach, canChooseVisibility }: { ticketId: string; canAttach: boolean; canChooseVisibility: boolean }) {
  const { t } = useTranslation();
  const attachments = useTicketAttachments(ticketId, true);
  const upload = useUploadAttachment(ticketId);
  const [isPublic, setIsPublic] = useState(true);
  const files = attachments.data ?? [];

  return (
    <div data-testid="attachments">
      {files.length === 0 && !attachments.isLoading ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('attachment.none')} style={{ margin: '8px 0' }} />
      ) : (
        <ul className="attachment-list">
          {files.map((file) => (
            <li key={file.id}>
              {INLINE_IMAGES.has(file.contentType) ? (
                <Image src={`${file.url}?inline=1`} alt={file.filename} width={40} height={40} style={{ objectFit: 'cover', borderRadius: 4 }} />
              ) : (
                <span className="attachment-icon">
                  <FileOutlined />
                </span>
              )}
              <span className="attachment-name">
                <a href={file.url} download={file.filename} title={file.filename}>
                  {file.filename}
                </a>
                <span className="muted">{formatSize(file.size)}</span>
              </span>
              {!file.public && (
                <Tooltip title={t('attachment.internalOnly')}>
                  <Tag color="gold" icon={<LockOutlined />} style={{ marginInlineEnd: 0 }}>
                    {t('event.internal')}
                  </Tag>
                </Tooltip>
              )}
            </li>
          ))}
        </ul>
      )}
      {canAttach && (
        <div className="attachment-upload">
          <Upload
            showUploadList={false}
            multiple
            customRequest={({ file, onSuccess, onError }) => {
              const f = file as File;
              upload.mutate(
                { file: f, isPublic: canChooseVisibility ? isPublic : true },
                {
                  onSuccess: (result) => {
                    showSuccess(t('attachment.uploaded', { name: result.filename }));
                    onSuccess?.(result);
                  },
                  onError: (error) => onError?.(error as Error),
                },
              );
            }}
          >
            <Tooltip title={t('attachment.hint')}>
              <Button icon={<UploadOutlined />} loading={upload.isPending} size="small" data-testid="attachment-upload">
                {t('attachment.upload')}
              </Button>
            </Tooltip>
          </Upload>
          {canChooseVisibility && (
            <Checkbox checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)}>
              {t('attachment.visibleToCustomer')}
            </Checkbox>
          )}
        </div>
      )}
    </div>
  );
}
