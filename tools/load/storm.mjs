// Clients that leave mid-page, against a running shop (issue 32). Three kinds of run:
//
//   node tools/load/storm.mjs steady --url URL --seconds 10 --concurrency 64
//       whole requests on kept-alive connections, as browsers send them; prints requests/s
//   node tools/load/storm.mjs drops --url URL --rounds 12 --concurrency 64
//       the reproduction: per round and per page (product, catalog, home), 64
//       connections request the page for one second, then all of them go with their
//       requests in flight
//   node tools/load/storm.mjs storm --url URL --seconds 60 --concurrency 64 [--sku SKU]
//       mixed pages and server functions (pricing, and guest checkouts when --sku names an
//       item in stock), each client leaving at a random point: as soon as its request is
//       sent, after a few milliseconds, after the first bytes of the answer, or never
//
// Every request carries a browser's headers (compression, a returning shopper's cookie).
// Prints one JSON line of figures last. Exits 1 if the shop answered any request it was
// left to finish with a 5xx, or refused or reset a connection.
import { parseArgs } from 'node:util';
import http from 'node:http';
import net from 'node:net';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3200' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '12' },
    concurrency: { type: 'string', default: '64' },
    sku: { type: 'string' },
  },
});
const mode = positionals[0] ?? 'storm';
const target = new URL(values.url);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const BROWSER = {
  'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br, zstd',
  // A returning shopper: a session cookie the shop no longer knows, so every page looks it up.
  cookie: 'casefront_session=5f0c3a9e1b7d2c4e6a8f0b1d3c5e7a9f',
};
const PAGES = [
  '/', '/shop', '/shop?category=cases', '/products/signature-case', '/help',
  '/help/shipping-costs', '/search?q=clear+case', '/cart', '/checkout', '/orders/find',
  '/warranty/claim', '/support/new', '/account/sign-in', '/admin', '/no-such-page',
];
const PRODUCT_PAGES = ['/products/signature-case', '/shop', '/'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

const figures = { mode, sent: 0, answered: 0, left: 0, serverErrors: 0, refused: 0, byStatus: {} };
const problems = [];
function answered(status, what) {
  figures.answered += 1;
  figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1;
  if (status >= 500) {
    figures.serverErrors += 1;
    if (problems.length < 10) problems.push(`${status} for ${what}`);
  }
}
function failed(error, what) {
  figures.refused += 1;
  if (problems.length < 10) problems.push(`${error.code ?? error.message} for ${what}`);
}

/** Kept-alive requests of `paths`, whole, until `stop()`; after it, a failure is a request left. */
async function steadyLoop(agent, paths, stop) {
  while (!stop()) {
    const path = pick(paths);
    figures.sent += 1;
    try {
      const status = await new Promise((resolve, reject) => {
        const request = http.get({ host: target.hostname, port: target.port, path, agent, headers: BROWSER }, (response) => {
          response.on('data', () => {});
          response.on('end', () => resolve(response.statusCode));
          response.on('error', reject);
        });
        request.on('error', reject);
      });
      answered(status, path);
    } catch (error) {
      if (stop()) figures.left += 1;
      else failed(error, path);
    }
  }
}

async function steady() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const started = Date.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, () => steadyLoop(agent, PAGES.slice(0, 5), () => Date.now() >= until)));
  agent.destroy();
  figures.requestsPerSecond = Math.round(figures.answered / ((Date.now() - started) / 1000));
}

/** wrk's way of ending a run: every connection closed with its request in flight. */
async function drops() {
  for (let round = 0; round < Number(values.rounds); round += 1) {
    for (const path of PRODUCT_PAGES) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      let stopped = false;
      const loops = Promise.all(Array.from({ length: concurrency }, () => steadyLoop(agent, [path], () => stopped)));
      await sleep(1000);
      stopped = true;
      for (const sockets of Object.values(agent.sockets)) for (const socket of sockets) socket.destroy();
      agent.destroy();
      // Each loop ends on its destroyed socket's error, counted as a request left.
      await loops;
    }
  }
}

/** One request on a connection of its own, left at a random point. */
function raw(method, path, body, contentType) {
  const how = pick(['at once', 'after a moment', 'after the first bytes', 'never']);
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port) });
    let received = '';
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve();
      }
    };
    const leave = () => {
      figures.left += 1;
      socket.destroy();
      finish();
    };
    socket.on('connect', () => {
      const head = [
        `${method} ${path} HTTP/1.1`,
        `host: ${target.host}`,
        ...Object.entries(BROWSER).map(([k, v]) => `${k}: ${v}`),
        'connection: close',
      ];
      if (body !== undefined) {
        head.push(`content-type: ${contentType}`, `content-length: ${Buffer.byteLength(body)}`, `origin: ${target.origin}`);
      }
      socket.write(`${head.join('\r\n')}\r\n\r\n${body ?? ''}`);
      figures.sent += 1;
      if (how === 'at once') leave();
      else if (how === 'after a moment') setTimeout(leave, Math.random() * 40);
    });
    socket.on('data', (chunk) => {
      if (done) return;
      if (how === 'after the first bytes') return leave();
      received += chunk.toString('latin1', 0, Math.min(chunk.length, 64));
    });
    socket.on('end', () => {
      if (done) return;
      const status = Number(received.slice(9, 12));
      answered(status, `${method} ${path}`);
      finish();
    });
    socket.on('error', (error) => {
      if (!done) failed(error, `${method} ${path}`);
      finish();
    });
  });
}

async function storm() {
  const cart = (sku) => ({ lines: [{ sku, quantity: 1 }], coupon: null, method: 'Standard' });
  let checkout;
  if (values.sku) {
    const priced = await (await fetch(`${target.origin}/api/price_cart`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: target.origin },
      body: JSON.stringify({ request: cart(values.sku) }),
    })).json();
    const item = priced.items.find((i) => i.sku === values.sku);
    const seen = { unit_prices: [[values.sku, item.unit_price]], total: priced.quote.total };
    const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    let n = 0;
    checkout = () => {
      n += 1;
      return JSON.stringify({
        request: {
          idempotency_key: `storm-${run}-${n}`.padEnd(16, '0'),
          email: `storm-${run}-${n}@example.com`,
          address: {
            name: 'Storm Test', line1: '1 Compiler Way', line2: '', city: 'Springfield',
            region: 'IL', postcode: '62701', country: 'US', phone: '',
          },
          cart: cart(values.sku),
          seen,
          payment: { Card: { number: '4242 4242 4242 4242', expiry: '12/35', cvc: '123' } },
        },
      });
    };
  }
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < until) {
      const roll = Math.random();
      if (checkout && roll < 0.1) {
        await raw('POST', '/api/place_order', checkout(), 'application/json');
      } else if (roll < 0.25) {
        const sku = values.sku ?? 'GRP-MIDBLA';
        await raw('POST', '/api/price_cart', JSON.stringify({ request: cart(sku) }), 'application/json');
      } else {
        await raw('GET', pick(PAGES));
      }
    }
  }));
  figures.requestsPerSecond = Math.round(figures.sent / ((Date.now() - started) / 1000));
}

const runs = { steady, drops, storm };
if (!runs[mode]) {
  console.error(`unknown run: ${mode} (steady, drops or storm)`);
  process.exit(2);
}
await runs[mode]();
for (const problem of problems) console.error(problem);
console.log(JSON.stringify(figures));
process.exit(figures.serverErrors || figures.refused ? 1 : 0);
