import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** Where screenshots go when SCREENSHOTS=1 (ignored by git with the rest of load/out). */
const SCREENS = process.env.SCREENSHOTS === '1' ? new URL('../../load/out/screens/', import.meta.url) : null;

/**
 * The page at 390 px (phone) and 1440 px (desk), full length, as `<name>-<width>.png`, for a
 * person to look at; the viewport is put back to 1440 × 900. Nothing happens without SCREENSHOTS=1.
 */
export async function screenshotWidths(page: Page, name: string): Promise<void> {
  if (!SCREENS) return;
  mkdirSync(SCREENS, { recursive: true });
  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: new URL(`${name}-${width}.png`, SCREENS).pathname, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}
