/**
 * Business calendars as administrators manage them: weekly hours, holidays and make-up working
 * days (next year's 调休 schedule is entered each winter, by hand or by iCalendar import), and a
 * "when would this be due?" preview. Every change is validated by compiling the whole calendar,
 * bumps the time-rules version and asks the sweep to re-derive every open ticket's clocks.
 */
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Calendar, CalendarCreate, CalendarDetail, CalendarException, CalendarExceptionInput, CalendarUpdate, IcalImportResult } from '../../../common/api';
import { CalendarCreate as CalendarCreateSchema, CalendarExceptionInput as ExceptionSchema } from '../../../common/api';
import type { Db } from '../../db/client';
import { calendarExceptions, calendars, escalationRules, slaPolicies } from '../../db/schema';
import {
  addWorkingTime,
  CalendarDefinitionError,
  compileCalendar,
  exportExceptionsToIcal,
  IcalImportError,
  importExceptionsFromIcal,
  type CalendarDefinition,
} from '../../domain/calendar';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';
import { bumpTimeRulesVersion, toDefinition } from './registry';
import { reevaluateOpenTickets } from './reevaluate';

type CalendarRow = typeof calendars.$inferSelect;
type ExceptionRow = typeof calendarExceptions.$inferSelect;

const toExceptionDto = (e: ExceptionRow): CalendarException => ({
  id: e.id,
  date: e.date,
  kind: e.kind,
  name: e.name,
  intervals: e.intervals,
  source: e.source,
});

interface CalendarStats {
  n: number;
  lastDate: string | null;
  years: Calendar['years'];
}

