// What a first visit to each page downloads, measured in headless Chromium: the JS, WASM and
// CSS bytes as transferred (brotli when the browser accepts it) and once decompressed, until
// the page has hydrated. Prints a table and one JSON line. (The budgets are checked by
// tools/bench/budget.mjs and end2end/tests/first-load.spec.ts.)
//
//   node tools/bench/first-load.mjs --url http://127.0.0.1:3300
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(new URL('../../end2end/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3300' },
    pages: { type: 'string', default: '/,/shop,/products/signature-case,/cart,/checkout' },
  },
});
const base = values.url.replace(/\/$/, '');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const kinds = { script: 'js', stylesheet: 'css' };
const results = [];
for (const path of values.pages.split(',')) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = [];
  page.on('requestfinished', (request) => seen.push(request));
  await page.goto(base + path);
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  const sums = { js: [0, 0], wasm: [0, 0], css: [0, 0] };
  for (const request of seen) {
    const url = request.url();
    const kind = url.endsWith('.wasm') ? 'wasm' : kinds[request.resourceType()];
    if (!kind) continue;
    const response = await request.response();
    const sizes = await request.sizes();
    const body = response ? (await response.body().catch(() => Buffer.alloc(0))).length : 0;
    sums[kind][0] += sizes.responseBodySize;
    sums[kind][1] += body;
  }
  results.push({ path, ...sums });
  await context.close();
}
await browser.close();

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('page | JS+WASM transferred | JS+WASM raw | CSS transferred | CSS raw');
for (const r of results) {
  console.log(`${r.path} | ${kb(r.js[0] + r.wasm[0])} | ${kb(r.js[1] + r.wasm[1])} | ${kb(r.css[0])} | ${kb(r.css[1])}`);
}
console.log(JSON.stringify(results));
