/**
 * Desk-wide settings (`desk_settings`, one jsonb value per key), each read and written through
 * its zod schema: a key never written, or a value an older version wrote that no longer parses,
 * reads as the schema's defaults; a write stores the parsed value (defaults filled in).
 */
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { RenewalReminderSettings } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { deskSettings } from '../../db/schema';

/** The settings keys in use, so two modules never share one by accident. */
export const SETTING_KEYS = {
  renewalReminders: 'installed_base.renewal_reminders',
  /** Field service (issue 12): the level each severity needs, the default visit length. */
  fieldService: 'field_service.settings',
} as const;

export async function readSetting<S extends z.ZodType>(db: Db, key: string, schema: S): Promise<z.output<S>> {
  const [row] = await db.select({ value: deskSettings.value }).from(deskSettings).where(eq(deskSettings.key, key));
  const parsed = schema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : schema.parse({});
}

/**
 * Stores `value` (checked and completed by `schema`; an invalid one throws the zod error, which
 * the HTTP layer answers as a keyed 400) and returns what was stored and what was there before
 * (the defaults when nothing was), for the caller's audit entry.
 */
export async function writeSetting<S extends z.ZodType>(
  tx: Db,
  key: string,
  schema: S,
  value: unknown,
  by: { userId: string | null; now: Date },
): Promise<{ before: z.output<S>; after: z.output<S> }> {
  const before = await readSetting(tx, key, schema);
  const after = schema.parse(value);
  await tx
    .insert(deskSettings)
    .values({ key, value: after, updatedById: by.userId, updatedAt: by.now })
    .onConflictDoUpdate({ target: deskSettings.key, set: { value: after, updatedById: by.userId, updatedAt: by.now } });
  return { before, after };
}

export const readRenewalReminderSettings = (db: Db) => readSetting(db, SETTING_KEYS.renewalReminders, RenewalReminderSettings);
