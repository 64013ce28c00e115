import { expect, type Page } from '@playwright/test';
import {
  fillContactAndAddress,
  hydrated,
  openCheckout,
  outbox,
  outboxDir,
  savedCart,
  signUp,
  test,
  uniqueEmail,
} from './helpers';

const VISA_OK = '4242 4242 4242 4242';
const MASTERCARD_OK = '5555 5555 5555 4444';
const DECLINED_FUNDS = '4000 0000 0000 9995';

async function fillCard(page: Page, number: string) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('Security code').fill('123');
}

async function pay(page: Page) {
  await page.getByRole('button', { name: /^Pay \$/ }).click();
}

async function expectConfirmation(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/orders\/CF-[A-Z0-9]{8}\?placed=1$/);
  await expect(page.getByRole('heading', { name: 'Thank you! Your order is placed.' })).toBeVisible();
  const number = (await page.getByTestId('order-number').textContent())!.trim();
  expect(number).toMatch(/^CF-[A-Z0-9]{8}$/);
  return number;
}

/** The confirmation for order `number`, which the shop sends just after answering. */
async function mailFor(number: string): Promise<string> {
  const find = () => outbox().find((m) => m.includes(number));
  await expect.poll(find, { message: `an e-mail for ${number} in ${outboxDir}` }).toBeTruthy();
  return find()!;
}

