/**
 * The queue's columns: which are shown, in which order, and how wide. The title takes whatever
 * room is left (it is what people read); every other column has a fixed width that can be dragged
 * on its header's edge (or moved with ←/→ on the focused edge). The layout is kept per person in
 * localStorage and saved into a view with it.
 */
import { ArrowDownOutlined, ArrowUpOutlined, SettingOutlined } from '@ant-design/icons';
import { Button, Checkbox, Popover, Space } from 'antd';
import { Text } from '../../components/typography';
import { useCallback, useRef, useState, type ThHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueColumn, ViewColumn } from '../../../../common/api/views';

/** Mirrors QUEUE_COLUMNS of common/api/views.ts (no zod in the bundle). */
export const COLUMN_KEYS: readonly QueueColumn[] = ['number', 'title', 'customer', 'severity', 'status', 'sla', 'assignee', 'reportedAt'];
/** Always shown: the number is the link, the title is what the row is about. */
export const FIXED_COLUMNS: readonly QueueColumn[] = ['number', 'title'];
/** Default widths (px); the title has none: it flexes. */
export const DEFAULT_WIDTHS: Record<QueueColumn, number | undefined> = {
  number: 136,
  title: undefined,
  customer: 150,
  severity: 60,
  status: 92,
  sla: 176,
  assignee: 100,
  reportedAt: 96,
};
/** The title never gets narrower than this; the table scrolls sideways instead. */
export const TITLE_MIN_WIDTH = 260;
const MIN_WIDTH = 48;
const MAX_WIDTH = 600;

export const defaultLayout = (): ViewColumn[] => COLUMN_KEYS.map((key) => ({ key }));

/** A layout as stored or sent: known keys once each, the fixed ones always there, widths in range. */
export function cleanLayout(raw: unknown): ViewColumn[] {
  if (!Array.isArray(raw) || raw.length === 0) return defaultLayout();
  const seen = new Set<QueueColumn>();
  const out: ViewColumn[] = [];
  for (const item of raw) {
    const key = (item as { key?: unknown })?.key as QueueColumn;
    if (!COLUMN_KEYS.includes(key) || seen.has(key)) continue;
    seen.add(key);
    const width = Number((item as { width?: unknown }).width);
    out.push(key !== 'title' && Number.isInteger(width) && width >= MIN_WIDTH && width <= MAX_WIDTH ? { key, width } : { key });
  }
  for (const key of FIXED_COLUMNS) if (!seen.has(key)) out.splice(key === 'number' ? 0 : Math.min(1, out.length), 0, { key });
  return out;
}

export const sameLayout = (a: readonly ViewColumn[], b: readonly ViewColumn[]) =>
  a.length === b.length && a.every((c, i) => c.key === b[i]!.key && (c.width ?? null) === (b[i]!.width ?? null));

const storageKey = (userId: string) => `fuwutai.queue.columns.${userId}`;

/** The person's column layout, remembered in this browser. */
export function useColumnLayout(userId: string): [ViewColumn[], (layout: ViewColumn[]) => void] {
  const [layout, setState] = useState<ViewColumn[]>(() => {
    try {
      return cleanLayout(JSON.parse(localStorage.getItem(storageKey(userId)) ?? 'null'));
    } catch {
      return defaultLayout();
    }
  });
  const setLayout = useCallback(
    (next: ViewColumn[]) => {
      const clean = cleanLayout(next);
      setState(clean);
      try {
        localStorage.setItem(storageKey(userId), JSON.stringify(clean));
      } catch {
        // Private mode or a full store: the layout lasts for this page only.
      }
    },
    [userId],
  );
  return [layout, setLayout];
}

export const widthOf = (column: ViewColumn) => (column.key === 'title' ? undefined : (column.width ?? DEFAULT_WIDTHS[column.key]));

export interface ResizableCellProps extends ThHTMLAttributes<HTMLTableCellElement> {
  columnKey?: QueueColumn;
  columnWidth?: number;
  columnLabel?: string;
  onResize?: (width: number) => void;
}

