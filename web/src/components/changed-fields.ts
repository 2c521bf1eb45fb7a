/**
 * What an edit form sends: only the fields the person changed. A PATCH keeps what it does not
 * send, so sending unchanged values would only risk overwriting someone else's newer edit.
 */

/** Deep equality for form values: arrays in order, objects by their defined keys in any order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b || (a == null && b == null)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const defined = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
    const [ea, eb] = [defined(a), defined(b)];
    const other = b as Record<string, unknown>;
    return ea.length === eb.length && ea.every(([k, v]) => sameValue(v, other[k]));
  }
  return false;
}

/** The entries of `next` that differ from `before`. */
export function changedFields<T extends object>(before: { [K in keyof T]?: unknown }, next: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(next).filter(([key, value]) => !sameValue((before as Record<string, unknown>)[key], value)),
  ) as Partial<T>;
}
