/**
 * Finding people by pinyin: "zs", "zhangs", "zhangsan" and "san" all find 张三. Each name is read
 * twice — once as ordinary text and once with the first character read as a surname (单 shan,
 * 曾 zeng, 解 xie, 区 ou, 仇 qiu …, pinyin-pro's surname mode) — and a query matches either
 * reading: the full pinyin or the initials, from the start of the name or of any later syllable.
 * Readings are cached per name (a desk has hundreds or a few thousand people).
 */
import { pinyin } from 'pinyin-pro';

const CACHE_LIMIT = 20_000;
const cache = new Map<string, string[][]>();

/** Lower-case, without spaces, apostrophes or dashes (zhang'san, Zhang San, zhang-san). */
export const normaliseQuery = (q: string) => q.toLowerCase().replace(/[\s'’\-_.·]/g, '');

/** Whether the query could be pinyin (Latin letters only, after normalising). */
export const isPinyinQuery = (q: string) => /^[a-z]+$/.test(normaliseQuery(q));

/** The readings of a name: arrays of lower-case syllables (non-Chinese runs kept as one piece). */
export function readingsOf(name: string): string[][] {
  let readings = cache.get(name);
  if (readings) return readings;
  const read = (surname: boolean) =>
    pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true, ...(surname ? { surname: 'head' as const } : {}) })
      .map((s) => normaliseQuery(s))
      .filter(Boolean);
  const plain = read(false);
  const asSurname = read(true);
  readings = plain.join(' ') === asSurname.join(' ') ? [plain] : [asSurname, plain];
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(name, readings);
  return readings;
}

/** Whether a normalised Latin query matches the name's full pinyin or initials from some syllable on. */
export function pinyinMatches(name: string, query: string): boolean {
  const q = normaliseQuery(query);
  if (!q) return true;
  for (const syllables of readingsOf(name)) {
    for (let i = 0; i < syllables.length; i++) {
      const tail = syllables.slice(i);
      if (tail.join('').startsWith(q)) return true;
      if (tail.map((s) => s[0]).join('').startsWith(q)) return true;
    }
  }
  return false;
}
