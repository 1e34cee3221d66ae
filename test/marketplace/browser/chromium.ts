/**
 * Debian's Chromium driven by playwright-core: headless, no sandbox, no
 * GPU, no background networking, component updates or sync, in a fresh
 * profile folder. Every request that is not for 127.0.0.1 is aborted and
 * recorded, so a page can never reach another host.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** URLs the pages tried to fetch from anywhere but 127.0.0.1 (all aborted). */
  outside: string[];
  /** Console errors and uncaught page errors (CSP violations show here). */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(options: { width?: number; height?: number } = {}):
  Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'cordum-chromium-'));
  // launchPersistentContext passes the fresh folder as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const outside: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    outside.push(url.toString());
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? await context.newPage();
  context.on('page', (p) => watch(p, errors));
  watch(page, errors);
  return {
    context, page, outside, errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function watch(page: Page, errors: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('net::ERR_BLOCKED_BY_CLIENT')) {
      errors.push(`${m.text()} @ ${m.location().url}`);
    }
  });
  page.on('pageerror', (e) => errors.push(e.message));
}
