// Makes the wasm-bindgen glue check types against the browser's own constructors:
// `x instanceof Element` becomes `x instanceof globalThis.Element`.
//
// A bare `Element` in the glue resolves through the page's global scope, where any classic
// script's top-level `class Element` or `let Node` comes first. localstripe's Stripe.js
// stand-in declares `class Element`: with it on the checkout page, every cast of a DOM node
// to an element failed and hydration stopped. `globalThis.Element` is always the DOM's,
// whatever another script declares. Run on the site's pkg folder before precompressing.
// Usage: node tools/glue-globals.mjs <site>/pkg
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tools/glue-globals.mjs <pkg folder>');
  process.exit(2);
}
for (const name of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
  const path = join(dir, name);
  const glue = readFileSync(path, 'utf8');
  const checked = glue.replace(/\binstanceof ([A-Z][A-Za-z0-9_]*)\b/g, 'instanceof globalThis.$1');
  if (checked !== glue) writeFileSync(path, checked);
}
