/** The SSE writer on its own: wire format, heartbeats, back-pressure and giving up on a reader that stopped. */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatEvent, SseStream } from './sse';

/** A response whose socket buffer is "full" whenever `full` is set. */
function fakeResponse() {
  const res = new EventEmitter() as EventEmitter & { chunks: string[]; full: boolean; writableEnded: boolean; write(c: string): boolean; end(): void };
  res.chunks = [];
  res.full = false;
  res.writableEnded = false;
  res.write = (chunk: string) => {
    res.chunks.push(chunk);
    return !res.full;
  };
  res.end = () => {
    res.writableEnded = true;
  };
  return res;
}

afterEach(() => vi.useRealTimers());

describe('SseStream', () => {
  it('writes id, event and one line of JSON data, and leaves out the id when there is none', () => {
    expect(formatEvent({ id: 7, event: 'ticket.changed', data: { a: '多\n行' } })).toBe('id: 7\nevent: ticket.changed\ndata: {"a":"多\\n行"}\n\n');
    expect(formatEvent({ event: 'resync', data: {} })).toBe('event: resync\ndata: {}\n\n');
  });

  it('sends a heartbeat comment on schedule and stops when closed', () => {
    vi.useFakeTimers();
    const res = fakeResponse();
    const stream = new SseStream(res as unknown as ServerResponse, 25_000);
    vi.advanceTimersByTime(50_000);
    expect(res.chunks).toEqual([': ping\n\n', ': ping\n\n']);
    stream.close();
    vi.advanceTimersByTime(50_000);
    expect(res.chunks).toHaveLength(2);
    expect(res.writableEnded).toBe(true);
  });

  it('holds writes while the socket is full and sends them in order on drain', () => {
    const res = fakeResponse();
    const stream = new SseStream(res as unknown as ServerResponse, 60_000);
    res.full = true;
    stream.send({ id: 1, event: 'a', data: 1 });
    stream.send({ id: 2, event: 'b', data: 2 });
    stream.send({ id: 3, event: 'c', data: 3 });
    expect(res.chunks).toHaveLength(1); // the first write filled the buffer
    res.full = false;
    res.emit('drain');
    expect(res.chunks.map((c) => c.split('\n')[0])).toEqual(['id: 1', 'id: 2', 'id: 3']);
    stream.close();
  });

  it('drops a reader that stopped reading instead of buffering without end, and tells its owner once', () => {
    const res = fakeResponse();
    const stream = new SseStream(res as unknown as ServerResponse, 60_000);
    const closed = vi.fn();
    stream.onClose(closed);
    res.full = true;
    for (let i = 0; i < 1100; i++) stream.send({ id: i, event: 'x', data: i });
    expect(stream.isClosed).toBe(true);
    expect(res.writableEnded).toBe(true);
    res.emit('close');
    expect(closed).toHaveBeenCalledTimes(1);
  });
});
