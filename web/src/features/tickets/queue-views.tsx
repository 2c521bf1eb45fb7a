/**
 * The queue's view switcher: built-in views (我的待办, 未解决 — the default —, 全部), the person's
 * own saved views and the shared ones; save the current filters and columns into the chosen
 * view, save them as a new one, or delete one. A view is a named URL state: choosing it puts its
 * filters in the URL (with `view=<id>`), and its columns, when it has any, become the layout.
 */
import { DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import { Button, Select, Space, Tag, Tooltip } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDeleteView, useSavedViews, useUpdateView, type SavedView, type ViewColumn } from '../../api/views';
import { showError, showSuccess } from '../../components/feedback';
import { useNarrow } from '../../components/use-narrow';
import { sameLayout } from './queue-columns';
import { filtersOfView, sameFilters, viewQueryOf, type QueueFilters } from './queue-state';

const SaveViewModal = lazy(() => import('./queue-view-save'));
// Only a saved view of one's own shows the delete button: its confirmation loads with it (until it
// is in, the same button stands alone, and a click on it opens the confirmation once it is).
const Popconfirm = lazy(() => import('antd/es/popconfirm'));

type BuiltIn = 'mine' | 'open' | 'all';
const BUILT_IN: Record<BuiltIn, QueueFilters> = {
  mine: { status: [], severity: [], q: '', assignee: 'me', open: true, sort: 'newest' },
  open: { status: [], severity: [], q: '', open: true, sort: 'newest' },
  all: { status: [], severity: [], q: '', open: false, sort: 'newest' },
};
const CUSTOM = '__custom';

export interface QueueViewBarProps {
  filters: QueueFilters;
  showFilters: (filters: QueueFilters) => void;
  layout: ViewColumn[];
  setLayout: (layout: ViewColumn[]) => void;
  /** A view was chosen (the select closed): the table takes the keyboard back. */
  onChosen: (source?: string) => void;
  /** Shown at the end of the bar (the column chooser). */
  end?: React.ReactNode;
}

export function QueueViewBar({ filters, showFilters, layout, setLayout, onChosen, end }: QueueViewBarProps) {
  const { t } = useTranslation();
  const narrow = useNarrow();
  const views = useSavedViews();
  const update = useUpdateView();
  const remove = useDeleteView();
  const [saveAsOpen, setSaveAsOpen] = useState(false);
  // The dialog's code loads on the first "save as" and stays mounted after.
  const [saveAsLoaded, setSaveAsLoaded] = useState(false);

  const list = views.data ?? [];
  const current = filters.view ? list.find((v) => v.id === filters.view) : undefined;
  const builtIn = (Object.keys(BUILT_IN) as BuiltIn[]).find((k) => sameFilters(filters, BUILT_IN[k]));
  const modified = current
    ? !sameFilters(filters, filtersOfView(current.query)) || (current.columns.length > 0 && !sameLayout(layout, current.columns))
    : false;
  const value = current?.id ?? (!filters.view && builtIn ? builtIn : CUSTOM);

  const options = useMemo(() => {
    const label = (v: SavedView) => (
      <span className="queue-view-option">
        {v.name}
        {v.shared && (
          <Tag bordered={false} color="blue" className="queue-view-shared">
            {t('queueViews.sharedTag')}
          </Tag>
        )}
      </span>
    );
    const own = list.filter((v) => !v.shared);
    const shared = list.filter((v) => v.shared);
    return [
      {
        label: t('queueViews.builtIn'),
        options: [
          { value: 'mine', label: t('queueViews.viewMine') },
          { value: 'open', label: t('queueViews.viewOpen') },
          { value: 'all', label: t('queueViews.viewAll') },
        ],
      },
      ...(own.length ? [{ label: t('queueViews.mine'), options: own.map((v) => ({ value: v.id, label: label(v), title: v.name })) }] : []),
      ...(shared.length ? [{ label: t('queueViews.shared'), options: shared.map((v) => ({ value: v.id, label: label(v), title: v.name })) }] : []),
      ...(value === CUSTOM ? [{ value: CUSTOM, label: t('queueViews.custom'), disabled: true }] : []),
    ];
  }, [list, t, value]);

  const choose = (id: string) => {
    if (id in BUILT_IN) showFilters(BUILT_IN[id as BuiltIn]);
    else {
      const view = list.find((v) => v.id === id);
      if (!view) return;
      showFilters(filtersOfView(view.query, view.id));
      if (view.columns.length) setLayout(view.columns);
    }
    onChosen('view-select');
  };

  const saveCurrent = async () => {
    if (!current) return;
    try {
      await update.mutateAsync({ id: current.id, patch: { query: viewQueryOf(filters), columns: layout } });
      showSuccess(t('queueViews.saved', { name: current.name }));
    } catch (error) {
      showError(error);
    }
  };

  const deleteCurrent = async () => {
    if (!current) return;
    try {
      await remove.mutateAsync(current.id);
      showFilters({ ...filters, view: undefined });
      showSuccess(t('queueViews.deleted'));
    } catch (error) {
      showError(error);
    }
  };

  const openSaveAs = () => {
    setSaveAsLoaded(true);
    setSaveAsOpen(true);
  };

  const [confirmOpen, setConfirmOpen] = useState(false);
  // `onClick` only on the stand-in: inside the confirmation, a click is the confirmation's.
  const deleteButton = (onClick?: () => void) => (
    <Tooltip title={t('queueViews.delete')}>
      <Button icon={<DeleteOutlined />} danger type="text" aria-label={t('queueViews.delete')} data-testid="view-delete" loading={remove.isPending} onClick={onClick} />
    </Tooltip>
  );

  return (
    <div className="queue-views" data-testid="queue-views">
      <Select
        value={value}
        onChange={choose}
        options={options}
        aria-label={t('queueViews.label')}
        data-testid="view-select"
        style={{ width: narrow ? '100%' : 200, flex: narrow ? 1 : undefined }}
        popupMatchSelectWidth={false}
        loading={views.isPending}
        labelRender={({ value: v, label }) => (v === CUSTOM ? t('queueViews.custom') : (current && v === current.id ? current.name : label))}
      />
      {modified && (
        <Tag color="orange" bordered={false} data-testid="view-modified">
          {t('queueViews.modified')}
        </Tag>
      )}
      <Space size={4} wrap>
        {current?.editable && (
          <Button icon={<SaveOutlined />} onClick={() => void saveCurrent()} loading={update.isPending} disabled={!modified} data-testid="view-save">
            {t('queueViews.save')}
          </Button>
        )}
        <Button onClick={openSaveAs} data-testid="view-save-as">
          {t('queueViews.saveAs')}
        </Button>
        {current?.editable && (
          <Suspense fallback={deleteButton(() => setConfirmOpen(true))}>
            <Popconfirm
              title={t('queueViews.deleteConfirm', { name: current.name })}
              okButtonProps={{ danger: true }}
              onConfirm={() => void deleteCurrent()}
              open={confirmOpen}
              onOpenChange={setConfirmOpen}
            >
              {deleteButton()}
            </Popconfirm>
          </Suspense>
        )}
      </Space>
      {end && <span className="queue-views-end">{end}</span>}
      {saveAsLoaded && (
        <Suspense fallback={null}>
          <SaveViewModal
            open={saveAsOpen}
            onClose={() => setSaveAsOpen(false)}
            filters={filters}
            layout={layout}
            onSaved={(created) => showFilters({ ...filters, view: created.id })}
          />
        </Suspense>
      )}
    </div>
  );
}
