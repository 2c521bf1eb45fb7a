/**
 * The device spreadsheet export: every device matching the list's filters (at most EXPORT_LIMIT),
 * in the import's columns (DEVICE_COLUMNS, in that order, so the file can be edited and imported
 * back), then one column per free attribute key found. Streamed with exceljs's WorkbookWriter
 * while the rows are read in keyset batches, so neither side holds the whole file.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { and, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { devices } from '../../db/schema';
import { DEVICE_COLUMNS, DEVICE_STATUS_WORDS } from '../device-import/columns';
import { assetTagPrefix, cursorOf, listPage, serialPrefix, type DeviceCursor, type DeviceSelection } from './repository';

/** Rows exported at most; a larger selection is cut there (narrow it with the list's filters). */
export const EXPORT_LIMIT = 200_000;
const BATCH = 1000;
/** Attribute columns at most (a device has at most 50 keys; different devices may use different ones). */
const ATTRIBUTE_COLUMNS = 200;

export type ExportLanguage = 'zh' | 'en';

/** `lang` (zh|en) when given; else Chinese when Accept-Language starts with zh, English otherwise. */
export function exportLanguage(lang: string | undefined, acceptLanguage: string | undefined): ExportLanguage {
  if (lang === 'zh' || lang === 'en') return lang;
  return (acceptLanguage ?? '').trim().toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export async function exportDevices(db: Db, selection: DeviceSelection, language: ExportLanguage, out: Writable) {
  const { conditions, q } = selection;
  const keys = await db
    .selectDistinct({ key: sql<string>`k` })
    .from(sql`${devices}, jsonb_object_keys(${devices.attributes}) k`)
    .where(and(...conditions, q ? sql`(${serialPrefix(q)} or ${assetTagPrefix(q)})` : undefined))
    .orderBy(sql`k`)
    .limit(ATTRIBUTE_COLUMNS);
  const attributeKeys = keys.map((k) => k.key);

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(language === 'zh' ? '设备' : 'Devices');
  sheet.addRow([...DEVICE_COLUMNS.map((c) => c[language]), ...attributeKeys]).commit();

  let cursor: DeviceCursor | null = null;
  let written = 0;
  while (written < EXPORT_LIMIT) {
    const rows = await listPage(db, selection, cursor, Math.min(BATCH, EXPORT_LIMIT - written));
    for (const r of rows) {
      const d = r.row;
      const cells: Record<(typeof DEVICE_COLUMNS)[number]['key'], string | null> = {
        serial: d.serial,
        productModel: r.product.model,
        maker: r.product.maker,
        customer: r.customer?.name ?? null,
        site: r.site?.name ?? null,
        location: d.location,
        // Dates as 'YYYY-MM-DD' text: a day, not an instant an Excel time zone could shift.
        installedOn: d.installedOn,
        warrantyEndsOn: d.warrantyEndsOn,
        softwareVersion: d.softwareVersion,
        firmwareVersion: d.firmwareVersion,
        status: DEVICE_STATUS_WORDS[d.status][language],
        assetTag: d.assetTag,
        ip: d.ip,
      };
      sheet.addRow([...DEVICE_COLUMNS.map((c) => cells[c.key]), ...attributeKeys.map((k) => d.attributes[k] ?? null)]).commit();
    }
    written += rows.length;
    const last = rows[rows.length - 1];
    if (!last || rows.length < BATCH) break;
    cursor = cursorOf(last.row);
  }
  sheet.commit();
  await workbook.commit();
}
