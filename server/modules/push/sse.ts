/**
 * One server-sent-events response: a write queue that respects back-pressure (a browser that
 * stops reading is dropped rather than buffered without end — it reconnects and resumes from its
 * Last-Event-ID), heartbeat comments so proxies keep the connection open, and one `close` path.
 */
import type { ServerResponse } from 'node:http';

/** Chunks waiting for a slow reader before we give up on it. */
const MAX_QUEUED = 1000;

export interface SseEvent {
  id?: number;
  event: string;
  data: unknown;
}

/** The wire form of one event; `data` is one line of JSON. */
export function formatEvent(e: SseEvent): string {
  return `${e.id !== undefined ? `id: ${e.id}\n` : ''}event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

export class SseStream {
  private queue: string[] = [];
  private waitingForDrain = false;
  private closed = false;
  private heartbeat: NodeJS.Timeout;
  private closeHandlers: Array<() => void> = [];

  constructor(
    private readonly res: ServerResponse,
    heartbeatMs: number,
  ) {
    res.on('drain', () => {
      this.waitingForDrain = false;
      this.pump();
    });
    res.on('close', () => this.close());
    res.on('error', () => this.close());
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get isClosed() {
    return this.closed;
  }

  onClose(handler: () => void) {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  send(e: SseEvent) {
    this.write(formatEvent(e));
  }

  write(chunk: string) {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.close();
      return;
    }
    this.queue.push(chunk);
    this.pump();
  }

  private pump() {
    while (!this.closed && !this.waitingForDrain && this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      if (!this.res.write(chunk)) this.waitingForDrain = true;
    }
  }

  /** Ends the response (idempotent); the browser's EventSource reconnects by itself. */
  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.queue = [];
    if (!this.res.writableEnded) this.res.end();
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}
