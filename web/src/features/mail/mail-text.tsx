/**
 * The words of the email channel's answers: a connection test (ok with its folders and IDLE, or
 * the keyed reason translated), a mailbox's last error, and what a fetch ("收取") brought in.
 */
import { Alert, Typography } from 'antd';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import type { MailboxTestResult, MailPollResult } from '../../api/mail';

/** A server error key (mail.auth_failed …) in the reader's language; the key itself when there is no text for it. */
export function mailErrorText(key: string, params: Record<string, unknown> = {}): string {
  const path = `errors.server.${key}`;
  return i18next.exists(path) ? String(i18next.t(path as never, params as never)) : key;
}

export function TestAnswer({ result, folder, onClose }: { result: MailboxTestResult; folder?: string; onClose?: () => void }) {
  const { t } = useTranslation();
  if (result.ok) {
    const shown = result.folders.slice(0, 8).join(t('common.listSeparator'));
    return (
      <Alert
        type="success"
        showIcon
        closable={Boolean(onClose)}
        onClose={onClose}
        className="page-alert"
        data-testid="mailbox-test-ok"
        title={t('mailboxes.testOk')}
        description={
          <>
            <div>{t('mailboxes.testFolders', { count: result.folders.length, folders: shown + (result.folders.length > 8 ? '…' : '') })}</div>
            <div>{result.idle ? t('mailboxes.testIdle') : t('mailboxes.testNoIdle')}</div>
          </>
        }
      />
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      closable={Boolean(onClose)}
      onClose={onClose}
      className="page-alert"
      data-testid="mailbox-test-error"
      data-key={result.key ?? ''}
      title={t('mailboxes.testFailed')}
      description={mailErrorText(result.key ?? 'mail.connection_failed', { detail: result.detail ?? '', folder: folder ?? '' })}
    />
  );
}

/** A mailbox's last error in red, in words; the technical detail on hover. */
export function LastError({ error }: { error: { key: string; detail: string | null } | null }) {
  if (!error) return <span className="muted">—</span>;
  return (
    <Typography.Text type="danger" title={error.detail ?? undefined} data-testid="mailbox-last-error">
      {mailErrorText(error.key, { detail: error.detail ?? '', folder: error.detail ?? '' })}
    </Typography.Text>
  );
}

/** "收取 3 封：新工单 2、追加评论 1" */
export function pollSummary(result: MailPollResult): string {
  const t = i18next.t.bind(i18next);
  const sep = t('common.listSeparator');
  const parts = Object.entries(result.outcomes)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${t(`mailboxes.outcomes.${outcome}` as 'mailboxes.outcomes.ticket_created', { defaultValue: outcome })} ${n}`);
  const head = result.taken === 0 ? t('mailboxes.pollNothing') : t('mailboxes.pollTaken', { count: result.taken });
  return parts.length ? `${head}${t('mailboxes.pollColon')}${parts.join(sep)}` : head;
}

export function PollAnswer({ name, result, onClose }: { name: string; result: MailPollResult; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type={result.error ? 'warning' : 'success'}
      showIcon
      closable
      onClose={onClose}
      className="page-alert"
      data-testid="mailbox-poll-answer"
      title={t('mailboxes.pollDone', { name })}
      description={
        <>
          <div data-testid="mailbox-poll-summary">{pollSummary(result)}</div>
          {result.resynced && <div>{t('mailboxes.resynced')}</div>}
          {result.error && <Typography.Text type="danger">{mailErrorText(result.error.key, { detail: result.error.detail, folder: result.error.detail })}</Typography.Text>}
        </>
      }
    />
  );
}