/** A header cell with a drag handle on its right edge (antd `components.header.cell`). */
export function ResizableHeaderCell({ columnKey, columnWidth, columnLabel, onResize, children, ...rest }: ResizableCellProps) {
  const { t } = useTranslation();
  const start = useRef<{ x: number; width: number } | null>(null);
  if (!onResize || !columnKey || columnWidth === undefined) return <th {...rest}>{children}</th>;
  const clamp = (w: number) => Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w)));
  return (
    <th {...rest} data-column={columnKey}>
      {children}
      {/* biome-ignore lint/a11y/useSemanticElements: a column resizer is a focusable separator (WAI-ARIA window splitter) */}
      <span
        className="queue-col-resize"
        role="separator"
        aria-orientation="vertical"
        aria-valuenow={columnWidth}
        aria-valuemin={MIN_WIDTH}
        aria-valuemax={MAX_WIDTH}
        aria-label={t('queueViews.resizeColumn', { column: columnLabel ?? columnKey })}
        tabIndex={0}
        data-testid={`resize-${columnKey}`}
        onClick={(e) => e.stopPropagation()}
        onPointerDown={(e) => {
          e.preventDefault();
          e.stopPropagation();
          e.currentTarget.setPointerCapture(e.pointerId);
          start.current = { x: e.clientX, width: columnWidth };
        }}
        onPointerMove={(e) => {
          if (start.current) onResize(clamp(start.current.width + e.clientX - start.current.x));
        }}
        onPointerUp={() => {
          start.current = null;
        }}
        onPointerCancel={() => {
          start.current = null;
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
            e.preventDefault();
            e.stopPropagation();
            onResize(clamp(columnWidth + (e.key === 'ArrowRight' ? 16 : -16)));
          }
        }}
      />
    </th>
  );
}

/** The column chooser: show or hide each column and move it up or down. */
export function ColumnChooser({ layout, setLayout, labelOf }: { layout: ViewColumn[]; setLayout: (l: ViewColumn[]) => void; labelOf: (k: QueueColumn) => string }) {
  const { t } = useTranslation();
  const shown = new Set(layout.map((c) => c.key));
  // Shown columns in their order, then the hidden ones in the default order.
  const rows: QueueColumn[] = [...layout.map((c) => c.key), ...COLUMN_KEYS.filter((k) => !shown.has(k))];
  const toggle = (key: QueueColumn, on: boolean) => {
    if (on) {
      // Back where it belongs by default, after the shown columns that come before it.
      const order = COLUMN_KEYS.indexOf(key);
      const at = layout.findIndex((c) => COLUMN_KEYS.indexOf(c.key) > order);
      const next = [...layout];
      next.splice(at < 0 ? next.length : at, 0, { key });
      setLayout(next);
    } else setLayout(layout.filter((c) => c.key !== key));
  };
  const move = (index: number, by: -1 | 1) => {
    const next = [...layout];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    setLayout(next);
  };
  const content = (
    <div className="queue-column-chooser" data-testid="column-chooser">
      <Text type="secondary" className="queue-column-chooser-hint">
        {t('queueViews.columnsTitle')}
      </Text>
      {rows.map((key) => {
        const index = layout.findIndex((c) => c.key === key);
        const on = index >= 0;
        return (
          <div key={key} className="queue-column-chooser-row">
            <Checkbox checked={on} disabled={FIXED_COLUMNS.includes(key)} onChange={(e) => toggle(key, e.target.checked)} data-testid={`column-toggle-${key}`}>
              {labelOf(key)}
            </Checkbox>
            {on && (
              <Space size={0}>
                <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={index === 0} onClick={() => move(index, -1)} aria-label={`${t('queueViews.moveUp')} ${labelOf(key)}`} />
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowDownOutlined />}
                  disabled={index === layout.length - 1}
                  onClick={() => move(index, 1)}
                  aria-label={`${t('queueViews.moveDown')} ${labelOf(key)}`}
                />
              </Space>
            )}
          </div>
        );
      })}
      <Button size="small" type="link" onClick={() => setLayout(defaultLayout())} style={{ paddingInline: 0 }} data-testid="columns-reset">
        {t('queueViews.resetColumns')}
      </Button>
    </div>
  );
  return (
    <Popover content={content} trigger="click" placement="bottomRight">
      <Button icon={<SettingOutlined />} data-testid="column-chooser-button" aria-label={t('queueViews.columns')}>
        {t('queueViews.columns')}
      </Button>
    </Popover>
  );
}
