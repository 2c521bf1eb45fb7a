/**
 * Test support: a server-sent-events reader over a real socket (what a browser's EventSource
 * does), collecting events so tests can wait for one or assert that one never came.
 */
import http from 'node:http';

export interface ReceivedEvent {
  id: string | undefined;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the server sent
  data: any;
}

export interface TestStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: ReceivedEvent[];
  /** Raw text received, comments included. */
  text(): string;
  /** Resolves with the first event (already received or future) that matches, or fails after `timeoutMs`. */
  next(match: (e: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  close(): void;
}

export function openStream(baseUrl: string, cookie: string | null, headers: Record<string, string> = {}, search = ''): Promise<TestStream> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${baseUrl}/api/stream${search}`,
      { headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br', ...(cookie ? { cookie } : {}), ...headers } },
      (res) => {
        const events: ReceivedEvent[] = [];
        const waiters: Array<{ match: (e: ReceivedEvent) => boolean; resolve: (e: ReceivedEvent) => void }> = [];
        let raw = '';
        let pending = '';
        let endedResolve!: () => void;
        const ended = new Promise<void>((r) => (endedResolve = r));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          raw += chunk;
          pending += chunk;
          let at: number;
          while ((at = pending.indexOf('\n\n')) >= 0) {
            const block = pending.slice(0, at);
            pending = pending.slice(at + 2);
            const fields: Record<string, string> = {};
            for (const line of block.split('\n')) {
              if (!line || line.startsWith(':')) continue;
              const colon = line.indexOf(':');
              fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
            }
            if (!fields.event && !fields.data) continue; // `retry:` and comments
            const e: ReceivedEvent = { id: fields.id, event: fields.event ?? 'message', data: fields.data ? JSON.parse(fields.data) : undefined };
            events.push(e);
            for (const w of [...waiters]) {
              if (w.match(e)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve(e);
              }
            }
          }
        });
        res.on('end', endedResolve);
        res.on('close', endedResolve);
        res.on('error', endedResolve);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          events,
          text: () => raw,
          ended,
          next(match, timeoutMs = 5000) {
            const found = events.find(match);
            if (found) return Promise.resolve(found);
            return new Promise((ok, fail) => {
              const waiter = {
                match,
                resolve: (e: ReceivedEvent) => {
                  clearTimeout(timer);
                  ok(e);
                },
              };
              const timer = setTimeout(() => {
                waiters.splice(waiters.indexOf(waiter), 1);
                fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
              }, timeoutMs);
              waiters.push(waiter);
            });
          },
          close: () => request.destroy(),
        });
      },
    );
    request.on('error', reject);
  });
}
