/**
 * Phone number normalisation for caller identification. The hotline sees caller IDs such as
 * `+86 138-0013-8000`, `008613800138000`, `010-6552 1234 转 8001` or full-width digits typed on a
 * Chinese IME; all of them must find the same contact. The normalised form is digits only, with
 * mainland China's country code removed and extensions dropped; foreign numbers keep a leading `+`
 * and their country code.
 */

const FULL_WIDTH_DIGIT = /[０-９]/g;
const EXTENSION = /(转|ext\.?|x|#).*$/i;

export function normalizePhone(input: string): string {
  let s = input.replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).trim();
  s = s.replace(EXTENSION, '');
  const international = s.startsWith('+') || s.startsWith('00');
  let digits = s.replace(/\D/g, '');
  if (s.startsWith('00')) digits = digits.slice(2);
  if (international) {
    if (digits.startsWith('86')) return stripChinaTrunk(digits.slice(2));
    return digits ? `+${digits}` : '';
  }
  // A bare 86 prefix on a 13-digit mobile (86 + 1xxxxxxxxxx) is the country code without the +.
  if (digits.length === 13 && digits.startsWith('861')) return digits.slice(2);
  return digits;
}

/** After +86 a landline has no trunk 0 (`+86 10 …`); we store it with one (`010…`), as dialled at home. */
function stripChinaTrunk(national: string): string {
  if (national.startsWith('1') && national.length === 11) return national; // mobile
  if (national.startsWith('0')) return national;
  return national ? `0${national}` : '';
}

/** Digits a partial lookup compares (what the agent has typed so far). */
export function phoneDigits(input: string): string {
  return normalizePhone(input).replace(/^\+/, '');
}
