/**
 * Mail on the ticket's timeline (issue 10): an entry that came by email (a created event or a
 * comment whose `data.mail` ingest wrote; the desk's internal mail notes too) gets a 邮件 tag with
 * the sender, and the mail as formatted is one click away. That HTML was sanitised on the server;
 * it is still shown only inside an iframe with `sandbox=""` (no script, no forms, no navigation,
 * an opaque origin), so nothing in a customer's mail can run in the page. Remote images stay
 * blocked (`data-blocked-src`) until someone asks for them.
 */
import { MailOutlined, PictureOutlined } from '@ant-design/icons';
import { Button, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketEvent } from '../../api/types';
import './mail.css';

interface MailData {
  from: string;
  name: string;
  html: string | null;
}

/** The mail part of an event's data, when it came by email. */
export function mailOf(event: TicketEvent): MailData | null {
  const mail = event.data?.mail;
  if (!mail) return null;
  if (mail === true) return { from: '', name: '', html: null };
  if (typeof mail !== 'object') return null;
  const m = mail as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return { from: str(m.from), name: str(m.name), html: typeof m.html === 'string' && m.html.trim() ? m.html : null };
}

export function MailTag({ mail }: { mail: MailData }) {
  const { t } = useTranslation();
  const who = mail.name && mail.from ? `${mail.name} <${mail.from}>` : mail.from || mail.name;
  return (
    <Tooltip title={who ? t('ticketMail.from', { from: who }) : undefined}>
      <Tag icon={<MailOutlined />} color="geekblue" className="timeline-internal-tag" data-testid="mail-tag">
        {who ? `${t('ticketMail.tag')} · ${mail.name || mail.from}` : t('ticketMail.tag')}
      </Tag>
    </Tooltip>
  );
}

/** The sanitised HTML with blocked remote images let through (only http(s) URLs are ever kept there). */
const withImages = (html: string) => html.replace(/\sdata-blocked-src="(https?:\/\/[^"]*)"/gi, ' src="$1"');

export function MailHtml({ html }: { html: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [images, setImages] = useState(false);
  const blocked = /data-blocked-src=/i.test(html);
  return (
    <div className="mail-html">
      <Button type="link" size="small" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="mail-html-toggle" style={{ paddingInline: 0 }}>
        {open ? t('ticketMail.hideHtml') : t('ticketMail.showHtml')}
      </Button>
      {open && blocked && !images && (
        <Button size="small" icon={<PictureOutlined />} onClick={() => setImages(true)} data-testid="mail-load-images">
          {t('ticketMail.loadImages')}
        </Button>
      )}
      {open && (
        <iframe
          title={t('ticketMail.htmlTitle')}
          className="mail-html-frame"
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={`<!doctype html><meta charset="utf-8"><base target="_blank"><style>body{font:14px/1.6 -apple-system,'PingFang SC','Microsoft YaHei',sans-serif;margin:8px;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style>${images ? withImages(html) : html}`}
          data-testid="mail-html-frame"
        />
      )}
    </div>
  );
}
