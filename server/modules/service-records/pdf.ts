/**
 * The printable service record (服务记录单): A4, drawn with pdfkit in Noto Sans SC (the font ships
 * with the app as an npm package, so the PDF looks the same on every server and embeds only the
 * glyphs it uses). Long text wraps and flows onto new pages; every page's footer carries the
 * version and the content hash.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { RecordPdfModel } from './pdf-model';

const require = createRequire(import.meta.url);
let fontCache: Buffer | null = null;
/** The font file, read once per process (10 MB). */
function font(): Buffer {
  fontCache ??= fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'));
  return fontCache;
}

const RESULT_LABELS: Record<string, string> = { restored: '已恢复服务', another_visit: '需再次上门', needs_parts: '需要备件' };
const STATUS_LABELS: Record<string, string> = { draft: '草稿（未签字）', signed: '已签字', refused: '客户拒签' };

const MARGIN = 50;
const FOOTER = 36;

export function renderRecordPdf(m: RecordPdfModel): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
    bufferPages: true,
    info: { Title: `服务记录单 ${m.ticket.number} v${m.version}`, Creator: m.deskName },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('sc', font());
  doc.font('sc');
  const width = doc.page.width - MARGIN * 2;
  const bottom = () => doc.page.height - MARGIN - FOOTER;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  // Header.
  doc.fontSize(10).fillColor('#555').text(m.deskName, MARGIN, MARGIN, { width, align: 'left' });
  doc.moveDown(0.3);
  doc.fontSize(20).fillColor('#000').text('服务记录单', { width, align: 'center' });
  if (m.previousVersion !== null) doc.fontSize(10).fillColor('#a00').text(`更正版本 of v${m.previousVersion}`, { width, align: 'center' });
  doc.fontSize(10).fillColor('#555').text(`${STATUS_LABELS[m.status] ?? m.status} · v${m.version}`, { width, align: 'center' });
  doc.moveDown(0.6);
  doc.moveTo(MARGIN, doc.y).lineTo(MARGIN + width, doc.y).strokeColor('#999').stroke();
  doc.moveDown(0.5);

  const field = (label: string, value: string | null | undefined) => {
    ensure(16);
    doc.fontSize(10).fillColor('#555').text(`${label}：`, MARGIN, doc.y, { continued: true }).fillColor('#000').text(value?.trim() ? value : '—', { width });
  };
  const section = (title: string) => {
    ensure(40);
    doc.moveDown(0.6);
    doc.fontSize(12).fillColor('#000').text(title, MARGIN, doc.y, { width });
    doc.moveDown(0.2);
  };
  const paragraph = (text: string) => {
    doc.fontSize(10).fillColor('#000').text(text.trim() ? text : '—', MARGIN, doc.y, { width, lineGap: 2 });
  };

  field('工单编号', m.ticket.number);
  field('工单标题', m.ticket.title);
  field('严重级别', m.ticket.severity);
  field('客户', m.customer);
  field('现场', m.site ? m.site.name : null);
  field('地址', m.site?.address ?? null);
  field('设备', m.devices.length ? m.devices.map((d) => `${d.serial}（${d.model}）`).join('；') : null);
  field('工程师', m.engineers.join('、'));
  field('计划时间', m.planned);
  field('出发时间', m.departedAt);
  field('到达时间', m.arrivedAt);
  field('完成时间', m.finishedAt);

  section('故障现象与检查结果');
  paragraph(m.findings);
  section('处理过程');
  paragraph(m.workDone);

  section('使用备件');
  if (!m.parts.length) paragraph('无');
  else {
    const cols = [
      { title: '备件号', w: 0.2 },
      { title: '名称', w: 0.35 },
      { title: '数量', w: 0.1 },
      { title: '序列号', w: 0.35 },
    ];
    const row = (cells: string[], header: boolean) => {
      doc.fontSize(9).fillColor(header ? '#555' : '#000');
      const heights = cells.map((c, i) => doc.heightOfString(c || '—', { width: cols[i]!.w * width - 6 }));
      const h = Math.max(...heights) + 4;
      ensure(h);
      const y = doc.y;
      let x = MARGIN;
      cells.forEach((c, i) => {
        doc.text(c || '—', x, y, { width: cols[i]!.w * width - 6 });
        x += cols[i]!.w * width;
      });
      doc.x = MARGIN;
      doc.y = y + h;
    };
    row(
      cols.map((c) => c.title),
      true,
    );
    for (const p of m.parts) row([p.partNumber ?? '', p.name, String(p.quantity), p.serials.join(', ')], false);
  }

  section('结论');
  field('用时', m.timeSpentMinutes === null ? null : `${m.timeSpentMinutes} 分钟`);
  field('处理结果', m.result ? (RESULT_LABELS[m.result] ?? m.result) : null);

  section('客户确认');
  if (m.status === 'signed') {
    if (m.signature) {
      ensure(90);
      doc.image(m.signature, MARGIN, doc.y, { fit: [200, 80] });
      doc.y += 84;
    }
    field('签字人', m.signerName);
    field('签字时间', m.signedAt);
  } else if (m.status === 'refused') {
    field('客户拒签', m.refusalReason);
    if (m.signerName) field('客户代表', m.signerName);
    field('记录时间', m.signedAt);
  } else paragraph('尚未签字');

  // Footers, once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = doc.page.height - MARGIN - FOOTER + 12;
    doc.page.margins.bottom = 0;
    doc
      .fontSize(7)
      .fillColor('#777')
      .text(`${m.ticket.number} · v${m.version} · SHA-256 ${m.contentHash ?? '（未冻结）'} · ${i + 1}/${range.count}`, MARGIN, y, { width, align: 'center', lineBreak: true });
  }
  doc.end();
  return done;
}
