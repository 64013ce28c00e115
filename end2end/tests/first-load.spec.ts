// What a first visit downloads, as the browser receives it: the home, catalog, product, cart
// and checkout pages, the help center and the order pages are served as islands
// (app/src/islands.rs). Each fetches the islands' bundle and the chunks of its own island
// (lazy), stays within its first-load budget of JS + WASM, and fetches nothing of the app's
// bundle or its split pages.
import { expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hydrated, openCheckout, orderLink, payByCard, savedCart, test, uniqueEmail } from './helpers';

const budgets = JSON.parse(fs.readFileSync(path.join(__dirname, '../../tools/bench/budgets.json'), 'utf8'));

const pages: [string, number][] = [
  ['/', budgets.firstLoad],
  ['/shop', budgets.islandPages.catalog_browser_island],
  ['/products/signature-case', budgets.islandPages.product_view_island],
  ['/cart', budgets.islandPages.cart_view_island],
  ['/checkout', budgets.islandPages.checkout_island],
  ['/help', budgets.firstLoad],
  ['/help/cancel-an-order', budgets.firstLoad],
  ['/orders/find', budgets.firstLoad],
];

/** Loads `address` in `page` (a fresh browser) and checks what it downloads against `budget`. */
async function expectFirstLoad(page: Page, address: string, budget: number) {
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
  // Only the islands' glue, its chunk loader and the chunks that loader names.
  const glue = code.find((c) => /^\/pkg\/islands\.[^/]+\.js$/.test(c.url));
  expect(glue, sizes).toBeDefined();
  const loader = (await (await page.request.get(glue!.url)).text()).match(/__wasm_split\.[\w-]+\.js/)?.[0];
  expect(loader, 'the islands are split').toBeDefined();
  const chunks = await (await page.request.get(`/pkg/${loader}`)).text();
  const foreign = code.filter(
    (c) =>
      !/^\/pkg\/islands\.[^/]+\.(js|wasm)$/.test(c.url) &&
      c.url !== `/pkg/${loader}` &&
      !(c.url.endsWith('.wasm') && chunks.includes(`./${path.basename(c.url)}`)),
  );
  expect(foreign, sizes).toEqual([]);
  expect(total, sizes).toBeLessThanOrEqual(budget);
  expect(total, 'the bundle arrives compressed').toBeGreaterThan(0);
}

for (const [address, budget] of pages) {
  test(`a first visit to ${address} downloads at most ${budget} bytes of JS + WASM`, async ({ page }) => {
    await expectFirstLoad(page, address, budget);
  });
}

test(`an order opened from its e-mail on another device downloads at most ${budgets.firstLoad} bytes of JS + WASM`, async ({ page, browser }) => {
  test.slow();
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('first-load');
  const number = await payByCard(page, shopper);
  const link = await orderLink(shopper, number);
  const phone = await browser.newContext();
  const other = await phone.newPage();
  await expectFirstLoad(other, link, budgets.firstLoad);
  await expect(other.getByTestId('order-number')).toHaveText(number);
  await phone.close();
});
