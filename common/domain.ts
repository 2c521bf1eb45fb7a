/**
 * Vocabulary shared by server and web: roles, ticket enums, severity definitions.
 * Words follow the glossary in DESIGN.md.
 */

export const ROLES = [
  'admin',
  'manager',
  'executive',
  'dispatcher',
  'engineer',
  'qa',
  'customer_user',
  'customer_leader',
] as const;
export type Role = (typeof ROLES)[number];

export const CUSTOMER_ROLES: readonly Role[] = ['customer_user', 'customer_leader'];
export const isCustomerRole = (role: Role) => CUSTOMER_ROLES.includes(role);

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator' },
  manager: { zh: '技术支持经理', en: 'Support manager' },
  executive: { zh: '副总裁/总裁', en: 'Executive' },
  dispatcher: { zh: '客服座席', en: 'Dispatcher' },
  engineer: { zh: '售后服务工程师', en: 'Service engineer' },
  qa: { zh: '服务质量监督', en: 'Quality assurance' },
  customer_user: { zh: '客户用户', en: 'Customer user' },
  customer_leader: { zh: '客户方领导', en: 'Customer leader' },
};

export const ENGINEER_LEVELS = ['junior', 'intermediate', 'senior', 'principal', 'expert'] as const;
export type EngineerLevel = (typeof ENGINEER_LEVELS)[number];
export const ENGINEER_LEVEL_LABELS: Record<EngineerLevel, { zh: string; en: string }> = {
  junior: { zh: '初级', en: 'Junior' },
  intermediate: { zh: '中级', en: 'Intermediate' },
  senior: { zh: '高级', en: 'Senior' },
  principal: { zh: '资深', en: 'Principal' },
  expert: { zh: '专家', en: 'Expert' },
};

export const CENTER_LEVELS = ['hq', 'regional', 'provincial'] as const;
export type CenterLevel = (typeof CENTER_LEVELS)[number];

export const TICKET_TYPES = [
  'fault',
  'consultation',
  'requirement',
  'complaint',
  'major_incident',
  'inspection',
] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const CHANNELS = ['phone', 'email', 'portal', 'chat', 'fax', 'api', 'walk_in', 'onsite'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * How a customer describes a fault's impact in plain words (portal). Each implies a severity, per the
 * seed definitions: system down → P1, part of the business limited → P2, works but impaired → P3,
 * a question → P4. Staff confirm the implied severity within the response time.
 */
export const IMPACTS = ['down', 'limited', 'impaired', 'question'] as const;
export type Impact = (typeof IMPACTS)[number];
export const IMPACT_SEVERITY: Record<Impact, Severity> = { down: 'P1', limited: 'P2', impaired: 'P3', question: 'P4' };

export const TICKET_LINK_KINDS = ['duplicate_of', 'caused_by', 'related'] as const;
export type TicketLinkKind = (typeof TICKET_LINK_KINDS)[number];

export const CATEGORIES = ['hardware', 'software', 'network', 'data', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const TICKET_STATUSES = [
  'new',
  'assigned',
  'in_progress',
  'pending_customer',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Severity definitions from seeds 000/003 (DESIGN.md), shown wherever a severity is chosen. */
export const SEVERITY_DEFINITIONS: Record<Severity, { zh: { name: string; text: string }; en: { name: string; text: string } }> = {
  P1: {
    zh: { name: '一级/重大故障', text: '现有的系统停机，或对最终用户的业务运作有严重影响' },
    en: { name: 'Critical', text: "System down, or serious impact on the end user's business" },
  },
  P2: {
    zh: { name: '二级/主要故障', text: '系统的操作性能严重下降，或部分业务运作受限' },
    en: { name: 'Major', text: 'Performance severely degraded, or part of the business is limited' },
  },
  P3: {
    zh: { name: '三级/一般故障', text: '系统的操作性能受损，但大部分业务运作仍可正常工作' },
    en: { name: 'Minor', text: 'Performance impaired, most business still works' },
  },
  P4: {
    zh: { name: '四级/轻微故障', text: '在产品功能、安装或配置方面需要信息或支援，对业务运作几乎无影响' },
    en: { name: 'Informational', text: 'Information or help on function, installation or configuration; no business impact' },
  },
};

/** Ticket statuses in words, for server-written texts (notifications, mail); the web has its own i18n. */
export const TICKET_STATUS_LABELS: Record<TicketStatus, { zh: string; en: string }> = {
  new: { zh: '新建', en: 'New' },
  assigned: { zh: '已指派', en: 'Assigned' },
  in_progress: { zh: '处理中', en: 'In progress' },
  pending_customer: { zh: '待客户反馈', en: 'Waiting for customer' },
  resolved: { zh: '已解决', en: 'Resolved' },
  closed: { zh: '已关闭', en: 'Closed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};
