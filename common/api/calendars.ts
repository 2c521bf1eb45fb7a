import { z } from 'zod';
import { Id, Instant, optionalText, patchOf, trimmed } from './shared';

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (00:00–24:00)');
export const WorkingInterval = z.object({ start: Clock, end: Clock });
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
export const CalendarKey = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,49}$/, 'key: 2–50 lowercase letters, digits and dashes');

const Weekly = z.object({
  1: z.array(WorkingInterval).max(10).optional(),
  2: z.array(WorkingInterval).max(10).optional(),
  3: z.array(WorkingInterval).max(10).optional(),
  4: z.array(WorkingInterval).max(10).optional(),
  5: z.array(WorkingInterval).max(10).optional(),
  6: z.array(WorkingInterval).max(10).optional(),
  7: z.array(WorkingInterval).max(10).optional(),
});

export const CalendarCreate = z.object({
  key: CalendarKey,
  name: trimmed(100),
  nameEn: optionalText(100),
  timeZone: trimmed(64),
  always: z.boolean().default(false),
  /** ISO weekday (1 = Monday … 7 = Sunday) → working intervals. */
  weekly: Weekly.default({}),
  /** Hours of a make-up working day that names none of its own. */
  defaultWorkday: z.array(WorkingInterval).max(10).default([]),
});
export type CalendarCreate = z.input<typeof CalendarCreate>;

export const CalendarUpdate = patchOf(CalendarCreate.omit({ key: true }));
export type CalendarUpdate = z.infer<typeof CalendarUpdate>;

export const CalendarExceptionInput = z.object({
  date: IsoDate,
  kind: z.enum(['holiday', 'workday']),
  name: optionalText(100),
  /** A workday's own hours; omitted: the calendar's default workday hours. */
  intervals: z.array(WorkingInterval).max(10).nullish(),
});
export type CalendarExceptionInput = z.input<typeof CalendarExceptionInput>;

export const CalendarException = z.object({
  id: Id,
  date: z.string(),
  kind: z.enum(['holiday', 'workday']),
  name: z.string().nullable(),
  intervals: z.array(WorkingInterval).nullable(),
  source: z.enum(['chinese-days', 'ical', 'admin']),
});
export type CalendarException = z.infer<typeof CalendarException>;

export const Calendar = z.object({
  id: Id,
  key: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  timeZone: z.string(),
  always: z.boolean(),
  weekly: z.record(z.string(), z.array(WorkingInterval)),
  defaultWorkday: z.array(WorkingInterval),
  builtIn: z.boolean(),
  exceptionCount: z.number().int(),
  /** The last year with any holiday or make-up day entered; later years have weekends only. */
  lastExceptionYear: z.number().int().nullable(),
  /** Holidays and make-up days entered per year, so a half-entered year stands out. */
  years: z.array(z.object({ year: z.number().int(), holidays: z.number().int(), workdays: z.number().int() })),
  updatedAt: Instant,
});
export type Calendar = z.infer<typeof Calendar>;

export const CalendarDetail = Calendar.extend({ exceptions: z.array(CalendarException) });
export type CalendarDetail = z.infer<typeof CalendarDetail>;

export const AddWorkingTimeQuery = z.object({
  start: Instant,
  minutes: z.coerce.number().int('minutes must be a whole number').min(0).max(1_000_000),
});
export const AddWorkingTimeResult = z.object({ end: Instant });

export const IcalImportResult = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  warnings: z.array(z.string()),
});
export type IcalImportResult = z.infer<typeof IcalImportResult>;
