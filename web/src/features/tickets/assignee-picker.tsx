/**
 * The ticket's assignee, chosen from the server's candidates: each option shows name, center,
 * engineer level, skills and how many open tickets the person holds (在办 N). Typing searches on
 * the server (debounced) by name, username, full pinyin or pinyin initials ("zs" → 张三). The ticket's
 * own center comes first, then the least loaded. Arrows, Enter and Esc work as in any select.
 */
import { Select, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssigneeCandidate } from '../../../../common/api/macros';
import { ENGINEER_LEVEL_LABELS } from '../../../../common/domain';
import { useAssignees } from '../../api/macros';
import type { Ticket } from '../../api/types';
import { useDebounced } from '../../components/use-debounced';
import { useLabels } from '../../i18n/labels';
import './macros.css';

export function CandidateOption({ c }: { c: AssigneeCandidate }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const level = c.engineerLevel ? ENGINEER_LEVEL_LABELS[c.engineerLevel][labels.lang] : null;
  return (
    <div className="assignee-option" data-testid="assignee-option">
      <div className="assignee-option-head">
        <span className="assignee-option-name">{c.name}</span>
        <Tag color={c.openTickets === 0 ? 'green' : c.openTickets >= 5 ? 'orange' : 'blue'} className="assignee-option-load" bordered={false}>
          {t('assigneePicker.open', { count: c.openTickets })}
        </Tag>
      </div>
      <Typography.Text type="secondary" className="assignee-option-meta">
        {[c.center?.name ?? t('assigneePicker.noCenter'), level ?? labels.role(c.role)].join(' · ')}
        {c.sameCenter ? ` · ${t('assigneePicker.sameCenter')}` : ''}
      </Typography.Text>
      {c.skills.length > 0 && (
        <Space size={[4, 2]} wrap className="assignee-option-skills">
          {c.skills.slice(0, 6).map((s) => (
            <Tag key={s} bordered={false}>
              {s}
            </Tag>
          ))}
        </Space>
      )}
    </div>
  );
}

export function AssigneePicker({
  ticket,
  onChange,
  disabled,
}: {
  ticket: Ticket;
  onChange: (assigneeId: string | null) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 200);
  // Fetched with the page (not on opening): the list is there when the dropdown opens, instead of
  // a "loading" popup that grows and moves under the pointer.
  const list = useAssignees(ticket.id, q, !disabled);
  // The current assignee's name shows through labelRender, whether or not the search lists them.
  const options = useMemo(() => (list.data?.items ?? []).map((c) => ({ value: c.id, label: c.name, candidate: c })), [list.data]);
  const more = list.data && list.data.total > list.data.items.length ? list.data.total - list.data.items.length : 0;

  return (
    <Select
      value={ticket.assignee?.id}
      onChange={(v) => onChange(v ?? null)}
      options={options}
      optionRender={(o) => <CandidateOption c={o.data.candidate} />}
      labelRender={() => ticket.assignee?.name ?? ''}
      showSearch={{ filterOption: false, onSearch: setSearch, searchValue: search }}
      onOpenChange={(next) => {
        if (!next) setSearch('');
      }}
      allowClear
      placeholder={t('ticket.assignPlaceholder')}
      loading={list.isFetching}
      disabled={disabled}
      notFoundContent={list.isFetching ? t('common.loading') : t('assigneePicker.none')}
      popupRender={(menu) => (
        <>
          {menu}
          {more > 0 && <div className="assignee-more">{t('assigneePicker.more', { count: more })}</div>}
        </>
      )}
      popupMatchSelectWidth={false}
      classNames={{ popup: { root: 'assignee-popup' } }}
      style={{ width: '100%' }}
      data-testid="assignee-select"
      aria-label={t('ticket.assignee')}
    />
  );
}
