// The size budgets of the built WebAssembly bundles, checked from the files themselves (brotli,
// as the server sends them): what a first visit to the home, catalog, product or cart page
// downloads (the islands' bundle and the page's own island), the app's bundle every other page
// loads, and the code each split page loads when first visited (its own chunk and the shared
// chunks it needs). Prints
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
const total = (names) => names.reduce((sum, f) => sum + sent(f), 0);

// A bundle's main JS and WASM, and the loader of its split chunks, which its JS imports. Both
// bundles' chunks, loaders and manifests share the folder, each named by its content hash.
function bundle(name) {
  const js = one(new RegExp(`^${name}\\.[^.]+\\.js$`), `${name} JS`);
  const loader = readFileSync(join(dir, js), 'utf8').match(/__wasm_split\.[\w-]+\.js/)?.[0];
  if (!loader) {
    console.error(`${js} imports no chunk loader (built without --split?)`);
    process.exit(1);
  }
  const loaderText = readFileSync(join(dir, loader), 'utf8');
  // The manifest whose chunks this loader fetches: split point -> the chunks it needs.
  const manifest = Object.assign(
    {},
    ...files
      .filter((f) => /^__wasm_split_manifest\..*\.json$/.test(f))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
      .filter((m) => Object.values(m).every((chunks) => chunks.every((c) => loaderText.includes(`./${c}.wasm`)))),
  );
  return { main: [one(new RegExp(`^${name}\\.[^.]+\\.wasm$`), `${name} WASM`), js, loader], manifest };
}
const chunkBytes = (chunks) => total(chunks.map((c) => `${c}.wasm`));

// The pages a first visit lands on (home, catalog, product, cart) are served as islands
// (app/src/islands.rs): the islands' bundle with the header's islands, and the page's own
// island, which is lazy (`#[island(lazy)]`), with the chunks it needs.
const islands = bundle('islands');
const islandsMain = total(islands.main);
check('first load: home (islands JS + WASM + chunk loader)', islandsMain, budgets.firstLoad);
for (const [key, chunks] of Object.entries(islands.manifest).sort()) {
  const name = key.replace(/_loader_\d+$/, '');
  check(`first load: page with ${name}`, islandsMain + chunkBytes(chunks), budgets.islandPages?.[name]);
}

// Every other page loads the app's bundle and the small loader of split chunks it imports,
// then its own chunks.
const app = bundle('storefront');
check('app bundle: main JS + WASM + chunk loader', total(app.main), budgets.appBundle);
for (const [key, chunks] of Object.entries(app.manifest).sort()) {
  // `__checkout_view_<hash>` is the split point of the checkout page's view;
  // `__optional_photo_picker_<hash>` a lazy part of a page (`#[lazy]`), loaded when it is needed.
  const view = /_view_\d+$/.test(key);
  const name = key.replace(/^__/, '').replace(/(_view)?_\d+$/, '');
  check(`${view ? 'split page' : 'lazy part'}: ${name}`, chunkBytes(chunks), budgets.splitPages[name]);
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
