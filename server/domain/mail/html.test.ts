import { describe, expect, it } from 'vitest';
import { sanitiseMailHtml } from './html';

describe('sanitiseMailHtml', () => {
  const dangerous: [string, string, RegExp][] = [
    ['script tag', '<p>hi</p><script>alert(1)</script>', /script|alert/i],
    ['onerror handler', '<img src="x" onerror="alert(1)">', /onerror|alert/i],
    ['javascript: link', '<a href="javascript:alert(1)">click</a>', /javascript|alert/i],
    ['JaVaScRiPt with entities', '<a href="jav&#x09;ascript:alert(1)">x</a>', /ascript|alert/i],
    ['svg onload', '<svg onload="alert(1)"><circle r="1"/></svg><p>ok</p>', /svg|onload|alert/i],
    ['CSS expression', '<div style="width: expression(alert(1)); color: red">x</div>', /expression|alert/i],
    ['CSS url()', '<div style="background-color: red; background: url(http://t.example/p.gif)">x</div>', /url|t\.example/i],
    ['iframe', '<iframe src="https://evil.example"></iframe><p>ok</p>', /iframe|evil/i],
    ['object', '<object data="x.swf"></object><embed src="x.swf">', /object|embed|swf/i],
    ['form', '<form action="https://evil.example"><input name="pw"><button>Go</button></form>', /form|input|evil/i],
    ['style tag', '<style>body{background:url(http://t.example/x)}</style><p>ok</p>', /style|t\.example/i],
    ['meta refresh', '<head><meta http-equiv="refresh" content="0;url=https://evil.example"><title>T</title></head><p>ok</p>', /meta|evil|T</i],
    ['onclick on a div', '<div onclick="alert(1)">x</div>', /onclick|alert/i],
  ];
  it.each(dangerous)('removes %s', (_name, input, forbidden) => {
    expect(sanitiseMailHtml(input)).not.toMatch(forbidden);
  });

  it('keeps ordinary mail formatting', () => {
    const out = sanitiseMailHtml(
      '<div style="color: #333; font-size: 14px"><p>您好，<b>打印机</b>卡纸。</p><table border="1"><tr><td>SN</td></tr></table></div>',
    );
    expect(out).toBe(
      '<div style="color:#333;font-size:14px"><p>您好，<b>打印机</b>卡纸。</p><table border="1"><tr><td>SN</td></tr></table></div>',
    );
  });

  it('links open in a new tab without the opener', () => {
    expect(sanitiseMailHtml('<a href="https://example.com/x">x</a>')).toBe(
      '<a href="https://example.com/x" target="_blank" rel="noopener noreferrer">x</a>',
    );
  });

  it('blocks remote images, keeping the URL for "load images"', () => {
    expect(sanitiseMailHtml('<img src="http://tracker.example/p.gif?u=1" alt="logo">')).toBe(
      '<img alt="logo" data-blocked-src="http://tracker.example/p.gif?u=1" />',
    );
    expect(sanitiseMailHtml('<img src="//cdn.example/a.png">')).toBe('<img data-blocked-src="https://cdn.example/a.png" />');
    // A blocked-src the sender wrote themselves is only kept when it is http(s).
    expect(sanitiseMailHtml('<img data-blocked-src="javascript:alert(1)">')).toBe('<img />');
  });

  it('keeps cid: images for a later pass, and rewrites them from the map', () => {
    const parsed = sanitiseMailHtml('<p><img src="cid:image001.png@01DB0000" onerror="x()"></p>');
    expect(parsed).toBe('<p><img src="cid:image001.png@01DB0000" /></p>');
    const ingested = sanitiseMailHtml(parsed, { cidMap: { 'image001.png@01DB0000': '/api/attachments/42/content' } });
    expect(ingested).toBe('<p><img src="/api/attachments/42/content" /></p>');
  });

  it('is idempotent', () => {
    const once = sanitiseMailHtml('<img src="https://x.example/a.png"><a href="mailto:a@b">a</a><div style="color:red">x</div>');
    expect(sanitiseMailHtml(once)).toBe(once);
  });
});
