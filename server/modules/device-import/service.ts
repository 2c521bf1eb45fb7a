/**
 * Device imports (issue 11): a spreadsheet is read and checked into a preview (stored, nothing
 * imported yet); "import" then writes every checked row in ONE transaction, in the background of
 * this process, with its progress kept in memory for the progress bar. A failure rolls everything
 * back: an import is all in or nothing.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DeviceImport, DeviceImportError, DeviceImportRow } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { customers, deviceEvents, deviceImports, devices, products, sites } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, notFound } from '../../platform/errors';
import type { Audit } from '../audit';
import { checkRows } from './check-rows';
import { readSheet } from './read-file';
import { buildTemplate } from './template';

export interface DeviceImportDeps {
  db: Db;
  clock: Clock;
  audit: Audit;
  /** The desk's time zone (config.timeZone): calendar days (warranty, contract periods) are judged in it. */
  timeZone: string;
  /** Where stored files live (attachments folder) and the upload limit. */
  filesDir: string;
  maxUploadBytes: number;
}

/** Rows per INSERT statement. */
const BATCH = 500;
const PREVIEW_ROWS = 50;

type ImportRow = typeof deviceImports.$inferSelect;

export function createDeviceImportService(deps: DeviceImportDeps) {
  const { db, clock, audit } = deps;
  /** Imports running in this process → rows written so far. */
  const progress = new Map<string, number>();
  /**
   * Their answer as of the start, served to the progress polls without touching the database:
   * on PGlite (one connection) a query would wait for the import's transaction to end.
   */
  const live = new Map<string, { dto: DeviceImport; createdById: string | null }>();
  const running = new Set<Promise<void>>();

  async function toDto(row: ImportRow, names?: Awaited<ReturnType<typeof checkRows>>['names']): Promise<DeviceImport> {
    const first = row.rows.slice(0, PREVIEW_ROWS);
    const n = names ?? (await namesOf(first));
    return {
      id: row.id,
      filename: row.filename,
      status: row.status,
      totalRows: row.totalRows,
      validRows: row.rows.length,
      errors: row.errors,
      preview: first.map((r) => ({ ...r, product: n.products.get(r.productId) ?? '', customer: n.customers.get(r.customerId) ?? '', site: r.siteId ? (n.sites.get(r.siteId) ?? null) : null })),
      inserted: row.inserted,
      progress: row.status === 'running' ? (progress.get(row.id) ?? 0) : row.status === 'done' ? row.inserted : 0,
      failure: row.failure,
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }

  async function namesOf(rows: DeviceImportRow[]) {
    const ids = (pick: (r: DeviceImportRow) => string | null) => [...new Set(rows.map(pick).filter((x): x is string => x !== null))];
    const [p, c, s] = await Promise.all([
      rows.length ? db.select({ id: products.id, model: products.model, name: products.name }).from(products).where(inArray(products.id, ids((r) => r.productId))) : [],
      rows.length ? db.select({ id: customers.id, name: customers.name }).from(customers).where(inArray(customers.id, ids((r) => r.customerId))) : [],
      ids((r) => r.siteId).length ? db.select({ id: sites.id, name: sites.name }).from(sites).where(inArray(sites.id, ids((r) => r.siteId))) : [],
    ]);
    return {
      products: new Map(p.map((x) => [x.id, x.model === x.name ? x.model : `${x.model} ${x.name}`])),
      customers: new Map(c.map((x) => [x.id, x.name])),
      sites: new Map(s.map((x) => [x.id, x.name])),
    };
  }

  /** Its creator's or an administrator's; anyone else gets 404. */
  async function load(actor: Actor, id: string): Promise<ImportRow> {
    const [row] = await db.select().from(deviceImports).where(eq(deviceImports.id, id));
    if (!row || (row.createdById !== actor.id && actor.role !== 'admin')) throw notFound('device_import.not_found', 'Import');
    return row;
  }

  /** The one transaction of a run: re-checks serials taken since the preview, inserts in batches, records the outcome. */
  async function execute(actor: Actor, row: ImportRow) {
    const skipped: DeviceImportError[] = [];
    await db.transaction(async (tx) => {
      const taken = new Set(
        row.rows.length
          ? (
              await tx
                .select({ productId: devices.productId, serial: sql<string>`lower(${devices.serial})` })
                .from(devices)
                .where(sql`lower(${devices.serial}) in (select jsonb_array_elements_text(${JSON.stringify(row.rows.map((r) => r.serial.toLowerCase()))}::jsonb))`)
            ).map((d) => `${d.productId}:${d.serial}`)
          : [],
      );
      const rows = row.rows.filter((r) => {
        if (!taken.has(`${r.productId}:${r.serial.toLowerCase()}`)) return true;
        skipped.push({ row: r.row, column: '序列号', key: 'serial_exists', message: `The serial number "${r.serial}" was added to the installed base after the preview` });
        return false;
      });
      const now = clock.now();
      let written = 0;
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        const ids = await tx
          .insert(devices)
          .values(batch.map(({ row: _row, ...r }) => ({ ...r, createdAt: now, updatedAt: now })))
          .returning({ id: devices.id });
        await tx.insert(deviceEvents).values(ids.map(({ id }) => ({ deviceId: id, kind: 'imported', data: { importId: row.id, filename: row.filename }, actorId: actor.id, createdAt: now })));
        written += batch.length;
        progress.set(row.id, written);
      }
      await tx
        .update(deviceImports)
        .set({ status: 'done', inserted: written, errors: [...row.errors, ...skipped], finishedAt: clock.now() })
        .where(eq(deviceImports.id, row.id));
      await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'device_import', row.id, 'imported', null, {
        filename: row.filename,
        inserted: written,
        skipped: skipped.length,
        errors: row.errors.length,
      });
    });
  }

  /** Runs a registered import (progress and live set by run()) in the background. */
  function start(actor: Actor, row: ImportRow) {
    const job = execute(actor, row)
      .catch(async (error: unknown) => {
        const failure = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        await db
          .update(deviceImports)
          .set({ status: 'failed', failure: `Nothing was imported: ${failure}`.slice(0, 2000), finishedAt: clock.now() })
          .where(eq(deviceImports.id, row.id))
          .catch(() => undefined);
      })
      .finally(() => {
        progress.delete(row.id);
        live.delete(row.id);
        running.delete(job);
      });
    running.add(job);
  }

  return {
    /** Reads and checks a file; stores the checked rows as a preview. */
    async preview(actor: Actor, file: { filename: string; bytes: Buffer }): Promise<DeviceImport> {
      const filename = file.filename.replace(/[\\/]/g, '_').slice(0, 255) || 'devices';
      const sheet = await readSheet(filename, file.bytes);
      const checked = await checkRows(db, actor, sheet);
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(deviceImports)
          .values({ filename, totalRows: sheet.rows.length, rows: checked.rows, errors: checked.errors, createdById: actor.id, createdAt: clock.now() })
          .returning();
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'device_import', inserted!.id, 'previewed', null, {
          filename,
          totalRows: sheet.rows.length,
          validRows: checked.rows.length,
          errors: checked.errors.length,
        });
        return inserted!;
      });
      return toDto(row, checked.names);
    },

    /** The import with its progress; one left 'running' by a process that is gone shows as failed. */
    async get(actor: Actor, id: string): Promise<DeviceImport> {
      const current = live.get(id);
      if (current) {
        if (current.createdById !== actor.id && actor.role !== 'admin') throw notFound('device_import.not_found', 'Import');
        return { ...current.dto, progress: progress.get(id) ?? 0 };
      }
      let row = await load(actor, id);
      if (row.status === 'running' && !progress.has(id)) {
        const [failed] = await db
          .update(deviceImports)
          .set({ status: 'failed', failure: 'The server restarted during the import; nothing was imported', finishedAt: clock.now() })
          .where(and(eq(deviceImports.id, id), eq(deviceImports.status, 'running')))
          .returning();
        row = failed ?? (await load(actor, id));
      }
      return toDto(row);
    },

    /** Starts the import of a preview; answers at once (status running). */
    async run(actor: Actor, id: string): Promise<DeviceImport> {
      const current = await load(actor, id);
      // Registered as live before the status changes, so a poll in between never takes it for an
      // import left behind by a restart.
      const dto: DeviceImport = { ...(await toDto(current)), status: 'running', progress: 0 };
      const refuse = (status: string) =>
        new AppError('device_import.not_previewed', `This import is ${status}; only a checked file waiting for import can be imported`, { status });
      // A second click while the first starts it: this process runs it already.
      if (current.status !== 'previewed' || live.has(id)) throw refuse(live.has(id) ? 'running' : current.status);
      progress.set(id, 0);
      live.set(id, { dto, createdById: current.createdById });
      const unregister = () => {
        progress.delete(id);
        live.delete(id);
      };
      const [row] = await db
        .update(deviceImports)
        .set({ status: 'running' })
        .where(and(eq(deviceImports.id, id), eq(deviceImports.status, 'previewed')))
        .returning()
        .catch((error: unknown) => {
          unregister();
          throw error;
        });
      if (!row) {
        unregister();
        throw refuse('running');
      }
      start(actor, row);
      return dto;
    },

    /** The template: headers, an example row, and a sheet 说明 with the formats and the catalog's models. */
    async template(): Promise<Buffer> {
      const models = await db.select({ model: products.model, name: products.name, maker: products.maker }).from(products).orderBy(products.model).limit(5000);
      return buildTemplate(models);
    },

    /** Waits for the imports running in this process (tests, shutdown). */
    async settled() {
      await Promise.all([...running]);
    },
  };
}
export type DeviceImportService = ReturnType<typeof createDeviceImportService>;
