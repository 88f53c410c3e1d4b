import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium unless CHROMIUM_PATH says otherwise. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const required = process.env.REQUIRE_SERVICES === '1';

/**
 * Whether a browser suite runs: without Chromium it is skipped with a printed reason, except
 * under REQUIRE_SERVICES=1, where it runs and fails, so CI cannot pass by skipping.
 */
export function browserSuiteRuns(): boolean {
  const available = existsSync(CHROMIUM);
  if (!available && !required)
    console.log(`browser tests skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or REQUIRE_SERVICES=1 to fail)`);
  return available || required;
}

/** Headless Chromium that reaches nothing but the hub under test (no sync, updates or QUIC). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface SignInOptions {
  /** Also wait for the live connection's status to read connected (the default). */
  connected?: boolean;
}

/**
 * Signs in through the log-in form at `origin` and waits to leave it: each role lands on its
 * own home (dispatchers the command board, residents the hotline), so only "not /login" is certain.
 */
export async function signInWithForm(
  page: Page,
  origin: string,
  login: string,
  password: string,
  { connected = true }: SignInOptions = {},
): Promise<Page> {
  await page.goto(`${origin}/login`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.origin === origin && u.pathname !== '/login');
  if (connected) await page.locator('[role=status][data-state=connected]').first().waitFor();
  return page;
}
