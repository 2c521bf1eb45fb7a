/**
 * The queue's table: the markup and class names antd's Table renders for a small, unpaged table
 * with row selection — drawn by antd's own table styles (`antd/es/table/style`), so it looks the
 * same — without antd's Table itself. That component carries filters (Tree, Radio and with it
 * the form engine), sorters, pagination, expandable and virtual rows, none of which the queue uses:
 * about a quarter of the queue's first-load JavaScript (docs/ARCHITECTURE.md, "The queue's first
 * load"). Rows are plain `<tr>`s, so the queue's keyboard handling (`use-queue-keyboard.ts`,
 * `data-row-index`) and the tests' selectors (`ticket-row`, `row-check`, `.ant-table-row`) see
 * what they saw before. Admin tables elsewhere keep antd's Table.
 */
import { Checkbox, Spin } from 'antd';
import { ConfigContext } from 'antd/es/config-provider';
import useCSSVarCls from 'antd/es/config-provider/hooks/useCSSVarCls';
import useStyle from 'antd/es/table/style';
import { isValidElement, useContext, useRef, type ComponentType, type HTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface QueueTableColumn<T> {
  key: string;
  title: string;
  /** Fixed width in pixels; none: the column takes the rest. */
  width?: number;
  /** One line, cut with an ellipsis; the cell's text is its tooltip (as antd's `ellipsis`). */
  ellipsis?: boolean;
  render: (row: T, index: number) => ReactNode;
  /** Extra props for the header cell (given to `headerCell`). */
  headerProps?: Record<string, unknown>;
}

export interface QueueTableSelection<T> {
  selected: string[];
  onChange: (keys: string[]) => void;
  /** Props for a row's checkbox input (its label, a test id). */
  checkboxProps: (row: T) => Record<string, unknown>;
}

export interface QueueTableProps<T extends { id: string }> {
  rows: T[];
  columns: QueueTableColumn<T>[];
  /** The header cell component (a resizable one on the staff queue); a plain `<th>` by default. */
  headerCell?: ComponentType<HTMLAttributes<HTMLTableCellElement> & Record<string, unknown>>;
  /** Fixed layout with a horizontal scroll beyond this width (the staff queue's chosen widths). */
  scrollX?: number;
  selection?: QueueTableSelection<T>;
  loading: boolean;
  empty: ReactNode;
  rowClassName: (row: T, index: number) => string;
  rowProps: (row: T, index: number) => HTMLAttributes<HTMLTableRowElement>;
  'data-testid'?: string;
}

const SELECTION_WIDTH = 40;

/** The tooltip antd's Table gives an ellipsis cell: its text, when it is text or one element's text. */
function cellTitle(content: ReactNode): string | undefined {
  if (typeof content === 'string' || typeof content === 'number') return String(content);
  if (isValidElement<{ children?: unknown }>(content) && typeof content.props.children === 'string') return content.props.children;
  return undefined;
}

export function QueueTable<T extends { id: string }>({
  rows,
  columns,
  headerCell: HeaderCell = 'th' as unknown as ComponentType<HTMLAttributes<HTMLTableCellElement>>,
  scrollX,
  selection,
  loading,
  empty,
  rowClassName,
  rowProps,
  'data-testid': testId,
}: QueueTableProps<T>) {
  const { t } = useTranslation();
  const { getPrefixCls } = useContext(ConfigContext);
  const prefixCls = getPrefixCls('table');
  const rootCls = useCSSVarCls(prefixCls);
  const [hashId, cssVarCls] = useStyle(prefixCls, rootCls);
  // Shift-click selects the range from the last clicked checkbox, as antd's Table does.
  const lastClicked = useRef<number | null>(null);

  const selected = new Set(selection?.selected ?? []);
  const checkedOnPage = rows.filter((r) => selected.has(r.id)).length;
  const allChecked = rows.length > 0 && checkedOnPage === rows.length;
  const toggleAll = () => {
    if (!selection) return;
    const ids = new Set(rows.map((r) => r.id));
    selection.onChange(allChecked ? selection.selected.filter((id) => !ids.has(id)) : [...selection.selected.filter((id) => !ids.has(id)), ...rows.map((r) => r.id)]);
  };
  const toggleRow = (index: number, shift: boolean) => {
    if (!selection) return;
    const row = rows[index]!;
    const check = !selected.has(row.id);
    const from = shift && lastClicked.current !== null ? Math.min(lastClicked.current, index) : index;
    const to = shift && lastClicked.current !== null ? Math.max(lastClicked.current, index) : index;
    const range = new Set(rows.slice(from, to + 1).map((r) => r.id));
    lastClicked.current = index;
    selection.onChange(check ? [...selection.selected.filter((id) => !range.has(id)), ...range] : selection.selected.filter((id) => !range.has(id)));
  };

  const colSpan = columns.length + (selection ? 1 : 0);
  // rc-table lays a table with an ellipsis column out fixed (the cut needs set widths).
  const fixedLayout = scrollX !== undefined || columns.some((c) => c.ellipsis);
  const tableClass = [
    prefixCls,
    `${prefixCls}-small`,
    rows.length === 0 && `${prefixCls}-empty`,
    fixedLayout && `${prefixCls}-layout-fixed`,
    scrollX !== undefined && `${prefixCls}-scroll-horizontal`,
    cssVarCls,
    rootCls,
    hashId,
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div className={`${cssVarCls} ${rootCls} ${prefixCls}-wrapper ${hashId}`}>
      <Spin spinning={loading}>
        <div className={tableClass} data-testid={testId}>
          <div className={`${prefixCls}-container`}>
            <div className={`${prefixCls}-content`} style={scrollX !== undefined ? { overflow: 'auto hidden' } : undefined}>
              <table style={scrollX !== undefined ? { width: scrollX, minWidth: '100%', tableLayout: 'fixed' } : { tableLayout: fixedLayout ? 'fixed' : 'auto' }}>
                <colgroup>
                  {selection && <col className={`${prefixCls}-selection-col`} style={{ width: SELECTION_WIDTH }} />}
                  {columns.map((c) => (
                    <col key={c.key} style={c.width !== undefined ? { width: c.width } : undefined} />
                  ))}
                </colgroup>
                <thead className={`${prefixCls}-thead`}>
                  <tr>
                    {selection && (
                      <th className={`${prefixCls}-cell ${prefixCls}-selection-column`} scope="col">
                        <div className={`${prefixCls}-selection`}>
                          <Checkbox
                            checked={allChecked}
                            indeterminate={checkedOnPage > 0 && !allChecked}
                            disabled={rows.length === 0}
                            onChange={toggleAll}
                            aria-label={t('bulk.selectAll')}
                          />
                        </div>
                      </th>
                    )}
                    {columns.map((c) => (
                      <HeaderCell
                        key={c.key}
                        {...c.headerProps}
                        className={`${prefixCls}-cell${c.ellipsis ? ` ${prefixCls}-cell-ellipsis` : ''}`}
                        title={c.ellipsis ? c.title : undefined}
                        scope="col"
                      >
                        {c.title}
                      </HeaderCell>
                    ))}
                  </tr>
                </thead>
                <tbody className={`${prefixCls}-tbody`}>
                  {rows.length === 0 ? (
                    <tr className={`${prefixCls}-placeholder`}>
                      <td colSpan={colSpan} className={`${prefixCls}-cell`}>
                        {empty}
                      </td>
                    </tr>
                  ) : (
                    rows.map((row, index) => {
                      const checked = selected.has(row.id);
                      return (
                        <tr
                          key={row.id}
                          data-row-key={row.id}
                          {...rowProps(row, index)}
                          className={[`${prefixCls}-row ${prefixCls}-row-level-0`, checked && `${prefixCls}-row-selected`, rowClassName(row, index)].filter(Boolean).join(' ')}
                        >
                          {selection && (
                            <td className={`${prefixCls}-cell ${prefixCls}-selection-column`}>
                              <Checkbox
                                checked={checked}
                                onChange={(e) => toggleRow(index, (e.nativeEvent as MouseEvent).shiftKey === true)}
                                {...selection.checkboxProps(row)}
                              />
                            </td>
                          )}
                          {columns.map((c) => {
                            const content = c.render(row, index);
                            return (
                              <td
                                key={c.key}
                                className={`${prefixCls}-cell${c.ellipsis ? ` ${prefixCls}-cell-ellipsis` : ''}`}
                                title={c.ellipsis ? cellTitle(content) : undefined}
                              >
                                {content}
                              </td>
                            );
                          })}
                        </tr>
                      );
                    })
                  )}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </Spin>
    </div>
  );
}
