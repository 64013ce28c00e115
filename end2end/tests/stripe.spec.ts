import { expect, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { stripeDataDir } from '../playwright.config';
import { adminPage, checked as test, fillContactAndAddress, hydrated, savedCart, uniqueEmail } from './helpers';

// The shop on this project takes cards through Stripe (localstripe and its Stripe.js
// stand-in, at a phone's 360 px): the card is typed into Stripe's own field. These tests send
// no X-Forwarded-For of their own (the other specs' `test` does, for rate limits): Stripe.js
// calls localstripe from the page, and an extra header there would need a CORS preflight
// that localstripe refuses. They decline one card in all, far from the limit.

const localstripe = process.env.LOCALSTRIPE_URL ?? 'http://127.0.0.1:8420';

async function openStripeCheckout(page: Page) {
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await page.goto('/checkout');
  await hydrated(page);
  await expect(page.getByTestId('total')).toHaveText('$20.99');
  await expect(page.getByTestId('test-mode')).toContainText('Stripe test mode');
  // Stripe's field, inside the shop's labelled card group.
  await expect(page.getByRole('group', { name: 'Card' }).getByPlaceholder('number')).toBeVisible();
}

async function fillStripeCard(page: Page, number: string) {
  const card = page.getByRole('group', { name: 'Card' });
  await card.getByPlaceholder('number').fill(number);
  await card.getByPlaceholder('exp_month').fill('12');
  await card.getByPlaceholder('exp_year').fill('35');
  await card.getByPlaceholder('cvc').fill('123');
}

async function pay(page: Page) {
  await page.getByRole('button', { name: 'Pay $20.99' }).click();
}

async function expectPlaced(page: Page) {
  await expect(page).toHaveURL(/\/orders\/CF-[A-Z0-9]{8}\?placed=1$/);
  await expect(page.getByRole('heading', { name: 'Thank you! Your order is placed.' })).toBeVisible();
  await expect(page.getByText('Paid with Visa ending in 4242.')).toBeVisible();
}

test('a card typed into Stripe’s field pays, and its number never reaches the shop', async ({ page, baseURL }) => {
  const toShop: string[] = [];
  const toStripe: string[] = [];
  page.on('request', (request) => {
    const sent = `${request.url()} ${request.postDataBuffer()?.toString('latin1') ?? ''}`;
    if (request.url().startsWith(baseURL!)) toShop.push(sent);
    if (request.url().startsWith(localstripe)) toStripe.push(sent);
  });
  await openStripeCheckout(page);
  await fillContactAndAddress(page, uniqueEmail('stripe'));
  await fillStripeCard(page, '4242424242424242');
  await pay(page);
  await expectPlaced(page);
  // The number went to Stripe (so this check can see it), and nowhere else.
  expect(toStripe.some((r) => r.includes('4242424242424242'))).toBe(true);
  expect(toShop.length).toBeGreaterThan(0);
  for (const sent of toShop) expect(sent).not.toContain('4242424242424242');
});

test('a declined card says why and keeps everything typed; another card then pays', async ({ page }) => {
  await openStripeCheckout(page);
  const email = uniqueEmail('declined');
  await fillContactAndAddress(page, email);
  await fillStripeCard(page, '4000000000000341');
  await pay(page);
  const error = page.getByTestId('payment-error');
  await expect(error).toContainText('Your card was declined. (code: card_declined)');
  await expect(page.getByLabel('E-mail for your confirmation')).toHaveValue(email);
  await expect(page.getByLabel('Street address')).toHaveValue('1 Compiler Way');
  await fillStripeCard(page, '4242424242424242');
  await pay(page);
  await expectPlaced(page);
});

test('a card whose bank asks for 3-D Secure pays once the shopper confirms', async ({ page }) => {
  await openStripeCheckout(page);
  await fillContactAndAddress(page, uniqueEmail('3ds'));
  await fillStripeCard(page, '4000002500003155');
  await pay(page);
  // Stripe.js shows the bank's challenge (localstripe's stand-in: confirm or fail).
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await expect(page).toHaveURL(/\/orders\/CF-[A-Z0-9]{8}\?placed=1$/);
  await expect(page.getByText('Paid with Visa ending in 3155.')).toBeVisible();
});

test('a failed 3-D Secure challenge releases the order with the advice, and the form stays', async ({ page }) => {
  await openStripeCheckout(page);
  const email = uniqueEmail('3ds-fail');
  await fillContactAndAddress(page, email);
  await fillStripeCard(page, '4000002500003155');
  await pay(page);
  await page.getByRole('button', { name: 'Fail authentication' }).click();
  await expect(page.getByTestId('payment-error')).toContainText('3-D Secure');
  await expect(page.getByLabel('E-mail for your confirmation')).toHaveValue(email);
});

test('Stripe.js is fetched on the checkout page only', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(localstripe)) fetched.push(request.url());
  });
  await page.goto('/');
  await page.goto('/shop');
  await page.goto('/help');
  expect(fetched).toEqual([]);
});

