/** Reply to the customer, or (staff) write an internal note; Ctrl+Enter sends. `onDraft` hears every change (presence). */
import { LockOutlined, SendOutlined } from '@ant-design/icons';
import { Button, Input, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCommentTicket } from '../../api/tickets';
import { showSuccess } from '../../components/feedback';

export function CommentBox({
  ticketId,
  canInternal,
  onDraft,
}: {
  ticketId: string;
  canInternal: boolean;
  onDraft?: (text: string, internal: boolean) => void;
}) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const comment = useCommentTicket(ticketId);

  const send = () => {
    if (!body.trim() || comment.isPending) return;
    comment.mutate(
      { body: body.trim(), public: !internal },
      {
        onSuccess: () => {
          setBody('');
          onDraft?.('', internal);
          showSuccess(t('comment.sent'));
        },
      },
    );
  };

  return (
    <div className={internal ? 'comment-box comment-box-internal' : 'comment-box'} data-testid="comment-box">
      <Input.TextArea
        value={body}
        onChange={(e) => {
          setBody(e.target.value);
          onDraft?.(e.target.value, internal);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          }
        }}
        placeholder={internal ? t('comment.internalPlaceholder') : t('comment.placeholder')}
        aria-label={internal ? t('comment.internalSwitch') : t('comment.publicReply')}
        autoSize={{ minRows: 3, maxRows: 12 }}
        data-testid="comment-input"
        variant={internal ? 'filled' : 'outlined'}
      />
      <div className="comment-box-actions">
        {canInternal ? (
          // biome-ignore lint/a11y/noLabelWithoutControl: the Switch inside is a <button>, which a label names and clicks
          <label className="comment-internal-switch">
            <Switch
              size="small"
              checked={internal}
              onChange={(on) => {
                setInternal(on);
                if (body.trim()) onDraft?.(body, on);
              }}
              data-testid="comment-internal"
            />
            <LockOutlined /> {t('comment.internalSwitch')}
          </label>
        ) : (
          <span />
        )}
        <Button type="primary" icon={<SendOutlined />} onClick={send} loading={comment.isPending} disabled={!body.trim()} data-testid="comment-send">
          {t('comment.send')}
        </Button>
      </div>
    </div>
  );
}
