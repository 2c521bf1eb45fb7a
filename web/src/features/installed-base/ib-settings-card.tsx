/**
 * The installed-base rules a manager sets (replacements.decide): the second-failure rule that
 * proposes a replacement (三包: a unit failing again within the window) and when contract renewal
 * reminders go out. One form, saved with PUT /api/settings/installed-base; each rule says in one
 * line what it does.
 */
import { Alert, Button, Card, Checkbox, Form, InputNumber, Radio, Select, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES, type Severity } from '../../../../common/domain';
import { useInstalledBaseSettings, useSaveInstalledBaseSettings, type InstalledBaseSettings } from '../../api/replacements';
import { showSuccess } from '../../components/feedback';
import { handleFormError, validated } from '../../components/form-errors';
import { useLabels } from '../../i18n/labels';

interface SettingsValues {
  enabled: boolean;
  count: number;
  windowKind: 'warranty' | 'days';
  windowDays?: number | null;
  severities: Severity[];
  daysBefore: (string | number)[];
  customerLeaders: boolean;
}

function toValues(s: InstalledBaseSettings): SettingsValues {
  const w = s.secondFailure.window;
  return {
    enabled: s.secondFailure.enabled,
    count: s.secondFailure.count,
    windowKind: w === 'warranty' ? 'warranty' : 'days',
    windowDays: w === 'warranty' ? 365 : w.days,
    severities: s.secondFailure.severities,
    daysBefore: s.renewalReminders.daysBefore.map(String),
    customerLeaders: s.renewalReminders.customerLeaders,
  };
}

const dayList = (values: (string | number)[]) => [...new Set(values.map((v) => Number(String(v).trim())))].sort((a, b) => b - a);

export function IbSettingsCard() {
  const { t } = useTranslation();
  const labels = useLabels();
  const settings = useInstalledBaseSettings();
  const save = useSaveInstalledBaseSettings();
  const [form] = Form.useForm<SettingsValues>();
  const enabled = Form.useWatch('enabled', form);
  const windowKind = Form.useWatch('windowKind', form);
  useEffect(() => {
    if (settings.data) form.setFieldsValue(toValues(settings.data));
  }, [settings.data, form]);

  const submit = async () => {
    const v = await validated(form);
    if (!v) return;
    try {
      await save.mutateAsync({
        secondFailure: {
          enabled: v.enabled,
          count: v.count,
          window: v.windowKind === 'warranty' ? 'warranty' : { days: v.windowDays ?? 365 },
          severities: v.severities,
        },
        renewalReminders: { daysBefore: dayList(v.daysBefore), customerLeaders: v.customerLeaders },
      });
      showSuccess(t('common.saved'));
    } catch (error) {
      handleFormError(form, error, {
        'secondFailure.count': 'count',
        'secondFailure.window': 'windowDays',
        'secondFailure.window.days': 'windowDays',
        'secondFailure.severities': 'severities',
        'renewalReminders.daysBefore': 'daysBefore',
      });
    }
  };

  return (
    <Card size="small" title={t('ibSettings.title')} className="ib-settings-card" data-testid="ib-settings">
      {settings.isError ? (
        <Alert type="error" showIcon title={t('ibSettings.loadFailed')} />
      ) : (
        <Form form={form} layout="vertical" requiredMark={false} disabled={settings.isPending}>
          <div className="ib-settings-section">
            <div className="ib-settings-line">
              <Typography.Text strong>{t('ibSettings.secondFailure')}</Typography.Text>
              <Form.Item name="enabled" valuePropName="checked" noStyle>
                <Switch size="small" aria-label={t('ibSettings.enabled')} data-testid="ib-second-failure-enabled" />
              </Form.Item>
            </div>
            <p className="muted ib-settings-hint">{t('ibSettings.secondFailureHint')}</p>
            <div className="form-row-2">
              <Form.Item name="count" label={t('ibSettings.count')} extra={t('ibSettings.countHint')} rules={[{ required: true, message: t('common.required') }]}>
                <InputNumber min={2} max={10} precision={0} disabled={!enabled} suffix={t('ibSettings.times')} style={{ width: 140 }} />
              </Form.Item>
              <Form.Item label={t('ibSettings.window')} extra={t('ibSettings.windowHint')}>
                <div className="ib-settings-line">
                  <Form.Item name="windowKind" noStyle>
                    <Radio.Group
                      disabled={!enabled}
                      options={[
                        { value: 'warranty', label: t('ibSettings.windowWarranty') },
                        { value: 'days', label: t('ibSettings.windowDays') },
                      ]}
                    />
                  </Form.Item>
                  {windowKind === 'days' && (
                    <Form.Item name="windowDays" noStyle rules={[{ required: true, message: t('common.required') }]}>
                      <InputNumber min={1} max={3650} precision={0} disabled={!enabled} suffix={t('ibSettings.days')} style={{ width: 120 }} />
                    </Form.Item>
                  )}
                </div>
              </Form.Item>
            </div>
            <Form.Item name="severities" label={t('ibSettings.severities')} extra={t('ibSettings.severitiesHint')} rules={[{ required: true, type: 'array', min: 1, message: t('ibSettings.severitiesRequired') }]}>
              <Checkbox.Group disabled={!enabled} options={SEVERITIES.map((s) => ({ value: s, label: `${s} ${labels.severityName(s)}` }))} />
            </Form.Item>
          </div>
          <div className="ib-settings-section">
            <Typography.Text strong>{t('ibSettings.renewal')}</Typography.Text>
            <p className="muted ib-settings-hint">{t('ibSettings.renewalHint')}</p>
            <Form.Item
              name="daysBefore"
              label={t('ibSettings.daysBefore')}
              extra={t('ibSettings.daysBeforeHint')}
              rules={[
                {
                  validator: (_, v: (string | number)[] | undefined) => {
                    const days = (v ?? []).map((x) => String(x).trim());
                    if (days.length === 0) return Promise.reject(new Error(t('ibSettings.daysBeforeRequired')));
                    if (days.some((d) => !/^\d+$/.test(d) || Number(d) < 1 || Number(d) > 365)) return Promise.reject(new Error(t('ibSettings.daysBeforeInvalid')));
                    if (new Set(days.map(Number)).size > 10) return Promise.reject(new Error(t('ibSettings.daysBeforeTooMany')));
                    return Promise.resolve();
                  },
                },
              ]}
            >
              <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} style={{ maxWidth: 360 }} data-testid="ib-days-before" />
            </Form.Item>
            <Form.Item extra={t('ibSettings.customerLeadersHint')}>
              <div className="ib-settings-line" style={{ marginBottom: 0 }}>
                <Form.Item name="customerLeaders" valuePropName="checked" noStyle>
                  <Switch size="small" aria-label={t('ibSettings.customerLeaders')} />
                </Form.Item>
                <span>{t('ibSettings.customerLeaders')}</span>
              </div>
            </Form.Item>
          </div>
          <Button type="primary" onClick={() => void submit()} loading={save.isPending} data-testid="ib-settings-save">
            {t('common.save')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
