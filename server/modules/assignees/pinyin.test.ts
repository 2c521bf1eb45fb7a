import { describe, expect, it } from 'vitest';
import { isPinyinQuery, pinyinMatches, readingsOf } from './pinyin';

describe('pinyin matching', () => {
  it('finds 张三 by initials, full pinyin, a prefix or the given name', () => {
    for (const q of ['zs', 'z', 'zhangsan', 'zhangs', 'Zhang San', "zhang'san", 'san', 's']) expect(pinyinMatches('张三', q), q).toBe(true);
    for (const q of ['zz', 'zhangsi', 'li', 'sz']) expect(pinyinMatches('张三', q), q).toBe(false);
  });

  it('reads polyphonic surnames as surnames, and still accepts the ordinary reading', () => {
    expect(readingsOf('单田芳')[0]).toEqual(['shan', 'tian', 'fang']);
    expect(pinyinMatches('单田芳', 'stf')).toBe(true);
    expect(pinyinMatches('单田芳', 'shantianfang')).toBe(true);
    expect(pinyinMatches('曾小贤', 'zxx')).toBe(true);
    expect(pinyinMatches('解晓东', 'xiexiaodong')).toBe(true);
    expect(pinyinMatches('吕布', 'lvbu')).toBe(true);
  });

  it('keeps Latin names whole and knows what is a pinyin query', () => {
    expect(pinyinMatches('王wei', 'wangwei')).toBe(true);
    expect(isPinyinQuery('Zhang San')).toBe(true);
    expect(isPinyinQuery('张')).toBe(false);
    expect(isPinyinQuery('zs1')).toBe(false);
  });
});
