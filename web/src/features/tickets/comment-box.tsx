/**
 * Reply to the customer, or (staff) write an internal note; Ctrl+Enter sends. `onDraft` hears every change (presence).
 *
 * Canned replies (staff): `/` at the start of a line opens the list of macros, filtered by what
 * follows the slash (arrows, Enter, Esc). Choosing one puts its text, rendered by the server for this
 * ticket, in place of the `/…` and shows chips for the status and severity it will set (each
 * removable); sending then posts the (possibly edited) text and sets both in one write.
 */
import { LockOutlined, MailOutlined, SendOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Button, Input, Switch, Tag, Tooltip } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Macro, MacroPreview } from '../../../../common/api/macros';
import type { CommentCreate } from '../../../../common/api/tickets';
import { newIdempotencyKey } from '../../api/client';
import { fetchMacroPreview, useApplyMacro, useMacros } from '../../api/macros';
import { useCommentTicket } from '../../api/tickets';
import { showError, showSuccess } from '../../components/feedback';
import { SEVERITY_COLORS } from '../../components/tags';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import '../mail/mail.css';
import { CommentAttachments, usePublicAttachments } from './comment-attachments';
import './macros.css';

/** The `/query` being typed at the start of the caret's line, if any. */
function slashAt(text: string, caret: number): { start: number; query: string } | null {
  const start = text.lastIndexOf('\n', caret - 1) + 1;
  const match = /^\/(\S*)$/.exec(text.slice(start, caret));
  return match ? { start, query: match[1]! } : null;
}