test('a shopper whose page never comes back from 3-D Secure is placed by Stripe’s own webhook', async ({ page, baseURL, request }) => {
  // localstripe sends its events to the shop's webhook, signed with the shop's secret.
  const configured = await request.post(`${localstripe}/_config/webhooks/casefront-e2e`, {
    form: { url: `${baseURL}/webhooks/stripe`, secret: 'whsec_casefront', 'events[]': 'payment_intent.succeeded' },
  });
  expect(configured.ok()).toBe(true);
  let number = '';
  // The page's request to finish the payment is lost, as if the phone lost its connection.
  await page.route('**/api/finish_card_payment*', async (route) => {
    number = new URLSearchParams(route.request().postData() ?? '').get('number') ?? '';
    await route.abort();
  });
  await openStripeCheckout(page);
  await fillContactAndAddress(page, uniqueEmail('webhook'));
  await fillStripeCard(page, '4000002500003155');
  await pay(page);
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await expect.poll(() => number).toMatch(/^CF-[A-Z0-9]{8}$/);
  // The guest's browser may open the order: Stripe's event has placed it.
  await expect
    .poll(async () => {
      await page.goto(`/orders/${number}`);
      const status = await page.getByTestId('order-status').textContent({ timeout: 1_000 }).catch(() => null);
      return status?.trim();
    }, { timeout: 20_000 })
    .toBe('Placed and paid');
});

test('Stripe’s own message about the card shows beside its field, and nothing is sent to the shop', async ({ page, baseURL }) => {
  const checkouts: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(`${baseURL}/api/submit_order`)) checkouts.push(request.url());
  });
  await openStripeCheckout(page);
  await fillContactAndAddress(page, uniqueEmail('bad-card'));
  // Too short: Stripe refuses to make a token of it.
  await fillStripeCard(page, '4242424242424');
  await pay(page);
  const message = page.locator('#checkout-card-error');
  await expect(message).toHaveText(/\S/);
  await expect(page.getByRole('group', { name: 'Card' })).toHaveAttribute('aria-describedby', 'checkout-card-error');
  await expect(page.getByRole('button', { name: 'Pay $20.99' })).toBeEnabled();
  expect(checkouts).toEqual([]);
});

test('a payment disputed at the bank shows on the staff order page', async ({ page, baseURL, browser, request }) => {
  // A 3-D Secure card: the page asks localstripe to authenticate its PaymentIntent by id.
  let intent = '';
  page.on('request', (r) => {
    const id = r.url().match(/\/v1\/payment_intents\/(pi_\w+)\/_authenticate/)?.[1];
    if (id) intent = id;
  });
  await openStripeCheckout(page);
  await fillContactAndAddress(page, uniqueEmail('dispute'));
  await fillStripeCard(page, '4000002500003155');
  await pay(page);
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await expect(page).toHaveURL(/\/orders\/CF-[A-Z0-9]{8}\?placed=1$/);
  const number = page.url().match(/CF-[A-Z0-9]{8}/)![0];
  expect(intent).toMatch(/^pi_/);

  // Stripe tells the shop the card holder disputed it (localstripe sends no charge.* events).
  const body = JSON.stringify({
    id: `evt_dispute_${Date.now()}`, object: 'event', type: 'charge.dispute.created',
    data: { object: { id: 'dp_e2e', object: 'dispute', payment_intent: intent, amount: 2099, reason: 'fraudulent' } },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', 'whsec_casefront').update(`${t}.${body}`).digest('hex');
  const delivered = await request.post(`${baseURL}/webhooks/stripe`, {
    data: body,
    headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${v1}` },
  });
  expect(delivered.status()).toBe(200);

  const staff = await adminPage(browser, 'dispute-admin', stripeDataDir(new URL(baseURL!).port));
  await staff.goto(`/admin/orders/${number}`);
  await hydrated(staff);
  await expect(staff.getByTestId('dispute')).toContainText('Payment disputed');
  await expect(staff.getByTestId('dispute')).toContainText('fraudulent');
  await staff.context().close();
});
