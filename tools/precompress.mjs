// Writes .br and .gz copies of the built JS, WASM and CSS beside them, at the highest
// settings, so the server sends them ready-compressed instead of compressing per request.
// Usage: node tools/precompress.mjs <site>/pkg
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tools/precompress.mjs <pkg folder>');
  process.exit(2);
}
for (const name of readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f))) {
  const data = readFileSync(join(dir, name));
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  writeFileSync(join(dir, `${name}.br`), br);
  writeFileSync(join(dir, `${name}.gz`), gzipSync(data, { level: 9 }));
  console.log(`${name}: ${data.length} bytes, ${br.length} brotli`);
}
