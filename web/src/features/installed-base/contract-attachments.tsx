/**
 * A contract's files (the signed PDF, annexes): download for everyone who sees the contract; upload
 * (one file at a time, antd Upload) and delete after a confirmation for contracts.write.
 */
import { DeleteOutlined, DownloadOutlined, FilePdfOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { contractAttachmentUrl, useDeleteContractAttachment, useUploadContractAttachment, type ContractDetail } from '../../api/contracts';
import { showError, showSuccess } from '../../components/feedback';
import { DateTime } from '../../components/time';

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** `showUploader`: staff see who uploaded a file; customers see the file only. */
export function ContractFileList({
  contract,
  onDelete,
  showUploader = true,
}: {
  contract: Pick<ContractDetail, 'id' | 'attachments'>;
  onDelete?: (id: string) => void;
  showUploader?: boolean;
}) {
  const { t } = useTranslation();
  if (contract.attachments.length === 0) return null;
  return (
    <ul className="contract-files" data-testid="contract-files">
      {contract.attachments.map((a) => (
        <li key={a.id} className="contract-file" data-testid="contract-file">
          {a.contentType === 'application/pdf' ? <FilePdfOutlined style={{ color: '#cf1322' }} /> : <PaperClipOutlined />}
          <span className="contract-file-body">
            <a href={contractAttachmentUrl(contract.id, a.id)} download={a.filename} className="contract-file-name" title={a.filename}>
              {a.filename}
            </a>
            <span className="muted contract-file-meta">
              {formatBytes(a.size)}
              {showUploader && a.uploadedBy ? ` · ${a.uploadedBy.name}` : ''} · <DateTime value={a.createdAt} />
            </span>
          </span>
          <span className="contract-file-actions">
            <Button size="small" type="text" icon={<DownloadOutlined />} href={contractAttachmentUrl(contract.id, a.id)} download={a.filename} aria-label={t('contracts.download', { name: a.filename })} />
            {onDelete && (
              <Popconfirm title={t('contracts.deleteFileConfirm', { name: a.filename })} okButtonProps={{ danger: true }} onConfirm={() => onDelete(a.id)}>
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="contract-file-delete" />
              </Popconfirm>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function ContractAttachments({ contract, writable }: { contract: ContractDetail; writable: boolean }) {
  const { t } = useTranslation();
  const upload = useUploadContractAttachment(contract.id);
  const remove = useDeleteContractAttachment(contract.id);
  return (
    <div>
      <ContractFileList
        contract={contract}
        onDelete={writable ? (id) => remove.mutate(id, { onSuccess: () => showSuccess(t('contracts.fileDeleted')), onError: showError }) : undefined}
      />
      {writable && (
        <Upload
          accept=".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.zip"
          showUploadList={false}
          customRequest={({ file, onSuccess, onError }) => {
            upload.mutate(file as File, {
              onSuccess: (saved) => {
                showSuccess(t('contracts.fileUploaded', { name: saved.filename }));
                onSuccess?.(saved);
              },
              onError: (error) => {
                showError(error);
                onError?.(error as Error);
              },
            });
          }}
        >
          <Button icon={<UploadOutlined />} loading={upload.isPending} data-testid="contract-upload" style={{ marginTop: contract.attachments.length ? 12 : 0 }}>
            {t('contracts.upload')}
          </Button>
        </Upload>
      )}
      {writable && <div className="muted contract-upload-hint">{t('contracts.uploadHint')}</div>}
    </div>
  );
}
