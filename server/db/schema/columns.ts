/** Column helpers every table file uses. */
import { customType, timestamp, uuid } from 'drizzle-orm/pg-core';

export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
export const createdAt = () => instant('created_at').notNull().defaultNow();
export const id = () => uuid('id').primaryKey().defaultRandom();
