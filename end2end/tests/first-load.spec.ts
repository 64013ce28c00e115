// What a first visit downloads, as the browser receives it: the home, catalog, product and
// cart pages are served as islands (app/src/islands.rs), stay within the first-load budget of
// JS + WASM, and fetch nothing of the app's bundle or its split pages.
import { expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hydrated, test } from './helpers';

const budgets = JSON.parse(fs.readFileSync(path.join(__dirname, '../../tools/bench/budgets.json'), 'utf8'));

for (const address of ['/', '/shop', '/products/signature-case', '/cart']) {
  test(`a first visit to ${address} downloads at most ${budgets.firstLoad} bytes of JS + WASM`, async ({ page }) => {
    const code: { url: string; bytes: number }[] = [];
    page.on('requestfinished', async (request) => {
      const url = new URL(request.url());
      if (/\.(js|wasm)$/.test(url.pathname)) {
        code.push({ url: url.pathname, bytes: (await request.sizes()).responseBodySize });
      }
    });
    await page.goto(address);
    await hydrated(page);
    await page.waitForLoadState('networkidle');

    const total = code.reduce((sum, c) => sum + c.bytes, 0);
    const sizes = code.map((c) => `${c.url}: ${c.bytes}`).join(', ');
    expect(code.filter((c) => !/^\/pkg\/islands\.[^/]+\.(js|wasm)$/.test(c.url)), sizes).toEqual([]);
    expect(code.map((c) => c.url.split('.').pop()).sort(), sizes).toEqual(['js', 'wasm']);
    expect(total, sizes).toBeLessThanOrEqual(budgets.firstLoad);
    expect(total, 'the bundle arrives compressed').toBeGreaterThan(0);
  });
}
