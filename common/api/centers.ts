import { z } from 'zod';
import { CENTER_LEVELS } from '../domain';
import { Id, Instant, optionalText, patchOf, trimmed } from './shared';

export const CenterCreate = z.object({
  code: trimmed(50),
  name: trimmed(100),
  level: z.enum(CENTER_LEVELS),
  parentId: Id.nullish(),
  region: optionalText(100),
});
export type CenterCreate = z.input<typeof CenterCreate>;

export const CenterUpdate = patchOf(CenterCreate);
export type CenterUpdate = z.infer<typeof CenterUpdate>;

export const Center = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  level: z.enum(CENTER_LEVELS),
  parentId: Id.nullable(),
  region: z.string().nullable(),
  createdAt: Instant,
});
export type Center = z.infer<typeof Center>;
