/**
 * Browser-test support: builds the web UI when stale, starts the real app (test harness, PGlite or
 * a scratch PostgreSQL) on a random port serving web/dist, and drives Debian's chromium with
 * playwright-core. Without a chromium the suites are skipped loudly, or fail when
 * FUWUTAI_REQUIRE_BROWSER=1.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { ensureWebBuilt } from '../scripts/build-web.mjs';
import { createTestApp, PASSWORD, type TestApp } from '../server/test/harness';

export { PASSWORD };

const CHROMIUM = process.env.FUWUTAI_CHROMIUM ?? '/usr/bin/chromium';

export const browserAvailable = fs.existsSync(CHROMIUM);

if (!browserAvailable) {
  const message = `Browser tests need chromium at ${CHROMIUM} (set FUWUTAI_CHROMIUM to another path).`;
  if (process.env.FUWUTAI_REQUIRE_BROWSER === '1') throw new Error(`${message} FUWUTAI_REQUIRE_BROWSER=1 makes this a failure.`);
  console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING BROWSER TESTS: ${message}\n!! Install chromium (apt-get install chromium) to run them.\n${'!'.repeat(78)}\n`);
}

/** `describe` that skips (with the warning above) when there is no browser to drive. */
export const describeBrowser: typeof describe = browserAvailable ? describe : (describe.skip as typeof describe);

export interface E2eApp {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (cookies, localStorage) and page. */
  newPage(options?: { locale?: string }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startE2eApp(): Promise<E2eApp> {
  const { distDir } = await ensureWebBuilt({ log: () => undefined });
  const [t, browser] = await Promise.all([
    createTestApp({ deps: { webDir: distDir } }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    }),
  ]);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const contexts: BrowserContext[] = [];
  return {
    t,
    baseUrl,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 }, locale: options.locale ?? 'zh-CN' });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
      return { context, page };
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await browser.close();
      await t.close();
    },
  };
}

/** Logs in through the login page (Enter submits) and waits for the first screen. */
export async function login(page: Page, username: string, password = PASSWORD) {
  await page.goto('/');
  await waitForPath(page, /^\/login$/);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page.keyboard.press('Enter');
  await page.getByTestId('ticket-table').waitFor();
}

/**
 * Waits until the app's client-side router shows a path (waitForURL waits for a document load,
 * which a pushState navigation never fires).
 */
export async function waitForPath(page: Page, path: RegExp) {
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toMatch(path);
}

/**
 * Clicks until the app's path changes. A live update or a card appearing above (the admin's
 * checklist) can re-render what was clicked between press and release, and the click goes nowhere.
 */
export async function clickUntilPath(page: Page, click: () => Promise<void>, path: RegExp) {
  for (let attempt = 1; ; attempt++) {
    await click();
    try {
      await expect.poll(() => new URL(page.url()).pathname, { timeout: attempt < 3 ? 5_000 : 15_000 }).toMatch(path);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Opens a queue row and waits for the ticket page (see clickUntilPath). */
export async function openQueueRow(page: Page, row: Locator, path: RegExp) {
  await clickUntilPath(page, () => row.click(), path);
}

/** The timeline entries of the open ticket, optionally of one kind. */
export const timelineEvents = (page: Page, kind?: string): Locator =>
  page.locator(kind ? `[data-testid=timeline-event][data-kind=${kind}]` : '[data-testid=timeline-event]');

/**
 * Picks an option in an antd Select opened by clicking `select`, and makes sure it took: a click
 * that lands while the dropdown is still sliding open is ignored by antd, so it is retried until
 * the dropdown closes (single select) or the option shows as selected (multiple select).
 */
export async function chooseOption(page: Page, select: Locator, label: string | RegExp) {
  const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: label }).first();
  // The dropdown may close between counting and reading (that is the single select taking the
  // choice): a read that finds no element any more counts as taken rather than waiting 15 s.
  const took = async () => {
    if ((await option.count()) === 0) return true;
    const classes = await option.getAttribute('class', { timeout: 250 }).catch(() => null);
    return classes === null || classes.includes('ant-select-item-option-selected');
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if ((await option.count()) === 0) await select.click();
    await option.click();
    for (let waited = 0; waited < 1_000; waited += 50) {
      if (await took()) return;
      await page.waitForTimeout(50);
    }
  }
  throw new Error(`the option ${String(label)} could not be chosen`);
}

/** Saves a screenshot to $FUWUTAI_SCREENSHOTS (e.g. /tmp/fw-screens) when that is set. */
export async function snap(page: Page, name: string) {
  const dir = process.env.FUWUTAI_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}


/**
 * Hovers `target` until `shown` is visible. A live re-render (a countdown tick, a pushed update)
 * can replace the hovered element between the hover and the tooltip's delay, and the tooltip
 * never opens; moving away and hovering again is what a person would do.
 */
export async function hoverUntil(page: Page, target: Locator, shown: Locator) {
  for (let attempt = 1; ; attempt++) {
    await target.hover();
    try {
      await shown.waitFor({ timeout: attempt < 3 ? 4_000 : 15_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.mouse.move(0, 0);
    }
  }
}
