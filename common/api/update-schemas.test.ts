/**
 * What a PATCH does not send must stay as it was. zod's `.partial()` keeps `.default()`s, so an
 * update schema built that way turns "not sent" into "reset to the default". Every exported
 * `*Update` / `*Patch` schema is found by name, so a new one is covered without touching this file.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as api from './index';
import { patchOf } from './shared';

/** Named like an update but not one: a whole message, where every field means something. */
const NOT_PARTIAL_UPDATES: Record<string, string> = {
  PresenceUpdate: 'POST /api/tickets/:id/presence: a heartbeat saying whether the sender is editing, sent whole every time',
  NotificationPreferencesUpdate: 'a list of (topic, channel) choices to change; choices not listed keep theirs, the list itself is required',
};

const updateSchemas = (Object.entries(api) as Array<[string, unknown]>).filter(
  (entry): entry is [string, z.ZodObject] => /(Update|Patch)$/.test(entry[0]) && entry[1] instanceof z.ZodObject && !(entry[0] in NOT_PARTIAL_UPDATES),
);

describe('update schemas', () => {
  it('are found by name', () => {
    expect(updateSchemas.map(([name]) => name)).toEqual(expect.arrayContaining(['CalendarUpdate', 'ContactUpdate', 'MailboxUpdate', 'SlaPolicyUpdate', 'TicketPatch', 'UserUpdate']));
  });

  it.each(updateSchemas)('%s: an empty patch changes nothing', (_name, schema) => {
    expect(schema.parse({})).toEqual({});
  });
});

describe('patchOf', () => {
  const Create = z.object({
    name: z.string().min(1),
    tags: z.array(z.string()).default([]),
    active: z.boolean().default(true).optional(),
    note: z.string().nullable().default(null),
    level: z.number().prefault(1),
  });
  const Patch = patchOf(Create);

  it('drops every default, also under optional and nullable, and keeps the validation', () => {
    expect(Create.partial().parse({})).toEqual({ tags: [], active: true, note: null, level: 1 });
    expect(Patch.parse({})).toEqual({});
    expect(Patch.parse({ tags: ['a'], note: null })).toEqual({ tags: ['a'], note: null });
    expect(Patch.safeParse({ name: '' }).success).toBe(false);
    expect(Patch.safeParse({ level: 'x' }).success).toBe(false);
  });
});
