/**
 * Placeholders of canned replies (macros): `{{customer}}` and friends, filled from the ticket when
 * a macro is applied. Pure, shared by the server (validation on save, the text it posts) and the
 * web (the live preview on the 快捷回复 page), so both render the very same way.
 */

export const MACRO_PLACEHOLDERS = ['customer', 'contact', 'ticket', 'title', 'engineer', 'me', 'severity'] as const;
export type MacroPlaceholder = (typeof MACRO_PLACEHOLDERS)[number];
export type MacroValues = Record<MacroPlaceholder, string>;

/** `{{ name }}`: spaces inside the braces are allowed; the name is matched case-sensitively. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const known = (name: string): name is MacroPlaceholder => (MACRO_PLACEHOLDERS as readonly string[]).includes(name);

/** Every placeholder name the text uses, in order of first use. */
export function placeholdersIn(body: string): string[] {
  const names: string[] = [];
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Placeholder names the renderer does not know (a typo such as `{{custmer}}`). */
export const unknownPlaceholders = (body: string): string[] => placeholdersIn(body).filter((name) => !known(name));

/** The text with every known placeholder replaced; unknown ones are left as written. */
export function renderMacro(body: string, values: MacroValues): string {
  return body.replace(PLACEHOLDER, (whole, name: string) => (known(name) ? values[name] : whole));
}
