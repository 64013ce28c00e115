// Replays guest card checkouts of one item against a running shop, `concurrency` at a time,
// each with a fresh idempotency key, and prints what came back: how many were placed, every
// other answer by kind, checkouts per second and latency percentiles.
//
//   node tools/load/checkout-burst.mjs --url http://127.0.0.1:3200 --sku GRP-MIDBLA \
//        --concurrency 64 --total 1000
//
// --url may name several instances (comma-separated): checkouts go to each in turn.
// --twice sends every checkout to two instances at once with the same key, as a shopper's
// retry through a load balancer would: both answers must name the same order.
// --placed FILE writes the numbers of the orders the shop confirmed, one a line.
// --stripe URL pays through Stripe (the shop started with SHOP_PAYMENTS=stripe): each
// checkout first gets a card token from the Stripe at URL (localstripe) with the publishable
// key, as Stripe.js does in the shopper's browser; that step is not in the latencies.
// Exits 0 only if every checkout was placed (with --allow-sold-out, the shop may also say
// the cart changed, as it does once the last units are gone).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3200' },
    twice: { type: 'boolean', default: false },
    placed: { type: 'string' },
    stripe: { type: 'string' },
    'publishable-key': { type: 'string', default: 'pk_test_casefront' },
    'allow-sold-out': { type: 'boolean', default: false },
    sku: { type: 'string', default: 'GRP-MIDBLA' },
    concurrency: { type: 'string', default: '64' },
    total: { type: 'string', default: '1000' },
  },
});
const bases = values.url.split(',').map((u) => u.trim().replace(/\/$/, ''));
const base = bases[0];
const concurrency = Number(values.concurrency);
const total = Number(values.total);
const headers = (to) => ({ 'content-type': 'application/json', origin: to });
const cart = { lines: [{ sku: values.sku, quantity: 1 }], coupon: null, method: 'Standard' };

const priced = await (await fetch(`${base}/api/price_cart`, {
  method: 'POST',
  headers: headers(base),
  body: JSON.stringify({ request: cart }),
})).json();
const item = priced.items.find((i) => i.sku === values.sku);
if (!item || (item.stock < total && !values['allow-sold-out'])) {
  console.error(`need ${total} of ${values.sku} in stock, the shop has ${item?.stock ?? 0}`);
  process.exit(2);
}
const seen = { unit_prices: [[values.sku, item.unit_price]], total: priced.quote.total };

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
/** The card: a Stripe token when paying through Stripe, else the test gateway's typed Visa. */
async function card() {
  if (!values.stripe) return { Card: { number: '4242 4242 4242 4242', expiry: '12/35', cvc: '123' } };
  const form = new URLSearchParams({
    'card[number]': '4242424242424242', 'card[exp_month]': '12', 'card[exp_year]': '2035',
    'card[cvc]': '123', key: values['publishable-key'],
  });
  const token = await (await fetch(`${values.stripe.replace(/\/$/, '')}/v1/tokens`, { method: 'POST', body: form })).json();
  return { CardToken: token.id };
}

function checkout(i, payment) {
  return {
    request: {
      idempotency_key: `load-${run}-${i}`.padEnd(16, '0'),
      email: `load-${run}-${i}@example.com`,
      address: {
        name: 'Load Test', line1: '1 Compiler Way', line2: '', city: 'Springfield',
        region: 'IL', postcode: '62701', country: 'US', phone: '',
      },
      cart,
      seen,
      payment,
    },
  };
}

const outcomes = new Map();
const latencies = [];
const confirmed = [];
let next = 0;

/** One checkout sent to one instance: the kind of answer, and the order number if placed. */
async function send(to, body) {
  try {
    const response = await fetch(`${to}/api/place_order`, { method: 'POST', headers: headers(to), body });
    const text = await response.text();
    if (!response.ok) return { kind: `HTTP ${response.status} ${text.slice(0, 60)}` };
    const answer = JSON.parse(text);
    const kind = typeof answer === 'string' ? answer : Object.keys(answer)[0];
    return { kind, number: answer.Placed?.number };
  } catch (error) {
    return { kind: `network error: ${error.cause?.code ?? error.message}` };
  }
}

async function worker() {
  while (next < total) {
    const i = next++;
    const body = JSON.stringify(checkout(i, await card()));
    const started = performance.now();
    let answer;
    if (values.twice) {
      const [a, b] = await Promise.all([send(bases[0], body), send(bases[1 % bases.length], body)]);
      answer = a.kind === b.kind && a.number === b.number ? a : { kind: `different answers: ${a.kind} ${a.number} / ${b.kind} ${b.number}` };
    } else {
      answer = await send(bases[i % bases.length], body);
    }
    latencies.push(performance.now() - started);
    outcomes.set(answer.kind, (outcomes.get(answer.kind) ?? 0) + 1);
    if (answer.number) confirmed.push(answer.number);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const placed = outcomes.get('Placed') ?? 0;
console.log(`checkouts: ${total}, ${concurrency} at a time, in ${seconds.toFixed(2)} s`);
for (const [kind, n] of [...outcomes].sort((a, b) => b[1] - a[1])) console.log(`  ${kind}: ${n}`);
console.log(`placed per second: ${(placed / seconds).toFixed(0)}`);
console.log(`latency ms: p50 ${percentile(50).toFixed(0)}, p90 ${percentile(90).toFixed(0)}, p99 ${percentile(99).toFixed(0)}, max ${latencies[latencies.length - 1].toFixed(0)}`);
console.log(JSON.stringify({ total, concurrency, seconds, placed, perSecond: placed / seconds, p50: percentile(50), p99: percentile(99), outcomes: Object.fromEntries(outcomes) }));
if (values.placed) (await import('node:fs')).writeFileSync(values.placed, confirmed.join('\n') + '\n');
const soldOut = values['allow-sold-out'] ? outcomes.get('CartChanged') ?? 0 : 0;
process.exit(placed + soldOut === total ? 0 : 1);
