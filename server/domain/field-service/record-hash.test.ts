import { describe, expect, it } from 'vitest';
import { canonicalJson, recordContent, recordHash, type RecordHashInput } from './record-hash';

const base: RecordHashInput = {
  ticketNumber: 'FW-2026-000123',
  visit: {
    id: '11111111-1111-4111-8111-111111111111',
    plannedStart: new Date('2026-12-08T01:00:00Z'),
    plannedEnd: new Date('2026-12-08T03:00:00Z'),
    departedAt: new Date('2026-12-08T00:40:00Z'),
    arrivedAt: new Date('2026-12-08T01:10:00Z'),
    finishedAt: null,
  },
  siteId: '22222222-2222-4222-8222-222222222222',
  deviceSerials: ['SN-B', 'SN-A'],
  engineerIds: ['e2', 'e1'],
  version: 1,
  findings: '读卡器脏污',
  workDone: '清洁读卡器，更换皮带',
  parts: [{ partNumber: 'P-1', name: '皮带', quantity: 1, serials: [] }],
  timeSpentMinutes: 45,
  result: 'restored',
  photoSha256s: ['aa', 'bb'],
  status: 'signed',
  signerName: '王经理',
  signedAt: new Date('2026-12-08T02:00:00Z'),
  signatureSha256: 'cc',
  refusalReason: null,
};

describe('record hash', () => {
  it('canonical JSON sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: undefined, b: '中' })).toBe('{"b":"中"}');
  });

  it('is a SHA-256 hex that does not depend on key order, device or engineer order', () => {
    const h = recordHash(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(recordHash({ ...base, deviceSerials: ['SN-A', 'SN-B'], engineerIds: ['e1', 'e2'] })).toBe(h);
    expect(recordHash({ ...base, parts: [{ quantity: 1, name: '皮带', serials: [], partNumber: 'P-1' }] })).toBe(h);
  });

  it('changes with every sealed field', () => {
    const h = recordHash(base);
    const variants: Partial<RecordHashInput>[] = [
      { ticketNumber: 'FW-2026-000124' },
      { findings: '读卡器脏污。' },
      { workDone: '' },
      { parts: [{ partNumber: 'P-1', name: '皮带', quantity: 2, serials: [] }] },
      { timeSpentMinutes: 46 },
      { result: 'needs_parts' },
      { photoSha256s: ['bb', 'aa'] },
      { signerName: '王经理 ' },
      { signedAt: new Date('2026-12-08T02:00:01Z') },
      { signatureSha256: 'cd' },
      { siteId: null },
      { deviceSerials: ['SN-A'] },
      { engineerIds: ['e1'] },
      { version: 2 },
      { status: 'refused' },
      { visit: { ...base.visit, arrivedAt: new Date('2026-12-08T01:11:00Z') } },
    ];
    for (const v of variants) expect(recordHash({ ...base, ...v }), JSON.stringify(v)).not.toBe(h);
  });

  it('counts the finish time only when it came before the freeze (signed on site, checked out afterwards)', () => {
    const later = { ...base, visit: { ...base.visit, finishedAt: new Date('2026-12-08T02:30:00Z') } };
    expect(recordHash(later)).toBe(recordHash(base));
    expect(recordContent(later).visit).toMatchObject({ finishedAt: null });
    const before = { ...base, visit: { ...base.visit, finishedAt: new Date('2026-12-08T01:55:00Z') } };
    expect(recordHash(before)).not.toBe(recordHash(base));
  });
});
