import { expect, type Page } from '@playwright/test';

/** Waits until the WASM has hydrated the page: clicks before that would be lost. */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Marks the current document, so a test can prove that no page load happened since. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

export async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}

/** Where the test server keeps its data; the shop writes e-mail to `outbox` inside it. */
export const dataDir = process.env.E2E_DATA_DIR ?? `/tmp/casefront-e2e-${process.env.E2E_PORT ?? 3100}`;
export const outboxDir = `${dataDir}/outbox`;
