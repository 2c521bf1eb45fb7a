/**
 * /on-call 值班表 (issue 12): the on-call rota of one center (the viewer's by default), a week at a
 * time — a grid of people × 7 days (today marked) at desk width, a list per day on a phone.
 * Managers and dispatchers (on_call.manage) add a shift (a person of that center or a center under
 * it, start and end, note) and delete one; everyone else reads.
 */
import { DeleteOutlined, LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Empty, Form, Grid, Input, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCenters, useUsers } from '../../api/admin';
import { newIdempotencyKey } from '../../api/client';
import { type OnCallShift, useCreateShift, useDeleteShift, useOnCallShifts } from '../../api/on-call';
import { showError, showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { useDocumentTitle } from '../../components/use-document-title';
import { useCan, useMe } from '../auth/session';
import './on-call.css';

const TIME_FORMAT = 'YYYY-MM-DD HH:mm';
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Monday 00:00 of the week holding `d`. */
const mondayOf = (d: Dayjs) => d.startOf('day').subtract((d.day() + 6) % 7, 'day');

/** The part of a shift that falls on `day`, as "HH:mm–HH:mm" (24:00 for a shift running past midnight). */
function partOn(shift: OnCallShift, day: Dayjs): string | null {
  const start = dayjs(shift.startsAt);
  const end = dayjs(shift.endsAt);
  const dayEnd = day.add(1, 'day');
  if (!start.isBefore(dayEnd) || !end.isAfter(day)) return null;
  const from = start.isAfter(day) ? start.format('HH:mm') : '00:00';
  const to = end.isBefore(dayEnd) ? end.format('HH:mm') : '24:00';
  return `${from}–${to}`;
}

export function OnCallPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('rota.title'));
  const me = useMe();
  const can = useCan();
  const canManage = can('on_call.manage');
  const narrow = !Grid.useBreakpoint().md;
  const centers = useCenters();
  const [centerId, setCenterId] = useState<string | undefined>(me.centerId ?? undefined);
  const chosenCenter = centerId ?? centers.data?.[0]?.id;
  const [week, setWeek] = useState(() => mondayOf(dayjs()));
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => week.add(i, 'day')), [week]);
  const shifts = useOnCallShifts(chosenCenter, week.toISOString(), week.add(7, 'day').toISOString());
  const remove = useDeleteShift();
  const [adding, setAdding] = useState(false);
  const today = dayjs().startOf('day');
  const now = dayjs();

  const people = useMemo(() => {
    const byUser = new Map<string, { id: string; name: string; shifts: OnCallShift[] }>();
    for (const s of shifts.data ?? []) {
      const p = byUser.get(s.user.id) ?? { id: s.user.id, name: s.user.name, shifts: [] };
      p.shifts.push(s);
      byUser.set(s.user.id, p);
    }
    return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }, [shifts.data]);
  const centerName = centers.data?.find((c) => c.id === chosenCenter)?.name ?? '';

  const deleteShift = async (s: OnCallShift) => {
    try {
      await remove.mutateAsync(s.id);
      showSuccess(t('rota.deleted'));
    } catch (error) {
      showError(error);
    }
  };

  const chip = (s: OnCallShift, day: Dayjs, withName: boolean) => {
    const part = partOn(s, day);
    if (!part) return null;
    const live = now.isAfter(dayjs(s.startsAt)) && now.isBefore(dayjs(s.endsAt));
    return (
      <div key={s.id} className="rota-shift" data-testid="rota-shift" data-user={s.user.name}>
        <Tag color={live ? 'green' : 'blue'} bordered={false} style={{ marginInlineEnd: 4 }}>
          {withName ? `${s.user.name} ` : ''}
          {part}
        </Tag>
        {live && <Typography.Text type="success">{t('rota.onCallNow')}</Typography.Text>}
        {s.note && <div className="muted">{s.note}</div>}
        {canManage && (
          <Popconfirm title={t('rota.deleteConfirm', { name: s.user.name })} okText={t('rota.delete')} cancelText={t('common.cancel')} onConfirm={() => void deleteShift(s)}>
            <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('rota.deleteLabel', { name: s.user.name })} data-testid="rota-shift-delete" />
          </Popconfirm>
        )}
      </div>
    );
  };

  const dayHead = (d: Dayjs) => (
    <div className={d.isSame(today) ? 'rota-day rota-today' : 'rota-day'} data-testid={d.isSame(today) ? 'rota-today' : undefined}>
      <div>{t(`rota.weekday.${WEEKDAYS[(d.day() + 6) % 7]!}`)}</div>
      <div className="muted">{d.format('MM-DD')}</div>
      {d.isSame(today) && <Tag color="red">{t('rota.today')}</Tag>}
    </div>
  );

  return (
    <Card
      title={t('rota.title')}
      data-testid="on-call-page"
      extra={
        canManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={!chosenCenter} data-testid="rota-add">
            {t('rota.add')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          value={chosenCenter}
          onChange={setCenterId}
          options={(centers.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          placeholder={t('rota.centerPlaceholder')}
          showSearch={{ optionFilterProp: 'label' }}
          style={{ minWidth: 200 }}
          aria-label={t('rota.center')}
          data-testid="rota-center"
        />
        <Space.Compact>
          <Button icon={<LeftOutlined />} onClick={() => setWeek(week.subtract(7, 'day'))} aria-label={t('rota.prev')} data-testid="rota-prev" />
          <Button onClick={() => setWeek(mondayOf(dayjs()))}>{t('rota.thisWeek')}</Button>
          <Button icon={<RightOutlined />} onClick={() => setWeek(week.add(7, 'day'))} aria-label={t('rota.next')} data-testid="rota-next" />
        </Space.Compact>
        <Typography.Text data-testid="rota-week">{t('rota.shift', { from: week.format('YYYY-MM-DD'), to: week.add(6, 'day').format('MM-DD') })}</Typography.Text>
      </Space>
      {!canManage && <Typography.Paragraph type="secondary">{t('rota.readOnly')}</Typography.Paragraph>}
      {!chosenCenter ? (
        <Empty description={t('rota.pickCenter')} />
      ) : narrow ? (
        <div data-testid="rota-days">
          {days.map((d) => {
            const chips = (shifts.data ?? []).map((s) => chip(s, d, true)).filter(Boolean);
            return (
              <Card key={d.toISOString()} size="small" title={dayHead(d)} style={{ marginBottom: 8 }} data-testid="rota-day-card">
                {chips.length ? chips : <Typography.Text type="secondary">{t('rota.noShift')}</Typography.Text>}
              </Card>
            );
          })}
        </div>
      ) : people.length === 0 ? (
        <Empty description={t('rota.empty')} />
      ) : (
        <div className="rota-grid-wrap">
          <table className="rota-grid" data-testid="rota-grid">
            <thead>
              <tr>
                <th>{t('rota.person')}</th>
                {days.map((d) => (
                  <th key={d.toISOString()} className={d.isSame(today) ? 'rota-col-today' : undefined}>
                    {dayHead(d)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id} data-testid="rota-row">
                  <th scope="row">{p.name}</th>
                  {days.map((d) => (
                    <td key={d.toISOString()} className={d.isSame(today) ? 'rota-col-today' : undefined}>
                      {p.shifts.map((s) => chip(s, d, false))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {adding && chosenCenter && <AddShiftModal centerId={chosenCenter} centerName={centerName} defaultDay={week.isSame(mondayOf(today)) ? today : week} onClose={() => setAdding(false)} />}
    </Card>
  );
}

interface ShiftValues {
  userId: string;
  startsAt: Dayjs;
  endsAt: Dayjs;
  note?: string;
}

function AddShiftModal({ centerId, centerName, defaultDay, onClose }: { centerId: string; centerName: string; defaultDay: Dayjs; onClose(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ShiftValues>();
  const centers = useCenters();
  const users = useUsers({ active: true });
  const create = useCreateShift();
  const key = useRef(newIdempotencyKey());
  // People of the center and of the centers under it.
  const options = useMemo(() => {
    const subtree = new Set([centerId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const c of centers.data ?? []) {
        if (c.parentId && subtree.has(c.parentId) && !subtree.has(c.id)) {
          subtree.add(c.id);
          grew = true;
        }
      }
    }
    return (users.data ?? []).filter((u) => !u.customerId && u.centerId && subtree.has(u.centerId)).map((u) => ({ value: u.id, label: u.name }));
  }, [centers.data, users.data, centerId]);

  const submit = async (v: ShiftValues) => {
    await create.mutateAsync({
      body: { centerId, userId: v.userId, startsAt: v.startsAt.toISOString(), endsAt: v.endsAt.toISOString(), note: v.note?.trim() || null },
      idempotencyKey: key.current,
    });
    showSuccess(t('rota.created'));
  };

  return (
    <FormModal<ShiftValues>
      form={form}
      open
      destroyOnHidden
      onClose={onClose}
      onSubmit={submit}
      pending={create.isPending}
      title={t('rota.addTitle', { center: centerName })}
      okText={t('rota.add')}
      okButtonProps={{ 'data-testid': 'rota-submit' }}
      width={480}
    >
      <Form.Item name="userId" label={t('rota.user')} rules={[{ required: true, message: t('rota.userRequired') }]}>
        <Select options={options} showSearch={{ optionFilterProp: 'label' }} placeholder={t('rota.userPlaceholder')} loading={users.isLoading} data-testid="rota-user" aria-label={t('rota.user')} />
      </Form.Item>
      <Form.Item name="startsAt" label={t('rota.startsAt')} initialValue={defaultDay.hour(8)} rules={[{ required: true, message: t('rota.startRequired') }]}>
        <DatePicker showTime={{ format: 'HH:mm', minuteStep: 15 }} format={TIME_FORMAT} allowClear={false} style={{ width: '100%' }} data-testid="rota-start" />
      </Form.Item>
      <Form.Item
        name="endsAt"
        label={t('rota.endsAt')}
        initialValue={defaultDay.hour(20)}
        dependencies={['startsAt']}
        rules={[
          { required: true, message: t('rota.endRequired') },
          ({ getFieldValue }) => ({
            validator: (_, end: Dayjs | undefined) =>
              !end || !getFieldValue('startsAt') || end.isAfter(getFieldValue('startsAt')) ? Promise.resolve() : Promise.reject(new Error(t('rota.endAfterStart'))),
          }),
        ]}
      >
        <DatePicker showTime={{ format: 'HH:mm', minuteStep: 15 }} format={TIME_FORMAT} allowClear={false} style={{ width: '100%' }} data-testid="rota-end" />
      </Form.Item>
      <Form.Item name="note" label={t('rota.note')} rules={[{ max: 500 }]}>
        <Input placeholder={t('rota.notePlaceholder')} data-testid="rota-note" />
      </Form.Item>
    </FormModal>
  );
}