function toDto(row: CalendarRow, stats: CalendarStats): Calendar {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    nameEn: row.nameEn,
    timeZone: row.timeZone,
    always: row.always,
    weekly: row.weekly as Calendar['weekly'],
    defaultWorkday: row.defaultWorkday,
    builtIn: row.builtIn,
    exceptionCount: stats.n,
    lastExceptionYear: stats.lastDate ? Number(stats.lastDate.slice(0, 4)) : null,
    years: stats.years,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Intervals as comparable text (jsonb does not keep key order, so JSON.stringify would differ). */
const intervalsText = (list: ReadonlyArray<{ start: string; end: string }> | null | undefined) =>
  (list ?? []).map((i) => `${i.start}-${i.end}`).join(',');

/** Compiles the definition to prove it valid; a mistake becomes a 400 naming the field. */
function validate(def: CalendarDefinition, exceptionPaths?: 'input') {
  try {
    return compileCalendar(def);
  } catch (error) {
    if (error instanceof CalendarDefinitionError) {
      // `weekly.1[0].end` → `weekly.1.0.end`, the dotted paths every other endpoint uses. When one
      // exception is being saved, `exceptions[4].date` points into a list the client never sent.
      let path = error.path.replace(/\[(\d+)\]/g, '.$1');
      if (exceptionPaths === 'input') path = path.replace(/^exceptions\.\d+\.?/, '') || 'date';
      const message = error.message.replace(/\[(\d+)\]/g, '.$1');
      throw new AppError('calendar.invalid_definition', message, { path, fields: [{ path, message, key: 'field.calendar_invalid' }] });
    }
    throw error;
  }
}

export function createCalendarService(deps: { db: Db; clock: Clock; audit: Audit }) {
  const { db, clock, audit } = deps;

  async function load(tx: Db, id: string) {
    const [row] = await tx.select().from(calendars).where(eq(calendars.id, id));
    if (!row) throw notFound('calendar.not_found', 'Calendar');
    const exceptions = await tx.select().from(calendarExceptions).where(eq(calendarExceptions.calendarId, id)).orderBy(asc(calendarExceptions.date));
    return { row, exceptions };
  }

  /** Exception counts per calendar and year, for one calendar or all. */
  async function statsBy(tx: Db, id?: string): Promise<Map<string, CalendarStats>> {
    const year = sql<string>`substr(${calendarExceptions.date}, 1, 4)`;
    const grouped = await tx
      .select({ calendarId: calendarExceptions.calendarId, year, kind: calendarExceptions.kind, n: count() })
      .from(calendarExceptions)
      .where(id ? eq(calendarExceptions.calendarId, id) : undefined)
      .groupBy(calendarExceptions.calendarId, year, calendarExceptions.kind);
    const result = new Map<string, CalendarStats>();
    for (const g of grouped) {
      const stats = result.get(g.calendarId) ?? { n: 0, lastDate: null, years: [] };
      let entry = stats.years.find((y) => y.year === Number(g.year));
      if (!entry) stats.years.push((entry = { year: Number(g.year), holidays: 0, workdays: 0 }));
      if (g.kind === 'holiday') entry.holidays += g.n;
      else entry.workdays += g.n;
      stats.n += g.n;
      result.set(g.calendarId, stats);
    }
    for (const stats of result.values()) {
      stats.years.sort((a, b) => a.year - b.year);
      const last = stats.years.at(-1);
      stats.lastDate = last ? `${last.year}-12-31` : null;
    }
    return result;
  }

  const EMPTY: CalendarStats = { n: 0, lastDate: null, years: [] };
  const stats = async (tx: Db, id: string) => (await statsBy(tx, id)).get(id) ?? EMPTY;

  /** After any change: record it, bump the version, re-derive open tickets' clocks. */
  async function changed(tx: Db, actor: Actor, id: string, action: string, before: unknown, after: unknown) {
    const now = clock.now();
    await tx.update(calendars).set({ updatedAt: now }).where(eq(calendars.id, id));
    await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'calendar', id, action, before, after);
    await bumpTimeRulesVersion(tx);
    await reevaluateOpenTickets(tx, now);
  }

  return {
    async list(): Promise<Calendar[]> {
      const rows = await db.select().from(calendars).orderBy(asc(calendars.key));
      const all = await statsBy(db);
      return rows.map((row) => toDto(row, all.get(row.id) ?? EMPTY));
    },

    async get(id: string, year?: number): Promise<CalendarDetail> {
      const { row, exceptions } = await load(db, id);
      const shown = year ? exceptions.filter((e) => e.date.startsWith(`${year}-`)) : exceptions;
      return { ...toDto(row, await stats(db, id)), exceptions: shown.map(toExceptionDto) };
    },

    async create(actor: Actor, raw: CalendarCreate): Promise<Calendar> {
      const input = CalendarCreateSchema.parse(raw);
      validate({ timeZone: input.timeZone, always: input.always, weekly: input.weekly, defaultWorkday: input.defaultWorkday, exceptions: [] });
      return db.transaction(async (tx) => {
        const [taken] = await tx.select({ id: calendars.id }).from(calendars).where(eq(calendars.key, input.key));
        if (taken) throw new AppError('calendar.key_taken', `A calendar with key "${input.key}" exists`, { key: input.key, fields: [{ path: 'key', message: 'taken', key: 'field.taken' }] });
        const now = clock.now();
        const [row] = await tx
          .insert(calendars)
          .values({ ...input, nameEn: input.nameEn ?? null, weekly: input.weekly as CalendarRow['weekly'], builtIn: false, createdAt: now, updatedAt: now })
          .returning();
        await changed(tx, actor, row!.id, 'created', null, input);
        return toDto(row!, EMPTY);
      });
    },

    async update(actor: Actor, id: string, patch: CalendarUpdate): Promise<Calendar> {
      return db.transaction(async (tx) => {
        const { row, exceptions } = await load(tx, id);
        const next = { ...row, ...patch, weekly: (patch.weekly ?? row.weekly) as CalendarRow['weekly'] };
        validate(toDefinition(next, exceptions));
        const [after] = await tx
          .update(calendars)
          .set({ ...patch, weekly: next.weekly })
          .where(eq(calendars.id, id))
          .returning();
        const changes = diff(row, after!);
        await changed(tx, actor, id, 'updated', changes.before, changes.after);
        return toDto(after!, await stats(tx, id));
      });
    },

    async remove(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const { row } = await load(tx, id);
        if (row.builtIn) throw new AppError('calendar.built_in', `"${row.name}" ships with the product and cannot be deleted; edit it instead`, { name: row.name });
        const policies = await tx
          .select({ name: slaPolicies.name })
          .from(slaPolicies)
          .where(sql`${slaPolicies.definition}::text like ${`%"${row.key}"%`}`);
        const rules = await tx.select({ id: escalationRules.id }).from(escalationRules).where(eq(escalationRules.calendarKey, row.key));
        if (policies.length || rules.length) {
          throw new AppError('calendar.in_use', `Calendar "${row.key}" is in use by ${[...policies.map((p) => `SLA policy ${p.name}`), ...(rules.length ? [`${rules.length} escalation rule(s)`] : [])].join(', ')}`, { key: row.key, policies: policies.map((p) => p.name).join(', '), rules: rules.length });
        }
        await tx.delete(calendars).where(eq(calendars.id, id));
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'calendar', id, 'deleted', { key: row.key, name: row.name }, null);
        await bumpTimeRulesVersion(tx);
      });
    },

    /** Adds or replaces the exception on that date. */
    async putException(actor: Actor, id: string, raw: CalendarExceptionInput): Promise<CalendarException> {
      const input = ExceptionSchema.parse(raw);
      return db.transaction(async (tx) => {
        const { row, exceptions } = await load(tx, id);
        if (row.always) throw new AppError('calendar.always_open', 'A 24×7 calendar has no holidays or make-up days');
        if (input.kind === 'holiday' && input.intervals?.length) {
          throw new AppError('validation.field', 'intervals: a holiday has no working hours', { path: 'intervals', fields: [{ path: 'intervals', message: 'not allowed on a holiday', key: 'field.holiday_no_intervals' }] });
        }
        const candidate = { id: 'new', calendarId: id, date: input.date, kind: input.kind, name: input.name ?? null, intervals: input.intervals ?? null, source: 'admin' as const };
        validate(toDefinition(row, [...exceptions.filter((e) => e.date !== input.date), candidate]), 'input');
        const before = exceptions.find((e) => e.date === input.date) ?? null;
        const [saved] = await tx
          .insert(calendarExceptions)
          .values({ calendarId: id, date: input.date, kind: input.kind, name: input.name ?? null, intervals: input.intervals ?? null, source: 'admin' })
          .onConflictDoUpdate({
            target: [calendarExceptions.calendarId, calendarExceptions.date],
            set: { kind: input.kind, name: input.name ?? null, intervals: input.intervals ?? null, source: 'admin' },
          })
          .returning();
        await changed(tx, actor, id, before ? 'exception_updated' : 'exception_added', before && toExceptionDto(before), toExceptionDto(saved!));
        return toExceptionDto(saved!);
      });
    },

    async removeException(actor: Actor, id: string, exceptionId: string) {
      await db.transaction(async (tx) => {
        const [gone] = await tx
          .delete(calendarExceptions)
          .where(and(eq(calendarExceptions.id, exceptionId), eq(calendarExceptions.calendarId, id)))
          .returning();
        if (!gone) throw notFound('calendar.exception_not_found', 'Calendar exception');
        await changed(tx, actor, id, 'exception_removed', toExceptionDto(gone), null);
      });
    },

    async exportIcal(id: string): Promise<{ filename: string; text: string }> {
      const { row, exceptions } = await load(db, id);
      const def = toDefinition(row, exceptions);
      return { filename: `${row.key}.ics`, text: exportExceptionsToIcal(row.name, def.exceptions, { stampedAt: row.updatedAt }) };
    },

    async importIcal(actor: Actor, id: string, text: string): Promise<IcalImportResult> {
      let parsed: ReturnType<typeof importExceptionsFromIcal>;
      try {
        parsed = importExceptionsFromIcal(text);
      } catch (error) {
        if (error instanceof IcalImportError) throw new AppError('calendar.ical_invalid', `Not a usable iCalendar file: ${error.message}`, { reason: error.message });
        throw error;
      }
      return db.transaction(async (tx) => {
        const { row, exceptions } = await load(tx, id);
        if (row.always) throw new AppError('calendar.always_open', 'A 24×7 calendar has no holidays or make-up days');
        const byDate = new Map(exceptions.map((e) => [e.date, e]));
        const result = { added: 0, updated: 0, unchanged: 0, warnings: parsed.warnings };
        const merged = new Map(exceptions.map((e) => [e.date, e]));
        for (const e of parsed.exceptions) {
          const existing = byDate.get(e.date);
          const same =
            existing && existing.kind === e.kind && (existing.name ?? null) === (e.name ?? null) && intervalsText(existing.intervals) === intervalsText(e.intervals);
          if (same) {
            result.unchanged++;
            continue;
          }
          if (existing) result.updated++;
          else result.added++;
          merged.set(e.date, { id: existing?.id ?? 'new', calendarId: id, date: e.date, kind: e.kind, name: e.name ?? null, intervals: e.intervals ?? null, source: 'ical' });
        }
        validate(toDefinition(row, [...merged.values()]));
        for (const e of parsed.exceptions) {
          await tx
            .insert(calendarExceptions)
            .values({ calendarId: id, date: e.date, kind: e.kind, name: e.name ?? null, intervals: e.intervals ?? null, source: 'ical' })
            .onConflictDoUpdate({
              target: [calendarExceptions.calendarId, calendarExceptions.date],
              set: { kind: e.kind, name: e.name ?? null, intervals: e.intervals ?? null, source: 'ical' },
            });
        }
        if (result.added || result.updated) await changed(tx, actor, id, 'ical_imported', null, { added: result.added, updated: result.updated });
        return result;
      });
    },

    async addWorkingTime(id: string, start: string, minutes: number): Promise<{ end: string }> {
      const { row, exceptions } = await load(db, id);
      const compiled = validate(toDefinition(row, exceptions));
      try {
        return { end: addWorkingTime(compiled, new Date(start), minutes).toISOString() };
      } catch (error) {
        if (error instanceof RangeError) throw new AppError('calendar.out_of_range', error.message);
        throw error;
      }
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
