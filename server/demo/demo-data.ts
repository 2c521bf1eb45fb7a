/** The demo organisation, customers and ticket stories (data only; see load-demo.ts). */
import type { Category, Channel, EngineerLevel, Role, Severity, TicketStatus, TicketType } from '../../common/domain';

interface DemoStaff {
  username: string;
  name: string;
  role: Role;
  center?: string;
  level?: EngineerLevel;
  skills?: string[];
  phone?: string;
}

export const DEMO_ORGANISATION = {
  centers: [
    { code: 'HQ', name: '北京总部客户服务中心', level: 'hq' as const, region: '全国' },
    { code: 'NORTH', name: '华北区域服务中心', level: 'regional' as const, parent: 'HQ', region: '华北' },
    { code: 'EAST', name: '华东区域服务中心', level: 'regional' as const, parent: 'HQ', region: '华东' },
    { code: 'SOUTH', name: '华南区域服务中心', level: 'regional' as const, parent: 'HQ', region: '华南' },
    { code: 'BJ', name: '北京省级服务中心', level: 'provincial' as const, parent: 'NORTH', region: '北京' },
    { code: 'ZJ', name: '浙江省级服务中心', level: 'provincial' as const, parent: 'EAST', region: '浙江' },
    { code: 'JS', name: '江苏省级服务中心', level: 'provincial' as const, parent: 'EAST', region: '江苏' },
    { code: 'GD', name: '广东省级服务中心', level: 'provincial' as const, parent: 'SOUTH', region: '广东' },
  ],
  staff: [
    { username: 'admin.demo', name: '系统管理员（演示）', role: 'admin', center: 'HQ' },
    { username: 'zhao.jingli', name: '赵经理', role: 'manager', center: 'HQ', phone: '13901000001' },
    { username: 'qian.zong', name: '钱副总', role: 'executive', center: 'HQ' },
    { username: 'sun.zuoxi', name: '孙座席', role: 'dispatcher', center: 'HQ', phone: '010-5888 0001' },
    { username: 'li.zuoxi', name: '李座席', role: 'dispatcher', center: 'HQ' },
    { username: 'zhou.zhijian', name: '周质检', role: 'qa', center: 'HQ' },
    { username: 'wang.gong', name: '王工', role: 'engineer', center: 'BJ', level: 'senior', skills: ['ATM', '读卡器', 'Windows'] },
    { username: 'chen.gong', name: '陈工', role: 'engineer', center: 'ZJ', level: 'expert', skills: ['Oracle', '网络', '电力调度'] },
    { username: 'liu.gong', name: '刘工', role: 'engineer', center: 'JS', level: 'intermediate', skills: ['自助终端', '打印机'] },
    { username: 'huang.gong', name: '黄工', role: 'engineer', center: 'GD', level: 'junior', skills: ['HIS', '数据库'] },
    { username: 'wu.jingli', name: '吴经理', role: 'manager', center: 'EAST' },
  ] satisfies DemoStaff[],
};

export const DEMO_CUSTOMERS = [
  {
    code: 'ICBC-BJ',
    name: '中国工商银行北京分行',
    industry: '银行',
    region: '北京',
    center: 'BJ',
    contacts: [
      { name: '张科长', title: '科技部运维科科长', email: 'zhang.kz@bank.example', phones: ['13800138000', '010-6610 8888'], isLeader: true },
      { name: '马工', title: '网点设备管理员', phones: ['13811112222'] },
    ],
    sites: [
      { name: '西单支行', address: '北京市西城区西单北大街 120 号', region: '北京' },
      { name: '中关村支行', address: '北京市海淀区中关村大街 11 号', region: '北京' },
    ],
    portalUsers: [
      { username: 'icbc.zhang', name: '张科长', role: 'customer_leader' as const },
      { username: 'icbc.ma', name: '马工', role: 'customer_user' as const },
    ],
  },
  {
    code: 'SGCC-ZJ',
    name: '国网浙江省电力有限公司',
    industry: '电力',
    region: '浙江',
    center: 'ZJ',
    contacts: [
      { name: '何主任', title: '信通公司调度主任', email: 'he@grid.example', phones: ['0571-8777 6666', '13957100001'], isLeader: true },
      { name: '许值班', title: '调度值班员', phones: ['13957100002'] },
    ],
    sites: [{ name: '杭州调度中心', address: '浙江省杭州市上城区解放东路 8 号', region: '浙江' }],
    portalUsers: [{ username: 'grid.xu', name: '许值班', role: 'customer_user' as const }],
  },
  {
    code: 'PUMCH',
    name: '北京协和医院',
    industry: '医疗',
    region: '北京',
    center: 'BJ',
    contacts: [{ name: '林主任', title: '信息中心主任', email: 'lin@hospital.example', phones: ['010-6915 6114'], isLeader: true }],
    sites: [{ name: '东单院区', address: '北京市东城区帅府园 1 号', region: '北京' }],
    portalUsers: [{ username: 'pumch.lin', name: '林主任', role: 'customer_leader' as const }],
  },
  {
    code: 'HXB-JS',
    name: '华夏银行南京分行',
    industry: '银行',
    region: '江苏',
    center: 'JS',
    contacts: [{ name: '钟经理', title: '运营管理部经理', phones: ['025-8478 0000', '13770000001'], isLeader: true }],
    sites: [{ name: '新街口支行', address: '江苏省南京市秦淮区中山路 1 号', region: '江苏' }],
    portalUsers: [],
  },
  {
    code: 'CSG-GD',
    name: '南方电网广州供电局',
    industry: '电力',
    region: '广东',
    center: 'GD',
    contacts: [{ name: '梁工', title: '自动化班班长', phones: ['020-3812 0000'] }],
    sites: [{ name: '天河营业厅', address: '广东省广州市天河区天河路 2 号', region: '广东' }],
    portalUsers: [],
  },
];

