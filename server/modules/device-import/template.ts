/**
 * The import template (设备导入模板.xlsx): sheet 设备 with the Chinese headers (each with its
 * English name as a cell note, required ones marked), one example row; sheet 说明 listing the
 * columns, the accepted date and status words and the catalog's product models.
 */
import ExcelJS from 'exceljs';
import { DEVICE_STATUSES } from '../../../common/api/installed-base';
import { DEVICE_COLUMNS, DEVICE_STATUS_WORDS, type DeviceColumnKey } from './columns';
import { MAX_IMPORT_ROWS } from './read-file';

const EXAMPLE: Record<DeviceColumnKey, string | Date> = {
  serial: 'ATM-2026-000001',
  productModel: 'GRG-H68N',
  maker: '广电运通',
  customer: '中国工商银行深圳分行',
  site: '福田支行',
  location: '一楼大厅 2 号机',
  installedOn: new Date(Date.UTC(2026, 2, 15)),
  warrantyEndsOn: '',
  softwareVersion: 'V3.2.1',
  firmwareVersion: 'FW 1.08',
  status: '在用',
  assetTag: 'ICBC-SZ-0001',
  ip: '10.20.30.41',
};

const NOTES: Partial<Record<DeviceColumnKey, string>> = {
  serial: '必填。同一产品型号下不可重复。',
  productModel: '必填。产品目录中的型号（见下表）。',
  maker: '同一型号有多个厂商时必填。',
  customer: '必填。客户名称或客户编码。',
  site: '该客户下的网点名称。',
  installedOn: '日期：2026-03-15、2026/3/15、2026年3月15日 或 Excel 日期单元格。',
  warrantyEndsOn: '留空时 = 安装日期 + 产品保修月数 − 1 天。',
  status: `${DEVICE_STATUSES.map((s) => DEVICE_STATUS_WORDS[s].zh).join('、')}（留空为“在用”）。`,
};

export async function buildTemplate(models: { model: string; name: string; maker: string | null }[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Fuwutai 服务台';
  const sheet = workbook.addWorksheet('设备');
  sheet.columns = DEVICE_COLUMNS.map((c) => ({ header: c.zh, key: c.key, width: Math.max(14, c.en.length + 4) }));
  DEVICE_COLUMNS.forEach((c, i) => {
    const cell = sheet.getRow(1).getCell(i + 1);
    cell.font = { bold: true, color: c.required ? { argb: 'FFC00000' } : undefined };
    cell.note = `${c.en}${c.required ? ' (required / 必填)' : ''}`;
  });
  const example = sheet.addRow(DEVICE_COLUMNS.map((c) => EXAMPLE[c.key]));
  example.getCell(DEVICE_COLUMNS.findIndex((c) => c.key === 'installedOn') + 1).numFmt = 'yyyy-mm-dd';
  sheet.views = [{ state: 'frozen', ySplit: 1 }];

  const help = workbook.addWorksheet('说明');
  help.columns = [
    { header: '列（中文）', key: 'zh', width: 14 },
    { header: 'Column (English)', key: 'en', width: 18 },
    { header: '必填', key: 'required', width: 8 },
    { header: '说明', key: 'note', width: 70 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of DEVICE_COLUMNS) help.addRow({ zh: c.zh, en: c.en, required: c.required ? '是' : '', note: NOTES[c.key] ?? '' });
  help.addRow({});
  help.addRow({ zh: '其他列', note: '表头不在上表中的列作为设备属性导入（列名 → 值），最多 50 列。' });
  help.addRow({ zh: '行数', note: `每次最多导入 ${MAX_IMPORT_ROWS.toLocaleString('en-US')} 行；第 1 行为表头。` });
  help.addRow({ zh: '文件格式', note: 'Excel 工作簿 (.xlsx) 或 CSV (.csv，UTF-8 或 GBK/GB18030 编码)。' });
  help.addRow({ zh: '状态取值', note: DEVICE_STATUSES.map((s) => `${DEVICE_STATUS_WORDS[s].zh} / ${DEVICE_STATUS_WORDS[s].en} / ${s}`).join('；') });
  help.addRow({});
  const title = help.addRow({ zh: '产品目录', en: 'Product models' });
  title.font = { bold: true };
  help.addRow({ zh: '型号', en: '厂商', note: '名称' }).font = { bold: true };
  for (const m of models) help.addRow({ zh: m.model, en: m.maker ?? '', note: m.name });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
