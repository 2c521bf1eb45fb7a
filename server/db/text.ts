/** Helpers for text matching in SQL. */

/** An ILIKE pattern matching `text` anywhere; `%` and `_` typed by a user stay literal. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
