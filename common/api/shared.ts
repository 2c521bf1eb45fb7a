/** Building blocks for API schemas: ids, instants, pages, the one error shape. */
import { z } from 'zod';

export const Id = z.uuid({ message: 'must be a valid id' });
/** Instants travel as ISO-8601 strings with an offset. */
export const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time' });
export const IdParams = z.object({ id: Id });
export type IdParams = z.infer<typeof IdParams>;

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const trimmed = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));
