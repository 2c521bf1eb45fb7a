import { describe, expect, it } from 'vitest';
import { drain, enqueue, MAX_QUEUED, outcomeOfStatus, parseQueue, type QueuedAction, type SendOutcome, settle } from './offline-queue';

const action = (key: string, fields: Partial<QueuedAction> = {}): QueuedAction => ({
  key,
  method: 'POST',
  url: '/api/visits/v1/transitions',
  body: { to: 'on_site', at: '2026-12-08T01:00:00.000Z' },
  at: '2026-12-08T01:00:00.000Z',
  kind: 'step:on_site',
  visitId: 'v1',
  attempts: 0,
  ...fields,
});

describe('offline queue', () => {
  it('reads back what it stored and leaves out what it cannot read', () => {
    const queue = [action('a'), action('b', { method: 'PUT', url: '/api/visits/v1/record', kind: 'record' })];
    expect(parseQueue(JSON.stringify(queue))).toEqual(queue);
    expect(parseQueue(null)).toEqual([]);
    expect(parseQueue('not json')).toEqual([]);
    expect(parseQueue('{"key":"a"}')).toEqual([]);
    expect(parseQueue(JSON.stringify([{ key: 'x' }, action('c'), { ...action('d'), url: 'https://elsewhere/' }]))).toEqual([action('c')]);
  });

  it('keeps one entry per key and the latest record draft in its place', () => {
    let queue = enqueue([], action('a'))!;
    queue = enqueue(queue, action('a'))!;
    expect(queue.map((a) => a.key)).toEqual(['a']);

    const put = (key: string, findings: string) => action(key, { method: 'PUT', url: '/api/visits/v1/record', kind: 'record', body: { findings } });
    queue = enqueue(queue, put('p1', 'first'))!;
    queue = enqueue(queue, action('s', { url: '/api/service-records/r1/sign', kind: 'sign' }))!;
    queue = enqueue(queue, put('p2', 'second'))!;
    expect(queue.map((a) => a.key)).toEqual(['a', 'p2', 's']);
    expect(queue[1]!.body).toEqual({ findings: 'second' });
    // Another visit's record is another entry.
    queue = enqueue(queue, action('p3', { method: 'PUT', url: '/api/visits/v2/record', kind: 'record', visitId: 'v2' }))!;
    expect(queue).toHaveLength(4);
  });

  it('refuses a new action when full instead of losing an old one', () => {
    let queue: QueuedAction[] = [];
    for (let i = 0; i < MAX_QUEUED; i++) queue = enqueue(queue, action(`k${i}`))!;
    expect(enqueue(queue, action('one-more'))).toBeNull();
    expect(enqueue(queue, action('k3'))).toHaveLength(MAX_QUEUED);
  });

  it('counts no answer, timeouts and server trouble as retry, other refusals as final', () => {
    expect(outcomeOfStatus(200)).toBe('sent');
    expect(outcomeOfStatus(201)).toBe('sent');
    for (const status of [0, 408, 429, 500, 502, 503]) expect(outcomeOfStatus(status)).toBe('retry');
    for (const status of [400, 403, 404, 422]) expect(outcomeOfStatus(status)).toBe('refused');
    // The same key's first send still running is worth another try; an illegal step or a frozen record is not.
    expect(outcomeOfStatus(409, 'idempotency.in_progress')).toBe('retry');
    expect(outcomeOfStatus(409, 'visit.transition')).toBe('refused');
    expect(outcomeOfStatus(409, 'service_record.frozen')).toBe('refused');
  });

  it('sends in order with the same key and body, stops at the first without an answer', async () => {
    const queue = [action('a'), action('b', { kind: 'record' }), action('c', { kind: 'sign' })];
    const seen: Array<[string, unknown]> = [];
    const answers: Record<string, SendOutcome> = { a: { outcome: 'sent' }, b: { outcome: 'retry' } };
    const result = await drain(queue, async (a) => {
      seen.push([a.key, a.body]);
      return answers[a.key] ?? { outcome: 'sent' };
    });
    expect(seen).toEqual([
      ['a', queue[0]!.body],
      ['b', queue[1]!.body],
    ]);
    expect(result.sent.map((a) => a.key)).toEqual(['a']);
    expect(result.queue.map((a) => [a.key, a.attempts])).toEqual([
      ['b', 1],
      ['c', 0],
    ]);

    // The next time round the same entry goes with the same key; a refused one is dropped and reported.
    answers.b = { outcome: 'refused', error: 'visit.transition' };
    const again = await drain(result.queue, async (a) => answers[a.key] ?? { outcome: 'sent' });
    expect(again.queue).toEqual([]);
    expect(again.refused).toEqual([{ action: result.queue[0], error: 'visit.transition' }]);
    expect(again.sent.map((a) => a.key)).toEqual(['c']);
  });

  it('settles against the stored list, keeping what was queued during the sends', async () => {
    const before = [action('a'), action('b')];
    const result = await drain(before, async (a) => (a.key === 'a' ? { outcome: 'sent' } : { outcome: 'retry' }));
    const stored = [...before, action('c')];
    expect(settle(stored, result).map((a) => [a.key, a.attempts])).toEqual([
      ['b', 1],
      ['c', 0],
    ]);
  });
});
