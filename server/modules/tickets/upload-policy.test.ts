import { describe, expect, it } from 'vitest';
import { classifyUpload, sanitizeFilename } from './upload-policy';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('classifyUpload', () => {
  it('accepts sniffed images, documents and captures', () => {
    expect(classifyUpload('image/png', 'x.png', bytes('x'))).toEqual({ ok: true, contentType: 'image/png' });
    expect(classifyUpload('application/pdf', 'report', bytes('x'))).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(classifyUpload('application/vnd.tcpdump.pcap', 'cap.pcap', bytes('x')).ok).toBe(true);
  });

  it('refuses programs whatever they are called', () => {
    expect(classifyUpload('application/x-msdownload', 'invoice.pdf', bytes('MZ'))).toMatchObject({ ok: false });
    expect(classifyUpload('application/x-elf', 'log.txt', bytes('x'))).toMatchObject({ ok: false });
  });

  it('accepts text logs in UTF-8 and GBK by extension', () => {
    expect(classifyUpload(undefined, 'atm.log', bytes('2026-10-01 ERROR 读卡器超时\n'))).toEqual({ ok: true, contentType: 'text/plain' });
    const gbk = new Uint8Array([0xb6, 0xc1, 0xbf, 0xa8, 0xc6, 0xf7, 0x0a]); // 读卡器 in GBK
    expect(classifyUpload(undefined, 'dump.txt', gbk).ok).toBe(true);
  });

  it('refuses unknown binary, HTML pretending to be text, and empty files', () => {
    expect(classifyUpload(undefined, 'x.bin', bytes('abc'))).toMatchObject({ ok: false });
    expect(classifyUpload(undefined, 'x.txt', new Uint8Array([1, 0, 2, 3]))).toMatchObject({ ok: false });
    expect(classifyUpload(undefined, 'page.txt', bytes('<!DOCTYPE html><script>alert(1)</script>'))).toMatchObject({ ok: false });
    expect(classifyUpload(undefined, 'pic.svg', bytes('<svg onload=alert(1)>'))).toMatchObject({ ok: false });
    expect(classifyUpload(undefined, 'empty.txt', new Uint8Array())).toMatchObject({ ok: false, reason: 'The file is empty' });
  });
});

describe('sanitizeFilename', () => {
  it('drops directories and dangerous characters, keeps Chinese', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('C:\\Users\\张三\\故障截图.png')).toBe('故障截图.png');
    expect(sanitizeFilename('a<b>:c"d|e?f*.txt')).toBe('abcdef.txt');
    expect(sanitizeFilename('  .hidden  ')).toBe('hidden');
    expect(sanitizeFilename('\u0000')).toBe('file');
  });

  it('shortens long names and keeps the extension', () => {
    const long = `${'日志'.repeat(150)}.log`;
    const out = sanitizeFilename(long);
    expect(out.length).toBe(200);
    expect(out.endsWith('.log')).toBe(true);
  });
});
