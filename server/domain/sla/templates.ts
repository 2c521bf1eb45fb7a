/**
 * The SLA policies Fuwutai ships, each taken from a seed document (see DESIGN.md). An
 * administrator starts from one of these and edits a copy; `standard` is the default.
 */
import { CALENDAR_KEYS } from '../calendar';
import type { Severity } from '../../../common/domain';
import {
  DEFAULT_PAUSE_ON,
  DEFAULT_WARN_AT_RATIO,
  type MilestoneKey,
  type MilestoneTarget,
  type SlaPolicyDefinition,
  type SlaPolicyTemplate,
} from './types';

const H = 60;
/** 5×8 China works 08:30–17:30: 540 minutes a working day. */
const WORKING_DAY = 9 * H;

type TargetOptions = Partial<Pick<MilestoneTarget, 'calendar' | 'outOfHours'>> & { after?: MilestoneKey };

/** A target counted on 7×24 from the report unless told otherwise. */
function target(key: MilestoneKey, minutes: number, options: TargetOptions = {}): MilestoneTarget {
  const { after, calendar = CALENDAR_KEYS.always, outOfHours } = options;
  return {
    key,
    minutes,
    calendar,
    anchor: after ? { milestone: after } : 'reported',
    ...(outOfHours ? { outOfHours: { ...outOfHours } } : {}),
    pauseOn: [...DEFAULT_PAUSE_ON],
  };
}

function policy(severities: Record<Severity, MilestoneTarget[]>): SlaPolicyDefinition {
  return { warnAtRatio: DEFAULT_WARN_AT_RATIO, severities };
}

/** Seed 002: the hotline is staffed 7×24, so every clock counts calendar time. */
function standard(): SlaPolicyDefinition {
  const row = (respond: number, plan: number, resolve: number) => [
    target('respond', respond),
    target('plan', plan),
    target('resolve', resolve),
  ];
  return policy({
    P1: row(10, 30, 2 * H),
    P2: row(10, 2 * H, 4 * H),
    P3: row(20, 2 * H, 8 * H),
    P4: row(30, 4 * H, 12 * H),
  });
}

/**
 * Seed 004 (on-site hardware): P1 restored within 2 h *after arrival*, hence the anchor. Repairs
 * promised in working days count on 5×8 China, so holidays and make-up days are honoured.
 */
function onsite(): SlaPolicyDefinition {
  const workingDays = { calendar: CALENDAR_KEYS.china5x8 };
  return policy({
    P1: [target('respond', 0), target('arrive', 1 * H), target('restore', 2 * H, { after: 'arrive' }), target('resolve', 6 * H)],
    P2: [target('arrive', 2 * H), target('restore', 4 * H), target('resolve', 24 * H)],
    P3: [target('plan', 6 * H), target('resolve', 2 * WORKING_DAY, workingDays)],
    P4: [target('resolve', 5 * WORKING_DAY, workingDays)],
  });
}

/**
 * Seed 000: respond within 1 h when reported in working hours (5×8 China), within 5 h otherwise,
 * on a 7×24 hotline. The seed names no resolve times; its escalation table calls in the vendor's
 * technical center when the service company has not fixed the fault itself, so the resolve
 * targets are those thresholds (P1 4 h, P2 24 h, P3 120 h, P4 240 h, calendar time): the
 * manager is warned by the step before, and the breach coincides with the vendor escalation.
 */
function hotline(): SlaPolicyDefinition {
  const respond = () =>
    target('respond', 1 * H, { outOfHours: { minutes: 5 * H, hoursCalendar: CALENDAR_KEYS.china5x8 } });
  return policy({
    P1: [respond(), target('resolve', 4 * H)],
    P2: [respond(), target('resolve', 24 * H)],
    P3: [respond(), target('resolve', 120 * H)],
    P4: [respond(), target('resolve', 240 * H)],
  });
}

export const DEFAULT_SLA_TEMPLATE_KEY = 'standard';

/** Fresh copies on every call, so a caller may edit its copy without touching anyone else's. */
export function slaPolicyTemplates(): SlaPolicyTemplate[] {
  return [
    {
      key: 'standard',
      name: { zh: '标准', en: 'Standard' },
      description: {
        zh: '7×24 热线：P1 10 分钟响应、30 分钟提交方案、2 小时解决；P2 10 分钟/2 小时/4 小时；P3 20 分钟/2 小时/8 小时；P4 30 分钟/4 小时/12 小时。',
        en: '7×24 hotline: P1 respond 10 min, plan 30 min, resolve 2 h; P2 10 min/2 h/4 h; P3 20 min/2 h/8 h; P4 30 min/4 h/12 h.',
      },
      definition: standard(),
    },
    {
      key: 'onsite',
      name: { zh: '现场', en: 'On-site' },
      description: {
        zh: '现场硬件服务：P1 立即响应、1 小时到达、到达后 2 小时恢复、6 小时全部正常；P2 2 小时到达、4 小时恢复、1 天全部正常；P3 6 小时提交方案、2 个工作日修复；P4 5 个工作日修复。',
        en: 'On-site hardware: P1 respond at once, arrive 1 h, restored 2 h after arrival, fully normal 6 h; P2 arrive 2 h, restored 4 h, fully normal 1 day; P3 plan 6 h, repaired in 2 working days; P4 5 working days.',
      },
      definition: onsite(),
    },
    {
      key: 'hotline-1h5h',
      name: { zh: '热线 1 小时/5 小时', en: 'Hotline 1 h / 5 h' },
      description: {
        zh: '工作时间 1 小时内响应，非工作时间 5 小时内响应；解决时限与升级矩阵中原厂商技术中心介入的时点一致（P1 4 小时、P2 24 小时、P3 120 小时、P4 240 小时）。',
        en: 'Respond within 1 h in working hours, 5 h otherwise; resolve by the time the escalation matrix calls in the vendor (P1 4 h, P2 24 h, P3 120 h, P4 240 h).',
      },
      definition: hotline(),
    },
  ];
}

/** The template with this key, or undefined. */
export function slaPolicyTemplate(key: string): SlaPolicyTemplate | undefined {
  return slaPolicyTemplates().find((t) => t.key === key);
}