test('a guest pays by card, sees the confirmation, gets the e-mail and can look the order up', async ({ page }) => {
  await savedCart(page, [['SIG-IP17PM-CLR-CRYCLE', 1], ['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  await expect(page.getByTestId('total')).toHaveText('$35.98');
  const email = uniqueEmail('guest');
  await fillContactAndAddress(page, email);
  await fillCard(page, VISA_OK);
  await expect(page.getByText('Visa card')).toBeVisible();
  await page.getByRole('button', { name: 'Pay $35.98' }).click();

  const number = await expectConfirmation(page);
  await expect(page.getByTestId('order-total')).toHaveText('$35.98');
  await expect(page.getByText('Paid with Visa ending in 4242.')).toBeVisible();
  await expect(page.getByText('1 Compiler Way')).toBeVisible();
  await expect(page.getByText(/Standard shipping: estimated delivery/)).toBeVisible();
  await expect(page.getByTestId('cart-count')).toHaveText('');

  const mail = await mailFor(number);
  expect(mail).toContain(`To: ${email}`);
  expect(mail).toContain('text/html');
  expect(mail).toContain('text/plain');

  // The browser that placed it can come back; another browser must look it up.
  await page.reload();
  await expect(page.getByTestId('order-status')).toHaveText('Placed and paid');
  const stranger = await page.context().browser()!.newPage();
  // Not shown to another browser: it is asked for the e-mail address, the number filled in.
  await stranger.goto(`/orders/${number}`);
  await expect(stranger.getByRole('heading', { level: 1 })).toHaveText('Find your order');
  await expect(stranger.getByTestId('order-total')).toHaveCount(0);
  await hydrated(stranger);
  await stranger.getByLabel('Order number').fill(number.toLowerCase());
  await stranger.getByLabel('E-mail').fill('someone-else@example.com');
  await stranger.getByRole('button', { name: 'Find order' }).click();
  await expect(stranger.getByText("We couldn't find an order with that number and e-mail address.", { exact: false })).toBeVisible();
  await stranger.getByLabel('E-mail').fill(email);
  await stranger.getByRole('button', { name: 'Find order' }).click();
  await expect(stranger).toHaveURL(new RegExp(`/orders/${number}$`));
  await expect(stranger.getByTestId('order-total')).toHaveText('$35.98');
  await stranger.close();

  // The lookup form is a plain form: it works before (or without) the WASM.
  const noScript = await page.context().browser()!.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto('/orders/find');
  await plain.getByLabel('Order number').fill(number);
  await plain.getByLabel('E-mail').fill(email);
  await plain.getByRole('button', { name: 'Find order' }).click();
  await expect(plain).toHaveURL(new RegExp(`/orders/${number}$`));
  await expect(plain.getByTestId('order-status')).toHaveText('Placed and paid');
  await noScript.close();
});

test('after a few declined cards, card payments pause with a clear message and PayPal still works', async ({ page }) => {
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  await fillContactAndAddress(page, uniqueEmail('tester'));
  await fillCard(page, DECLINED_FUNDS);
  for (let i = 0; i < 3; i++) {
    await pay(page);
    await expect(page.getByTestId('payment-error')).toContainText('insufficient_funds');
  }
  await fillCard(page, VISA_OK);
  await pay(page);
  await expect(page.getByRole('alert').filter({ hasText: 'Card payments are paused' })).toContainText('Nothing was charged');
  await expect(page.getByLabel('Card number')).toHaveValue(VISA_OK);

  await page.getByLabel('PayPal').check();
  await page.getByRole('button', { name: /Continue to PayPal/ }).click();
  await expect(page).toHaveURL(/\/pay\/paypal\//);
});

test('a declined card shows the reason and the advice; another card then succeeds without retyping', async ({ page }) => {
  await savedCart(page, [['SIG-IP17-SLM-SAGGRE', 2]]);
  await openCheckout(page);
  const email = uniqueEmail('declined');
  await fillContactAndAddress(page, email);
  await fillCard(page, DECLINED_FUNDS);
  await pay(page);

  const error = page.getByTestId('payment-error');
  await expect(error).toContainText('Your card has insufficient funds. (code: insufficient_funds)');
  await expect(error).toContainText('Check the card details');
  await expect(error).toContainText('Try another card, or pay with PayPal.');
  await expect(error).toContainText('Contact your card issuer');
  await expect(error).toContainText('customer-care@example.com');
  // Nothing typed was lost.
  await expect(page.getByLabel('E-mail for your confirmation')).toHaveValue(email);
  await expect(page.getByLabel('Street address')).toHaveValue('1 Compiler Way');
  await expect(page.getByLabel('Expiry (MM/YY)')).toHaveValue('12/34');
  await expect(page.getByRole('list', { name: 'Items in your cart' }).getByRole('listitem')).toHaveCount(1);

  await page.getByLabel('Card number').fill(MASTERCARD_OK);
  await pay(page);
  const number = await expectConfirmation(page);
  await expect(page.getByText('Paid with Mastercard ending in 4444.')).toBeVisible();
  await mailFor(number);
});

test('wrong fields get their own messages and the first one takes the focus', async ({ page }) => {
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  await pay(page);
  await expect(page.getByLabel('E-mail for your confirmation')).toBeFocused();
  await expect(page.getByText('Enter your e-mail address.')).toBeVisible();
  await expect(page.getByText('Enter the street address.')).toBeVisible();
  await expect(page.getByText('Choose the state.')).toBeVisible();

  await fillContactAndAddress(page, uniqueEmail('fields'));
  await page.getByLabel('ZIP code').fill('2220');
  await page.getByLabel('Card number').fill('4242 4242 4242 4241');
  await page.getByLabel('Expiry (MM/YY)').fill('01/20');
  await page.getByLabel('Security code').fill('1');
  await pay(page);
  await expect(page.getByText('Enter a ZIP code like 94105 or 94105-1234 for United States.')).toBeVisible();
  await expect(page.getByText("That card number isn't valid: check it for a mistyped digit.")).toBeVisible();
  await expect(page.getByText('This card has expired. Try another card, or PayPal.')).toBeVisible();
  await expect(page.getByText('Enter the 3-digit security code from your card.')).toBeVisible();
  // Messages clear as the shopper corrects the fields.
  await page.getByLabel('ZIP code').fill('22201');
  await expect(page.getByText(/Enter a ZIP code/)).toHaveCount(0);

  // Countries the shop does not ship to cannot pay.
  await page.getByLabel('Country or region').selectOption('other');
  await expect(page.getByText("Sorry, we don't ship there yet.", { exact: false })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Pay \$/ })).toBeDisabled();
});

/** The labels of the shipping address's fields, in the order the form asks them. */
async function addressLabels(page: Page): Promise<string[]> {
  const labels = page.getByRole('group', { name: 'Shipping address' }).locator('label');
  return (await labels.allTextContents()).map((l) => l.trim());
}

test('the country comes first and the address asks what that country uses', async ({ page }) => {
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  expect(await addressLabels(page)).toEqual([
    'Country or region', 'Full name', 'Street address', 'Apartment, suite, etc. (optional)',
    'City', 'State', 'ZIP code', 'Phone, for the courier (optional)',
  ]);
  await expect(page.getByLabel('State', { exact: true }).locator('option')).toHaveCount(53);
  const email = uniqueEmail('japan');
  await fillContactAndAddress(page, email);

  // Japan: from the largest area down, a prefecture list, its own postal code format.
  await page.getByLabel('Country or region').selectOption('JP');
  expect(await addressLabels(page)).toEqual([
    'Country or region', 'Full name', 'Postal code', 'Prefecture', 'City, ward, town or village',
    'Street address', 'Building and room (optional)', 'Phone, for the courier (optional)',
  ]);
  // What was typed for the United States is kept; the state is not a prefecture.
  await expect(page.getByLabel('Street address')).toHaveValue('1 Compiler Way');
  await expect(page.getByLabel('Prefecture')).toHaveValue('');
  await page.getByLabel('Postal code').fill('22201');
  await fillCard(page, VISA_OK);
  await pay(page);
  await expect(page.getByText('Choose the prefecture.')).toBeVisible();
  await expect(page.getByText('Enter a postal code like 100-0001 for Japan.')).toBeVisible();
  await expect(page.getByLabel('Postal code')).toBeFocused();

  // Germany has no state line; switching there and back keeps the address typed.
  await page.getByLabel('Country or region').selectOption('DE');
  expect(await addressLabels(page)).toEqual([
    'Country or region', 'Full name', 'Street address', 'Apartment, suite, etc. (optional)',
    'Postcode', 'Town or city', 'Phone, for the courier (optional)',
  ]);
  await page.getByLabel('Country or region').selectOption('JP');
  await page.getByLabel('Postal code').fill('1000001');
  await page.getByLabel('Prefecture').selectOption('Tokyo');
  await page.getByLabel('City, ward, town or village').fill('Chiyoda');
  await expect(page.getByText(/Choose the prefecture|Enter a postal code/)).toHaveCount(0);
  await pay(page);
  const number = await expectConfirmation(page);
  const address = page.locator('address.address');
  await expect(address).toContainText('Chiyoda, Tokyo, 100-0001');
  await expect(address).toContainText('Japan');
  await mailFor(number);
});

test('PayPal: cancelling keeps everything, approving places the order', async ({ page }) => {
  await savedCart(page, [['SIG-IP17-MAG-OCEBLU', 1]]);
  await openCheckout(page);
  const email = uniqueEmail('paypal');
  await fillContactAndAddress(page, email);
  await page.getByLabel('PayPal').check();
  await expect(page.getByLabel('Card number')).toHaveCount(0);
  await page.getByRole('button', { name: /Continue to PayPal/ }).click();

  // The test gateway's PayPal page is the app's: the checkout's island loads it, and its
  // buttons answer once it has hydrated.
  await expect(page).toHaveURL(/\/pay\/paypal\//);
  await hydrated(page);
  await expect(page.getByText('PayPal · test mode')).toBeVisible();
  await expect(page.getByTestId('paypal-amount')).toHaveText('$34.99');
  await page.getByRole('button', { name: 'Cancel and return to the shop' }).click();

  await expect(page).toHaveURL(/\/checkout\?payment=paypal_cancelled$/);
  await expect(page.getByTestId('payment-error')).toContainText('You cancelled the PayPal payment');
  await expect(page.getByLabel('E-mail for your confirmation')).toHaveValue(email);
  await expect(page.getByLabel('Street address')).toHaveValue('1 Compiler Way');
  await expect(page.getByLabel('PayPal')).toBeChecked();
  await expect(page.getByTestId('total')).toHaveText('$34.99');

  await page.getByRole('button', { name: /Continue to PayPal/ }).click();
  await expect(page).toHaveURL(/\/pay\/paypal\//);
  await hydrated(page);
  await page.getByRole('button', { name: 'Approve and pay' }).click();
  const number = await expectConfirmation(page);
  await expect(page.getByText('Paid with PayPal.')).toBeVisible();
  await mailFor(number);
});

test('a signed-up shopper checks out, finds the order in the history; another account cannot open it', async ({ page, browser }) => {
  const email = uniqueEmail('owner');
  await savedCart(page, [['GRP-MIDBLA', 2]]);
  await signUp(page, 'Olive Owner', email);
  await openCheckout(page);
  await expect(page.getByLabel('E-mail for your confirmation')).toHaveValue(email);
  await fillContactAndAddress(page, email);
  await fillCard(page, VISA_OK);
  await pay(page);
  const number = await expectConfirmation(page);

  await page.goto('/account');
  await page.getByRole('link', { name: 'Your orders' }).click();
  await expect(page).toHaveURL(/\/account\/orders$/);
  const orders = page.getByRole('list', { name: 'Orders' }).getByRole('listitem');
  await expect(orders).toHaveCount(1);
  await expect(orders.first()).toContainText(number);
  await expect(orders.first()).toContainText('2 items');
  await orders.first().getByRole('link', { name: number }).click();
  await expect(page.getByRole('heading', { name: `Order ${number}` })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  await expect(page.getByText('Order placed and payment received.')).toBeVisible();

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signUp(otherPage, 'Nosy Neighbour', uniqueEmail('nosy'));
  // Someone else's order is not shown: they are asked for its e-mail address instead.
  await otherPage.goto(`/orders/${number}`);
  await expect(otherPage.getByRole('heading', { level: 1 })).toHaveText('Find your order');
  await expect(otherPage.getByLabel('Order number')).toHaveValue(number);
  await expect(otherPage.getByText('Order placed and payment received.')).toHaveCount(0);
  await otherPage.goto('/account/orders');
  await expect(otherPage.getByText("You haven't placed any orders yet.")).toBeVisible();
  await other.close();
});

test('history needs a signed-in shopper', async ({ page }) => {
  const response = await page.goto('/account/orders');
  expect(response?.status()).toBe(401);
  await expect(page.getByText('Please sign in to see your orders.', { exact: false })).toBeVisible();
});

test('stock bought by someone else meanwhile is shown before paying, and nothing is charged', async ({ page, browser }, testInfo) => {
  // $29.99, two in stock: one SKU per project, as both projects share the server.
  const sku = testInfo.project.name === 'desktop' ? 'SIG-IP17-MAG-MIDBLA' : 'SIG-PX10-MAG-OCEBLU';
  await savedCart(page, [[sku, 2]]);
  await openCheckout(page);
  await expect(page.getByTestId('total')).toHaveText('$59.98');
  await fillContactAndAddress(page, uniqueEmail('slow'));
  await fillCard(page, VISA_OK);

  // Another shopper buys one of the two first.
  const other = await browser.newContext();
  const quick = await other.newPage();
  await savedCart(quick, [[sku, 1]]);
  await openCheckout(quick);
  await fillContactAndAddress(quick, uniqueEmail('quick'));
  await fillCard(quick, VISA_OK);
  await pay(quick);
  await expectConfirmation(quick);
  await other.close();

  await page.getByRole('button', { name: 'Pay $59.98' }).click();
  const changes = page.getByTestId('cart-changes');
  await expect(changes).toContainText('nothing was charged');
  await expect(changes).toContainText(/Only 1 of .* are left/);
  await expect(page.getByTestId('total')).toHaveText('$34.99');
  await expect(page.getByLabel('Card number')).toHaveValue(VISA_OK);

  await page.getByRole('button', { name: 'Pay $34.99' }).click();
  await expectConfirmation(page);
  await expect(page.getByTestId('order-total')).toHaveText('$34.99');
});

test('signing in from checkout comes back to checkout with the account filled in', async ({ page }) => {
  const email = uniqueEmail('returning');
  await signUp(page, 'Rita Returning', email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();

  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  await page.getByRole('link', { name: 'Sign in', exact: true }).last().click();
  await expect(page).toHaveURL(/\/account\/sign-in\?next=\/checkout$/);
  await hydrated(page);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(page.getByLabel('E-mail for your confirmation')).toHaveValue(email);
  await expect(page.getByText('Checking out as a guest.')).toHaveCount(0);
});
