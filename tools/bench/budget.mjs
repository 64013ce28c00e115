// The size budgets of the built WebAssembly bundles, checked from the files themselves (brotli,
// as the server sends them): the islands' bundle a first visit to the home, catalog, product or
// cart page downloads, the app's bundle every other page loads, and the code each split page
// loads when first visited (its own chunk and the shared chunks it needs). Prints
// every size, and exits 1 when one is over its budget or a split page has no budget.
//
//   node tools/bench/budget.mjs <site>/pkg [budgets.json]
//
// Budgets live in tools/bench/budgets.json; the browser test first-load.spec.ts checks the
// same first-load budget as the pages download it.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tools/bench/budget.mjs <pkg folder>');
  process.exit(2);
}
const budgets = JSON.parse(readFileSync(process.argv[3] ?? new URL('./budgets.json', import.meta.url), 'utf8'));
const files = readdirSync(dir);

/** The bytes a browser receives for `name`: its brotli copy when the build wrote one. */
function sent(name) {
  const path = join(dir, name);
  if (existsSync(`${path}.br`)) return readFileSync(`${path}.br`).length;
  const data = readFileSync(path);
  return brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

const one = (pattern, what) => {
  const found = files.filter((f) => pattern.test(f));
  if (found.length !== 1) {
    console.error(`expected one ${what} in ${dir}, found ${found.length}`);
    process.exit(1);
  }
  return found[0];
};

const rows = [];
const check = (what, bytes, budget) => rows.push({ what, bytes, budget, over: budget === undefined || bytes > budget });

// The pages a first visit lands on (home, catalog, product, cart) are served as islands and
// load the islands' bundle alone (app/src/islands.rs).
const islands = [one(/^islands\.[^.]+\.wasm$/, 'islands WASM'), one(/^islands\.[^.]+\.js$/, 'islands JS')];
check('first load: islands JS + WASM', islands.reduce((sum, f) => sum + sent(f), 0), budgets.firstLoad);

// Every other page loads the app's bundle and the small loader of split chunks it imports,
// then its own chunks.
const main = [
  one(/^storefront\.[^.]+\.wasm$/, 'app WASM'),
  one(/^storefront\.[^.]+\.js$/, 'app JS'),
  one(/^__wasm_split\..*\.js$/, 'split loader'),
];
check('app bundle: main JS + WASM + chunk loader', main.reduce((sum, f) => sum + sent(f), 0), budgets.appBundle);

const manifest = JSON.parse(readFileSync(join(dir, one(/^__wasm_split_manifest\..*\.json$/, 'split manifest')), 'utf8'));
for (const [key, chunks] of Object.entries(manifest).sort()) {
  // `__checkout_view_<hash>` is the split point of the checkout page's view;
  // `__optional_photo_picker_<hash>` a lazy part of a page (`#[lazy]`), loaded when it is needed.
  const view = /_view_\d+$/.test(key);
  const name = key.replace(/^__/, '').replace(/(_view)?_\d+$/, '');
  const bytes = chunks.reduce((sum, chunk) => sum + sent(`${chunk}.wasm`), 0);
  check(`${view ? 'split page' : 'lazy part'}: ${name}`, bytes, budgets.splitPages[name]);
}

const kb = (n) => (n === undefined ? 'none' : `${(n / 1024).toFixed(1)} KB`);
console.log('bundle | brotli | budget');
for (const r of rows) console.log(`${r.what} | ${kb(r.bytes)} | ${kb(r.budget)}${r.over ? '  OVER' : ''}`);
const over = rows.filter((r) => r.over);
for (const r of over) {
  console.error(r.budget === undefined
    ? `${r.what} has no budget in tools/bench/budgets.json`
    : `${r.what} is ${kb(r.bytes)}, over its ${kb(r.budget)} budget`);
}
process.exit(over.length ? 1 : 0);