interface Step {
  after: number; // minutes after the previous step
  by?: string;
  assign?: string;
  to?: TicketStatus;
  note?: string;
  comment?: string;
  internal?: boolean;
  severity?: Severity;
  reason?: string;
  /** A solution plan submitted (the SLA "plan" milestone), with its text. */
  plan?: string;
}

interface Story {
  customer: string;
  /** Serial numbers of the units the fault concerns (demo-installed-base.ts). */
  devices?: string[];
  title: string;
  description: string;
  severity: Severity;
  channel: Channel;
  type: TicketType;
  category: Category;
  hoursAgo: number;
  takenBy: string;
  steps: Step[];
}

const resolvedStory = (engineer: string, fix: string): Step[] => [
  { after: 6, assign: engineer },
  { after: 4, by: engineer, to: 'in_progress' },
  { after: 15, by: engineer, comment: '已远程登录排查，正在定位原因。' },
  { after: 10, by: engineer, plan: `处理方案：${fix}` },
  { after: 80, by: engineer, to: 'resolved', note: fix },
];

export const DEMO_TICKETS: Story[] = [
  {
    customer: 'ICBC-BJ', title: '西单支行 ATM 全部停机', devices: ['GRG68N2301001'], description: '网点 4 台 ATM 同时黑屏，无法取款，客户排队。',
    severity: 'P1', channel: 'phone', type: 'fault', category: 'hardware', hoursAgo: 1.5, takenBy: 'sun.zuoxi',
    steps: [
      { after: 3, assign: 'wang.gong' },
      { after: 5, by: 'wang.gong', to: 'in_progress' },
      { after: 10, by: 'wang.gong', comment: '初步判断网点 UPS 故障，已出发前往现场。' },
      { after: 5, by: 'wang.gong', plan: '更换 UPS 电池组，期间启用备用电源保障 ATM 供电。' },
    ],
  },
  {
    customer: 'SGCC-ZJ', title: '调度自动化系统数据刷新延迟', devices: ['D5000-ZJ-LIC-001'], description: 'SCADA 画面数据刷新延迟约 30 秒，影响调度员判断。',
    severity: 'P2', channel: 'phone', type: 'fault', category: 'software', hoursAgo: 5, takenBy: 'li.zuoxi',
    steps: [
      { after: 8, assign: 'chen.gong' },
      { after: 12, by: 'chen.gong', to: 'in_progress' },
      { after: 40, by: 'chen.gong', comment: '数据库归档进程占满 IO，已临时调整。', internal: true },
      { after: 10, by: 'chen.gong', plan: '调整归档窗口至夜间，业务低峰期重启采集服务。' },
      { after: 20, by: 'chen.gong', to: 'pending_customer', note: '请贵方在业务低峰期配合重启采集服务。' },
    ],
  },
  {
    customer: 'PUMCH', title: 'HIS 门诊挂号打印乱码', description: '门诊挂号凭条打印出现乱码，约 10% 出现。',
    severity: 'P3', channel: 'portal', type: 'fault', category: 'software', hoursAgo: 26, takenBy: 'sun.zuoxi',
    steps: resolvedStory('huang.gong', '更新打印机驱动并调整字库编码为 GB18030，连续打印 200 张无乱码。'),
  },
  {
    customer: 'HXB-JS', title: '自助填单机触摸屏定位偏移', devices: ['CASH-ST200-1202'], description: '新街口支行 2 号填单机点击位置偏右约 1 厘米。',
    severity: 'P4', channel: 'email', type: 'fault', category: 'hardware', hoursAgo: 50, takenBy: 'li.zuoxi',
    steps: [...resolvedStory('liu.gong', '现场重新校准触摸屏。'), { after: 600, by: 'li.zuoxi', to: 'closed', note: '客户回访确认已恢复。' }],
  },
  {
    customer: 'ICBC-BJ', title: '咨询：读卡器固件升级步骤', description: '客户询问 V3.2 固件的升级步骤及注意事项。',
    severity: 'P4', channel: 'chat', type: 'consultation', category: 'hardware', hoursAgo: 3, takenBy: 'sun.zuoxi', steps: [],
  },
  {
    customer: 'CSG-GD', title: '营业厅排队叫号系统无法出票', devices: ['QM30-GZ-TH-01'], description: '天河营业厅叫号机按键无反应，无法出票。',
    severity: 'P2', channel: 'fax', type: 'fault', category: 'hardware', hoursAgo: 8, takenBy: 'li.zuoxi',
    steps: [{ after: 20, assign: 'huang.gong' }],
  },
  {
    customer: 'SGCC-ZJ', title: '需求：增加变电站巡检报表导出 Excel', description: '客户书面提出需求：巡检报表支持导出 Excel，需 48 小时内书面答复。',
    severity: 'P4', channel: 'email', type: 'requirement', category: 'software', hoursAgo: 30, takenBy: 'sun.zuoxi',
    steps: [
      { after: 30, assign: 'chen.gong' },
      { after: 60, by: 'chen.gong', to: 'in_progress' },
      { after: 60, by: 'chen.gong', plan: '在巡检报表模块增加导出 Excel 功能，两周内随版本发布。' },
      { after: 180, by: 'chen.gong', comment: '需求分析已完成，方案：在报表模块增加导出功能，预计两周内发布。' },
    ],
  },
  {
    customer: 'PUMCH', title: '投诉：工程师上门超时', description: '林主任来电投诉：上次报修工程师迟到两小时。',
    severity: 'P3', channel: 'phone', type: 'complaint', category: 'other', hoursAgo: 20, takenBy: 'sun.zuoxi',
    steps: [
      { after: 10, assign: 'zhao.jingli' },
      { after: 30, by: 'zhao.jingli', to: 'in_progress' },
      { after: 30, by: 'zhao.jingli', plan: '核实出勤记录，向客户书面致歉，调整该区域工程师排班。' },
      { after: 90, by: 'zhao.jingli', comment: '已核实情况，属实。已向客户致歉并调整排班。' },
    ],
  },
  {
    customer: 'ICBC-BJ', title: '中关村支行网络中断', description: '支行专线中断，柜面业务无法办理。',
    severity: 'P1', channel: 'phone', type: 'major_incident', category: 'network', hoursAgo: 72, takenBy: 'li.zuoxi',
    steps: [{ after: 2, assign: 'wang.gong' }, { after: 3, by: 'wang.gong', to: 'in_progress' }, { after: 45, by: 'wang.gong', comment: '运营商光缆被挖断，已启用 4G 备份线路。' }, { after: 60, by: 'wang.gong', to: 'resolved', note: '备份线路恢复业务；主线路运营商已修复。' }, { after: 1440, by: 'sun.zuoxi', to: 'closed' }],
  },
  {
    customer: 'HXB-JS', title: '叫号屏显示花屏', description: '大堂叫号屏偶发花屏。',
    severity: 'P3', channel: 'portal', type: 'fault', category: 'hardware', hoursAgo: 100, takenBy: 'li.zuoxi',
    steps: [{ after: 30, to: 'cancelled', note: '客户来电告知为断电所致，撤销报修。' }],
  },
  {
    customer: 'SGCC-ZJ', title: '巡检发现备份作业失败', description: '季度巡检发现数据库自动备份连续 3 天失败。',
    severity: 'P2', channel: 'onsite', type: 'inspection', category: 'data', hoursAgo: 12, takenBy: 'chen.gong',
    steps: [
      { after: 5, assign: 'chen.gong' },
      { after: 5, by: 'chen.gong', severity: 'P1', reason: '备份缺失期间如发生故障将无法恢复数据，升级为一级。' },
      { after: 10, by: 'chen.gong', to: 'in_progress' },
      { after: 5, by: 'chen.gong', plan: '清理备份目录空间并修复备份脚本，今晚手工补做全量备份。' },
    ],
  },
  {
    customer: 'PUMCH', title: '检验科 LIS 接口报文丢失', description: 'LIS 与 HIS 接口偶发报文丢失，检验结果未回传。',
    severity: 'P2', channel: 'api', type: 'fault', category: 'data', hoursAgo: 0.4, takenBy: 'sun.zuoxi', steps: [],
  },
];
