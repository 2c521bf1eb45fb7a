/**
 * An audit entry's before/after as a field-by-field list: only the fields that changed, each
 * "old → new" in words — enum codes translated (status, channel, role …), ids named (the entry's
 * `refs`), yes/no, times in the one date-time format; structured values (calendar hours, policy
 * definitions) compact with the full JSON on hover. A creation lists the values it set, a
 * deletion the values it removed.
 */
import { ArrowRightOutlined } from '@ant-design/icons';
import { Tooltip } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../api/types';
import { formatDateTime } from '../../components/time';
import { useLabels, type Labels } from '../../i18n/labels';

/** Fields that repeat the row itself (its id, number, author) or say nothing to a reader. */
const HIDDEN = new Set(['id', 'createdAt', 'updatedAt', 'passwordHash', 'openTickets', 'customerCount', 'number', 'createdById', 'escalationLevel']);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const MAX_FIELDS = 12;

type Obj = Record<string, unknown>;
const asObject = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** i18n prefixes of enum fields whose codes have words. */
const ENUM_KEYS: Record<string, string> = {
  status: 'status',
  channel: 'channel',
  type: 'ticketType',
  category: 'category',
  impact: 'impact',
  mark: 'audit.marks',
};

export function formatAuditValue(field: string, value: unknown, entry: Pick<AuditEntry, 'refs' | 'entity'>, t: TFunction, labels: Labels): string {
  if (value === null || value === undefined || value === '') return t('audit.empty_value');
  if (typeof value === 'boolean') return value ? t('audit.yes') : t('audit.no');
  if (typeof value === 'string') {
    const ref = entry.refs[value];
    if (ref) return ref;
    if (field === 'role') return labels.role(value);
    if (field === 'engineerLevel') return labels.level(value);
    if (field === 'level' && entry.entity === 'center') return t(`centerLevel.${value}` as never, { defaultValue: value });
    const prefix = ENUM_KEYS[field];
    if (prefix) return String(t(`${prefix}.${value}` as never, { defaultValue: value }));
    if (ISO_INSTANT.test(value)) return formatDateTime(value);
    return value;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => formatAuditValue(field, v, entry, t, labels)).join('、') || t('audit.empty_value');
  return JSON.stringify(value);
}

export interface AuditChange {
  field: string;
  before: unknown;
  after: unknown;
  /** Present on one side only: a creation's or deletion's value. */
  oneSided: 'before' | 'after' | null;
}

/** The fields an entry changed, in the order the service wrote them. */
export function auditChanges(entry: Pick<AuditEntry, 'before' | 'after'>): AuditChange[] {
  const before = asObject(entry.before);
  const after = asObject(entry.after);
  const hasBefore = entry.before !== null && entry.before !== undefined;
  const hasAfter = entry.after !== null && entry.after !== undefined;
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])].filter((k) => !HIDDEN.has(k));
  const blank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  return keys
    .filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
    // A creation lists what it set, a deletion what it removed: empty values say nothing there.
    .filter((k) => (hasBefore && hasAfter) || !blank(hasAfter ? after[k] : before[k]))
    .map((field) => ({
      field,
      before: before[field],
      after: after[field],
      oneSided: hasBefore && hasAfter ? null : hasAfter ? 'after' : 'before',
    }));
}

function Value({ field, value, entry }: { field: string; value: unknown; entry: AuditEntry }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const text = formatAuditValue(field, value, entry, t, labels);
  const structured = value !== null && typeof value === 'object' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'));
  if (!structured) return <span className={value === null || value === undefined || value === '' ? 'audit-value muted' : 'audit-value'}>{text}</span>;
  return (
    <Tooltip title={<pre className="json-tooltip">{JSON.stringify(value, null, 2)}</pre>} styles={{ root: { maxWidth: 560 } }}>
      <code className="json-compact audit-value">{text}</code>
    </Tooltip>
  );
}

export function AuditDiff({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const changes = auditChanges(entry);
  if (changes.length === 0) return <span className="muted">—</span>;
  const shown = changes.slice(0, MAX_FIELDS);
  return (
    <ul className="audit-diff" data-testid="audit-diff">
      {shown.map((c) => (
        <li key={c.field} data-field={c.field}>
          <span className="audit-field">{t(`audit.fields.${c.field}` as never, { defaultValue: c.field })}</span>
          {c.oneSided === 'after' ? (
            <Value field={c.field} value={c.after} entry={entry} />
          ) : c.oneSided === 'before' ? (
            <del>
              <Value field={c.field} value={c.before} entry={entry} />
            </del>
          ) : (
            <>
              <span className="audit-old">
                <Value field={c.field} value={c.before} entry={entry} />
              </span>
              <ArrowRightOutlined className="audit-arrow" aria-label="→" />
              <span className="audit-new">
                <Value field={c.field} value={c.after} entry={entry} />
              </span>
            </>
          )}
        </li>
      ))}
      {changes.length > shown.length && <li className="muted">…</li>}
    </ul>
  );
}