interface Applied {
  macro: Macro;
  preview: MacroPreview;
  setStatus: MacroPreview['setStatus'];
  setSeverity: MacroPreview['setSeverity'];
}

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
  const labels = useLabels();
  const can = useCan();
  const canMacros = can('macros.use');
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  // Staff's public replies are mailed to the customer (issue 10) unless this is turned off.
  const [notifyCustomer, setNotifyCustomer] = useState(true);
  // Public attachments of this ticket to send with that mail (ids; those no longer public are dropped).
  const [attachmentIds, setAttachmentIds] = useState<string[]>([]);
  const publicFiles = usePublicAttachments(ticketId);
  const comment = useCommentTicket(ticketId);
  const apply = useApplyMacro(ticketId);
  const macros = useMacros(undefined, canMacros);
  const input = useRef<TextAreaRef>(null);
  const [slash, setSlash] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [applied, setApplied] = useState<Applied | null>(null);
  const [loadingMacro, setLoadingMacro] = useState(false);
  // One key per submission: a retry after a lost answer is the same submission.
  const submission = useRef<string | null>(null);

  const matches = useMemo(() => {
    if (!slash) return [];
    const q = slash.query.toLowerCase();
    return (macros.data ?? []).filter((m) => m.name.toLowerCase().includes(q)).slice(0, 8);
  }, [macros.data, slash]);
  const menuOpen = slash !== null && canMacros;
  const pending = comment.isPending || apply.isPending;
  // The mail of a staff's public reply can carry files (a macro's apply route does not take them).
  const mailsFiles = canInternal && !internal && notifyCustomer && !applied;

  const update = (text: string, caret: number) => {
    setBody(text);
    onDraft?.(text, internal);
    const next = canMacros ? slashAt(text, caret) : null;
    if (next?.query !== slash?.query) setActive(0);
    setSlash(next);
  };

  const choose = async (macro: Macro) => {
    if (!slash) return;
    const { start } = slash;
    const end = start + 1 + slash.query.length;
    setSlash(null);
    setLoadingMacro(true);
    try {
      const preview = await fetchMacroPreview(ticketId, macro.id);
      const text = body.slice(0, start) + preview.body + body.slice(end);
      setBody(text);
      onDraft?.(text, !preview.public);
      if (canInternal) setInternal(!preview.public);
      setApplied({ macro, preview, setStatus: preview.setStatus, setSeverity: preview.setSeverity });
      const caret = start + preview.body.length;
      requestAnimationFrame(() => {
        const el = input.current?.resizableTextArea?.textArea;
        el?.focus();
        el?.setSelectionRange(caret, caret);
      });
    } catch (error) {
      showError(error);
    } finally {
      setLoadingMacro(false);
    }
  };

  const reset = () => {
    setBody('');
    setApplied(null);
    setAttachmentIds([]);
    submission.current = null;
    onDraft?.('', internal);
  };

  const send = () => {
    if (!body.trim() || pending) return;
    if (applied) {
      submission.current ??= newIdempotencyKey();
      apply.mutate(
        {
          macroId: applied.macro.id,
          body: { body: body.trim(), public: !internal, setStatus: applied.setStatus, setSeverity: applied.setSeverity },
          idempotencyKey: submission.current,
        },
        {
          onSuccess: () => {
            reset();
            showSuccess(t('comment.sent'));
          },
          onError: () => {
            submission.current = null;
          },
        },
      );
      return;
    }
    const files = mailsFiles ? attachmentIds.filter((id) => publicFiles.some((f) => f.id === id)) : [];
    const input: CommentCreate = {
      body: body.trim(),
      public: !internal,
      ...(canInternal && !internal && !notifyCustomer ? { notifyCustomer: false } : {}),
      ...(files.length ? { attachmentIds: files } : {}),
    };
    comment.mutate(
      input,
      {
        onSuccess: () => {
          reset();
          showSuccess(t('comment.sent'));
        },
      },
    );
  };

  const statusBlocked = applied?.setStatus && !applied.preview.statusAllowed;

  return (
    <div className={internal ? 'comment-box comment-box-internal' : 'comment-box'} data-testid="comment-box">
      <div className="comment-input-wrap">
        <Input.TextArea
          ref={input}
          value={body}
          onChange={(e) => update(e.target.value, e.target.selectionStart ?? e.target.value.length)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              send();
              return;
            }
            // Enter also confirms a Chinese input method's candidate: that is not a choice in the menu.
            if (!menuOpen || e.nativeEvent.isComposing || e.keyCode === 229) return;
            if (e.key === 'Escape') {
              e.preventDefault();
              setSlash(null);
            } else if (matches.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault();
              setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
            } else if (matches.length && (e.key === 'Enter' || e.key === 'Tab')) {
              e.preventDefault();
              void choose(matches[Math.min(active, matches.length - 1)]!);
            }
          }}
          onBlur={() => setTimeout(() => setSlash(null), 150)}
          placeholder={internal ? t('comment.internalPlaceholder') : canMacros ? t('macros.commentPlaceholder') : t('comment.placeholder')}
          aria-label={internal ? t('comment.internalSwitch') : t('comment.publicReply')}
          aria-expanded={menuOpen}
          aria-controls={menuOpen ? 'macro-menu' : undefined}
          aria-activedescendant={menuOpen && matches.length ? `macro-option-${active}` : undefined}
          autoSize={{ minRows: 3, maxRows: 12 }}
          data-testid="comment-input"
          variant={internal ? 'filled' : 'outlined'}
        />
        {menuOpen && (
          <div className="macro-menu" id="macro-menu" role="listbox" aria-label={t('macros.title')} data-testid="macro-menu">
            {matches.length === 0 ? (
              <div className="macro-menu-empty">{macros.isLoading ? t('common.loading') : t('macros.noMatch')}</div>
            ) : (
              matches.map((m, i) => (
                <div
                  key={m.id}
                  id={`macro-option-${i}`}
                  role="option"
                  aria-selected={i === active}
                  tabIndex={-1}
                  className={i === active ? 'macro-menu-item macro-menu-item-active' : 'macro-menu-item'}
                  data-testid="macro-option"
                  onMouseEnter={() => setActive(i)}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    void choose(m);
                  }}
                >
                  <div className="macro-menu-name">
                    <ThunderboltOutlined /> {m.name}
                    {m.shared && <Tag bordered={false}>{t('macros.sharedTag')}</Tag>}
                    {!m.public && <Tag bordered={false} color="gold">{t('macros.internalTag')}</Tag>}
                    {m.setStatus && <Tag bordered={false} color="processing">{t('macros.willSetStatus', { status: labels.status(m.setStatus) })}</Tag>}
                    {m.setSeverity && <Tag bordered={false} color={SEVERITY_COLORS[m.setSeverity]}>{t('macros.willSetSeverity', { severity: m.setSeverity })}</Tag>}
                  </div>
                  <div className="macro-menu-body">{m.body}</div>
                </div>
              ))
            )}
            <div className="macro-menu-hint">{t('macros.menuHint')}</div>
          </div>
        )}
      </div>
      {applied && (
        <div className="macro-chips" data-testid="macro-chips">
          <Tag icon={<ThunderboltOutlined />} closable onClose={() => setApplied(null)} data-testid="macro-chip">
            {applied.macro.name}
          </Tag>
          {applied.setStatus && (
            <Tooltip title={statusBlocked ? t('macros.statusBlocked') : undefined}>
              <Tag
                color={statusBlocked ? 'error' : 'processing'}
                closable
                onClose={(e) => {
                  e.preventDefault();
                  setApplied({ ...applied, setStatus: null });
                }}
                data-testid="macro-chip-status"
              >
                {t('macros.willSetStatus', { status: labels.status(applied.setStatus) })}
              </Tag>
            </Tooltip>
          )}
          {applied.setSeverity && (
            <Tag
              color={SEVERITY_COLORS[applied.setSeverity]}
              closable
              onClose={(e) => {
                e.preventDefault();
                setApplied({ ...applied, setSeverity: null });
              }}
              data-testid="macro-chip-severity"
            >
              {t('macros.willSetSeverity', { severity: applied.setSeverity })}
            </Tag>
          )}
        </div>
      )}
      {mailsFiles && <CommentAttachments ticketId={ticketId} value={attachmentIds} onChange={setAttachmentIds} />}
      <div className="comment-box-actions">
        {canInternal ? (
          <span className="comment-switches">
            {/* biome-ignore lint/a11y/noLabelWithoutControl: the Switch inside is a <button>, which a label names and clicks */}
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
            {!internal && (
              <Tooltip title={t('ticketMail.notifyCustomerHint')}>
                {/* biome-ignore lint/a11y/noLabelWithoutControl: the Switch inside is a <button>, which a label names and clicks */}
                <label className="comment-internal-switch">
                  <Switch size="small" checked={notifyCustomer} onChange={setNotifyCustomer} data-testid="comment-notify-customer" />
                  <MailOutlined /> {t('ticketMail.notifyCustomer')}
                </label>
              </Tooltip>
            )}
          </span>
        ) : (
          <span />
        )}
        <Button
          type="primary"
          icon={<SendOutlined />}
          onClick={send}
          loading={pending || loadingMacro}
          disabled={!body.trim()}
          data-testid="comment-send"
        >
          {applied && (applied.setStatus || applied.setSeverity) ? t('macros.sendAndSet') : t('comment.send')}
        </Button>
      </div>
    </div>
  );
}
