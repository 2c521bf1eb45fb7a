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

/** A field's schema without its `.default()` (also under `.optional()` / `.nullable()`). */
export type WithoutDefault<T> =
  T extends z.ZodDefault<infer Inner> ? WithoutDefault<Inner>
  : T extends z.ZodPrefault<infer Inner> ? WithoutDefault<Inner>
  : T extends z.ZodOptional<infer Inner> ? z.ZodOptional<WithoutDefault<Inner>>
  : T extends z.ZodNullable<infer Inner> ? z.ZodNullable<WithoutDefault<Inner>>
  : T;

function withoutDefault(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) return withoutDefault(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodOptional) return withoutDefault(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodNullable) return withoutDefault(schema.unwrap() as z.ZodType).nullable();
  return schema;
}

/**
 * The update (PATCH) schema of an object schema: every field optional, none defaulted. zod's
 * `.partial()` keeps `.default()`s, so "not sent" would turn into "reset to the default".
 */
export function patchOf<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, withoutDefault(field as z.ZodType)]));
  return z.object(shape as { [K in keyof Shape]: WithoutDefault<Shape[K]> }).partial();
}
