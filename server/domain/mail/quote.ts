/**
 * What a person wrote in a reply, without the history their mail client quoted below it and
 * without their signature. The timeline shows this; the whole text stays in `ParsedMail.text` and
 * the raw message is kept as an .eml, so cutting too much only hides, never loses.
 *
 * Rules, in the order a mail is read line by line:
 * - lines starting with `>` are quoted history (interleaved replies keep the lines between them);
 * - a reply header ends the new text: everything from it on is history. Reply headers are the
 *   separators and attribution lines of the clients our customers use (Outlook, Gmail, Foxmail,
 *   QQ Mail, NetEase 163/126, Apple Mail, Coremail), in English and Chinese;
 * - a signature starts at the `-- ` line (RFC 3676) or at a "Sent from my phone" line.
 * Forwarded messages ("---------- Forwarded message ----------", "转发的邮件") are kept: a customer
 * forwarding a fault report means the forwarded part is the report.
 */

/** Lines that start the quoted history on their own. */
const SEPARATORS: RegExp[] = [
  // Outlook, NetEase, Foxmail: "-----Original Message-----", "-----原始邮件-----"; QQ: "------------------ 原始邮件 ------------------"
  // QQ Mail in English: "------------------ Original ------------------"; NetEase Master: "---- 回复的原邮件 ----"
  /^-{2,}\s*(original message|original|原始邮件|原始郵件|原邮件|回复的原邮件)\s*-{2,}\s*$/i,
  // Gmail and Apple Mail in English ("On Tue, Dec 1, 2026 at 10:00 AM Li Lei <x@y> wrote:"), 163 ("At 2026-12-01 10:00:00, "Desk" <x@y> wrote:"),
  // and any attribution naming an address.
  /^(on|at)\b.{0,200}\bwrote:\s*$/i,
  /^.{0,200}<[^<>\s]+@[^<>\s]+>.{0,40}\bwrote:\s*$/i,
  // Gmail, Apple Mail and 163 in Chinese: "在 2026年12月1日周二 10:00，李雷 <x@y> 写道：", "2026-12-01 10:00 写道:"
  /^(在|於|于)?.{0,200}(写道|寫道)\s*[:：]\s*$/,
  // Outlook web's one-line header after conversion from HTML: "From: Li Lei Sent: Tuesday ..."
  /^\*?from:\*?\s.+\bsent:\s/i,
  /^\*?发件人\s*[:：].+(发送时间|时间|日期)\s*[:：]/,
];

/** Lines that start a header block ("From: …" then "Sent: …" within the next lines). */
const HEADER_START = /^\*?(from|发件人|寄件者|發件人)\s*\*?[:：]/i;
const HEADER_FOLLOW = /^\*?(sent|date|发送时间|寄件日期|時間|时间|日期)\s*\*?[:：]/i;

/** Lines that start a signature. */
const SIGNATURE = /^(-- ?|sent from my \S+.*|发自我的\S*|發自我的\S*|从我的\s*\S+\s*发送|发自(网易|QQ|Foxmail|手机).*)$/i;

/** An Outlook rule line that precedes its header block: "________________________________". */
const RULE = /^_{10,}\s*$/;

export function stripQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (endsNewText(lines, i)) break;
    if (SIGNATURE.test(line)) break;
    // Gmail wraps a long attribution over two lines: "On Tue, Dec 1, 2026 at 10:00 AM Li Lei <li@example.com>" / "wrote:".
    if (/^on\b/i.test(line) && /^wrote:\s*$/i.test(lines[i + 1]?.trim() ?? '')) break;
    if (line.startsWith('>')) continue;
    kept.push(raw.replace(/\s+$/, ''));
  }
  return trimBlankLines(kept).join('\n');
}

/** The timeline body: the stripped text, or the whole text when stripping left nothing (a reply that is only a quote). */
export function mailBody(text: string): string {
  const stripped = stripQuotedText(text);
  return stripped.trim() ? stripped : text.trim();
}

function endsNewText(lines: string[], i: number): boolean {
  const next = (k: number) => lines[k]?.trim() ?? '';
  const line = next(i);
  if (SEPARATORS.some((re) => re.test(line))) return true;
  if (RULE.test(line)) return HEADER_START.test(next(i + 1)) || HEADER_START.test(next(i + 2));
  if (!HEADER_START.test(line)) return false;
  // "From:" alone is too common in a person's text; a header block has "Sent:"/"Date:" within the next few lines.
  for (let k = i + 1; k <= i + 4 && k < lines.length; k++) if (HEADER_FOLLOW.test(next(k))) return true;
  return false;
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start]?.trim()) start++;
  while (end > start && !lines[end - 1]?.trim()) end--;
  return lines.slice(start, end);
}
