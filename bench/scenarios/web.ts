/**
 * "The queue usable cold": Chromium (headless, empty cache) opens the queue of the built web UI
 * with a signed-in session; timed from navigation start to the first ticket row on screen. Also
 * the JavaScript bytes that first load fetched as they came over the wire (compressed as served;
 * the scripts whose response had ended by the time the first row was on screen),
 * and the API requests the ticket page makes when opened from the queue.
 */
import { chromium, type Request } from 'playwright-core';
import { ensureWebBuilt } from '../../scripts/build-web.mjs';
import type { Client } from '../lib/app';

export interface WebResult {
  queueUsableMs: number;
  queueJsBytes: number;
  queueJsFiles: number;
  /** Each script of the first load: its path and bytes over the wire. */
  queueJsList: Array<{ path: string; bytes: number }>;
  ticketPageApiRequests: number;
  ticketPageApiPaths: string[];
}

/** Builds web/dist if it is missing or stale (as `npm run build:web` does). */
export const ensureWeb = () => ensureWebBuilt({ log: () => undefined }) as Promise<{ distDir: string }>;

export async function measureWeb(agent: Client): Promise<WebResult> {
  const browser = await chromium.launch({
    executablePath: process.env.FUWUTAI_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const [name, ...value] = agent.cookie.split('=');
    await context.addCookies([{ name: name!, value: value.join('='), url: agent.base }]);
    const page = await context.newPage();
    const scripts: Request[] = [];
    page.on('requestfinished', (request) => {
      if (request.resourceType() === 'script') scripts.push(request);
    });
    await page.goto(`${agent.base}/tickets`);
    const usable = await page.waitForFunction(() => (document.querySelector('[data-testid="ticket-row"]') ? performance.now() : null), undefined, {
      polling: 'raf',
      timeout: 30_000,
    });
    const queueUsableMs = Number(await usable.jsonValue());
    // The first load: the scripts whose response had ended when the first row was on screen. (What
    // finishes in the moment it takes to report the row back here, such as a chunk requested once
    // the page went idle after painting, is not.)
    const firstRowAt = (await page.evaluate(() => performance.timeOrigin)) + queueUsableMs;
    const firstLoad = scripts.filter((request) => {
      const timing = request.timing();
      return timing.responseEnd < 0 || timing.startTime + timing.responseEnd <= firstRowAt;
    });
    const sizes = await Promise.all(firstLoad.map(async (request) => (await request.sizes()).responseBodySize));
    await page.waitForLoadState('networkidle');

    const api: string[] = [];
    const onRequest = (request: Request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) api.push(`${request.method()} ${url.pathname}${url.search}`);
    };
    page.on('request', onRequest);
    await page.locator('[data-testid="ticket-row"]').first().click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}/);
    // Everything the page asks for on opening, including what its panels fetch once rendered.
    await page.waitForTimeout(1500);
    await page.waitForLoadState('networkidle');
    page.off('request', onRequest);
    const opened = [...api];
    const queueJsList = firstLoad.map((request, i) => ({ path: new URL(request.url()).pathname, bytes: sizes[i]! }));
    return {
      queueUsableMs,
      queueJsBytes: sizes.reduce((a, b) => a + b, 0),
      queueJsFiles: firstLoad.length,
      queueJsList,
      ticketPageApiRequests: opened.length,
      ticketPageApiPaths: opened,
    };
  } finally {
    await browser.close();
  }
}
