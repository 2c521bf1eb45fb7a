/**
 * The administrator's first-start checklist, on top of their queue until it is put away: five
 * steps (centers, staff, calendars, SLA policies, mail), each judged by the server from the desk's
 * real state, each with a link to its page and a "reviewed" / "skip" for when nothing needs
 * changing. Progress as "3/5"; once every step is complete the card offers to go away for good.
 * Nobody but administrators sees it (nor asks the server for it).
 */
import { CheckCircleFilled, CloseOutlined, MinusCircleOutlined } from '@ant-design/icons';
import { Button, Progress } from 'antd';
import { Title } from '../../components/typography';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDismissSetup, useMarkSetupStep, useSetupChecklist } from '../../api/admin';
import type { SetupStep } from '../../api/types';
import { useCan } from '../auth/session';

const LINKS: Record<SetupStep['key'], string> = {
  centers: '/admin/centers',
  users: '/admin/users',
  calendars: '/admin/calendars',
  sla_policies: '/admin/sla-policies',
  mail: '/admin/deliveries',
};

function StepRow({ step }: { step: SetupStep }) {
  const { t } = useTranslation();
  const mark = useMarkSetupStep();
  const busy = mark.isPending;
  const icon = step.satisfied || step.mark === 'done' ? (
    <CheckCircleFilled className="setup-step-icon setup-step-done" />
  ) : step.mark === 'skipped' ? (
    <MinusCircleOutlined className="setup-step-icon muted" />
  ) : (
    <span className="setup-step-icon setup-step-open" aria-hidden />
  );
  return (
    <li className={step.complete ? 'setup-step setup-step-complete' : 'setup-step'} data-testid={`setup-step-${step.key}`} data-complete={String(step.complete)}>
      {icon}
      <div className="setup-step-text">
        <Link to={LINKS[step.key]} className="setup-step-title">
          {t(`setup.steps.${step.key}.title`)}
        </Link>
        {!step.complete && <div className="setup-step-hint">{t(`setup.steps.${step.key}.hint`)}</div>}
        {step.mark && !step.satisfied && <span className="muted setup-step-mark">{step.mark === 'done' ? t('setup.marked') : t('setup.skipped')}</span>}
      </div>
      <div className="setup-step-actions">
        {!step.satisfied &&
          (step.mark ? (
            <Button size="small" type="link" disabled={busy} onClick={() => mark.mutate({ step: step.key, mark: null })}>
              {t('setup.undo')}
            </Button>
          ) : (
            <>
              {step.key !== 'mail' && (
                <Button size="small" disabled={busy} onClick={() => mark.mutate({ step: step.key, mark: 'done' })} data-testid={`setup-done-${step.key}`}>
                  {t('setup.markDone')}
                </Button>
              )}
              <Button size="small" type="text" disabled={busy} onClick={() => mark.mutate({ step: step.key, mark: 'skipped' })} data-testid={`setup-skip-${step.key}`}>
                {t('setup.skip')}
              </Button>
            </>
          ))}
      </div>
    </li>
  );
}

export function SetupChecklistCard() {
  const { t } = useTranslation();
  const can = useCan();
  const allowed = can('setup.manage');
  const checklist = useSetupChecklist(allowed);
  const dismiss = useDismissSetup();
  const c = checklist.data;
  if (!allowed || !c || c.dismissed) return null;
  return (
    <section className="page-card setup-card" data-testid="setup-checklist" aria-labelledby="setup-title">
      <div className="setup-head">
        <div>
          <Title level={5} style={{ margin: 0 }} id="setup-title">
            {t('setup.title')}
          </Title>
          <div className="muted">{c.complete ? t('setup.complete') : t('setup.intro')}</div>
        </div>
        <div className="setup-progress">
          <Progress type="circle" size={44} percent={Math.round((c.done / c.total) * 100)} format={() => `${c.done}/${c.total}`} data-testid="setup-progress" />
          {c.complete && (
            <Button icon={<CloseOutlined />} loading={dismiss.isPending} onClick={() => dismiss.mutate()} data-testid="setup-dismiss">
              {t('setup.dismiss')}
            </Button>
          )}
        </div>
      </div>
      <ol className="setup-steps">
        {c.steps.map((step) => (
          <StepRow key={step.key} step={step} />
        ))}
      </ol>
    </section>
  );
}
