// Running the shop from the dashboards: the catalog and its prices, promo codes, and refunds,
// each seen from the storefront or by the shopper as well.
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import {
  adminPage,
  fillContactAndAddress,
  hydrated,
  mailTo,
  openCheckout,
  payByCard,
  pngPhoto,
  savedCart,
  shipOrder,
  signUp,
  test,
  uniqueEmail,
  staffSection,
} from './helpers';

const CLEAR = 'SIG-IP17PM-CLR-CRYCLE';
const GRIP = 'GRP-MIDBLA';

async function section(page: Page, name: string) {
  await staffSection(page, name);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await hydrated(page);
}

test('an admin adds a product, shows it and changes its price; the shop follows at once', async ({ page, browser }) => {
  test.slow();
  const admin = await adminPage(browser, 'catalog');
  await section(admin, 'Products');
  const name = `Travel Strap ${Date.now().toString(36)}`;
  await admin.getByLabel('Name', { exact: true }).fill(name);
  await admin.getByLabel('Category').selectOption('accessories');
  await admin.getByLabel('Tagline').fill('A wrist strap for days out.');
  await admin.getByLabel('Description').fill('Woven, with a clip that fits any case.');
  await admin.getByLabel('Name of the style option (such as Case type)').fill('Length');
  await admin.getByRole('button', { name: 'Create product' }).click();
  await expect(admin.getByTestId('product-name')).toHaveText(name);
  await hydrated(admin);
  const slug = new URL(admin.url()).pathname.split('/').pop()!;

  // A variant with a price that is not one is refused, with what was typed kept.
  await admin.getByLabel('Colour').selectOption('Sand');
  await admin.getByLabel("Picture (the shop's own drawings)").selectOption('strap');
  await admin.locator('#variant-price').fill('twelve');
  await admin.locator('#variant-stock').fill('5');
  await admin.getByRole('button', { name: 'Add variant' }).click();
  await expect(admin.getByText('Enter a price in dollars, such as 19.99.')).toBeVisible();
  await admin.locator('#variant-price').fill('12');
  await admin.getByRole('button', { name: 'Add variant' }).click();
  const variant = admin.getByTestId('variant');
  await expect(variant).toHaveCount(1);
  await expect(variant.getByTestId('variant-stock')).toHaveText('5');

  // Hidden until shown.
  expect((await page.goto(`/products/${slug}`))?.status()).toBe(404);
  await admin.getByLabel('Shown in the shop').check();
  await admin.getByRole('button', { name: 'Save product' }).click();
  await expect(admin.getByText('Saved. The shop shows the change now.')).toBeVisible();
  await expect(admin.getByRole('link', { name: 'See it in the shop' })).toHaveAttribute('href', `/products/${slug}`);
  await page.goto(`/products/${slug}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByTestId('price')).toHaveText('$12.00');

  // A row's price is saved where it is typed, without reading the page again.
  const price = variant.getByRole('textbox', { name: 'Price of Sand' });
  await price.fill('13.50');
  await price.press('Tab');
  // The reload waits for the save: the typed value alone says nothing about the server.
  await expect(admin.getByTestId('variant-saved')).toHaveText('Saved Sand. The shop shows it now.');
  await expect(price).toHaveValue('13.50');
  await page.reload();
  await expect(page.getByTestId('price')).toHaveText('$13.50');

  // Everything else is done to the selection: nothing can be until a variant is ticked.
  await expect(admin.getByRole('button', { name: 'Adjust stock' })).toBeDisabled();
  await variant.getByRole('checkbox', { name: 'Select Sand' }).check();
  await expect(admin.getByTestId('selected-count')).toHaveText('1 selected');
  await expect(admin.getByRole('group', { name: 'Change the 1 variant selected' })).toBeVisible();

  // A photo replaces the drawing, in the shop too; a file that is not a picture is refused by
  // name; and the drawing can come back.
  const upload = admin.getByLabel('Or upload a photo (one variant selected)');
  await upload.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Notes, not a photo.') });
  await expect(admin.getByTestId('selection-error')).toHaveText(/^notes\.txt is not a JPEG, PNG or WebP picture/);
  await upload.setInputFiles({ name: 'strap.png', mimeType: 'image/png', buffer: pngPhoto(300, 200, [30, 120, 60]) });
  const picture = variant.locator('img');
  await expect(picture).toHaveAttribute('src', /^\/pictures\/[0-9a-f]{32}\.jpg$/);
  await expect(admin.getByTestId('selection-error')).toHaveText('');
  const src = (await picture.getAttribute('src'))!;
  await page.reload();
  const shown = page.locator(`img[src="${src}"]`).first();
  await expect(shown).toBeVisible();
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(300);
  await admin.getByLabel('Drawing', { exact: true }).selectOption('strap');
  await admin.getByRole('button', { name: 'Use drawing' }).click();
  await expect(picture).toHaveAttribute('src', '/img/strap/sand.svg');

  // Off sale and on again, and a price for the whole selection.
  await admin.getByRole('button', { name: 'Take off sale' }).click();
  await expect(variant.getByRole('checkbox', { name: 'Sand on sale' })).not.toBeChecked();
  await admin.getByRole('button', { name: 'Put on sale' }).click();
  await expect(variant.getByRole('checkbox', { name: 'Sand on sale' })).toBeChecked();
  await admin.getByLabel('New price ($)').fill('14');
  await admin.getByRole('button', { name: 'Set price' }).click();
  await expect(price).toHaveValue('14.00');
  await expect(admin.getByLabel('New price ($)')).toHaveValue('');

  // Stock never goes below zero; an adjustment is kept in the history with its reason.
  const sku = (await variant.getAttribute('data-sku'))!;
  await admin.getByLabel('Add or remove units').fill('-7');
  await admin.getByLabel('Reason').fill('Recount');
  await admin.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(admin.getByTestId('selection-error')).toHaveText(`Only 5 of ${sku} in stock: it cannot go below zero. Nothing was changed.`);
  // What was typed stays for correcting.
  await expect(admin.getByLabel('Reason')).toHaveValue('Recount');
  await admin.getByLabel('Add or remove units').fill('-2');
  await admin.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(variant.getByTestId('variant-stock')).toHaveText('3');
  await expect(admin.getByTestId('movements')).toContainText('Recount');
  await expect(admin.getByTestId('movements')).toContainText('opening stock');
  await admin.context().close();
});

test('the variant table filters 195 variants, changes a selection once and keeps the scroll position', async ({ browser }) => {
  test.slow();
  const admin = await adminPage(browser, 'variants');
  await admin.goto('/admin/products/signature-case');
  await hydrated(admin);
  const count = admin.getByTestId('variant-count');
  const total = Number(/ of (\d+) variants/.exec((await count.textContent())!)![1]);
  expect(total).toBeGreaterThan(150);
  await expect(count).toContainText(`Showing ${total} of ${total} variants`);
  const shownRows = admin.locator('tr[data-testid="variant"]:not([hidden])');
  const filters = admin.getByRole('search', { name: 'Filter the variants' });

  // Filters apply at once, and together.
  await filters.getByLabel('Type').selectOption('Rugged');
  await filters.getByLabel('Colour').selectOption('Graphite');
  const rugged = await shownRows.count();
  expect(rugged).toBeGreaterThanOrEqual(12);
  await expect(count).toContainText(`Showing ${rugged} of ${total} variants`);
  for (const name of await shownRows.locator('th').allTextContents()) {
    expect(name).toContain('Rugged · Graphite');
  }
  await filters.getByLabel('Stock').selectOption('in-stock');
  const inStock = await shownRows.count();
  expect(inStock).toBeGreaterThan(0);
  expect(inStock).toBeLessThanOrEqual(rugged);

  // Every variant shown, selected at once; the table is long, so the selection's form is
  // reached by scrolling, and the page must stay where it is after the change.
  await admin.getByRole('checkbox', { name: 'Select every variant shown' }).check();
  await expect(admin.getByTestId('selected-count')).toHaveText(`${inStock} selected`);
  const stockOf = async () => (await shownRows.getByTestId('variant-stock').allTextContents()).map(Number);
  const before = await stockOf();
  await admin.getByLabel('Add or remove units').fill('+20');
  await admin.getByLabel('Reason').fill('restock');
  // The button near the top of the window, with the long table below it.
  const scrolled = await admin.getByRole('button', { name: 'Adjust stock' }).evaluate((button) => {
    window.scrollTo(0, button.getBoundingClientRect().top + window.scrollY - 120);
    return window.scrollY;
  });
  expect(scrolled).toBeGreaterThan(0);
  await admin.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(admin.getByTestId('selection-done')).toHaveText('Done. The shop shows the change now.');
  await expect.poll(stockOf).toEqual(before.map((n) => n + 20));
  // Where staff were, give or take the line saying it is done (the browser keeps what is in
  // view in place): not back at the top, as a page read again would be.
  expect(Math.abs((await admin.evaluate(() => window.scrollY)) - scrolled)).toBeLessThan(100);
  await expect(admin.getByRole('button', { name: 'Adjust stock' })).toBeInViewport();
  // The form is empty again, and the filters and the selection are kept.
  await expect(admin.getByLabel('Add or remove units')).toHaveValue('');
  await expect(admin.getByLabel('Reason')).toHaveValue('');
  await expect(filters.getByLabel('Type')).toHaveValue('Rugged');
  await expect(admin.getByTestId('selected-count')).toHaveText(`${inStock} selected`);
  // Pressing the button again adds nothing: the form asks for units.
  await admin.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(admin.getByTestId('selection-error')).toHaveText('Enter a whole number of units to add (12) or take away (-3).');
  expect(await stockOf()).toEqual(before.map((n) => n + 20));

  // A row's price saves where it is, and the page stays where it was.
  const last = shownRows.last();
  const price = last.getByRole('textbox', { name: /^Price of / });
  const kept = await price.inputValue();
  await price.scrollIntoViewIfNeeded();
  const at = await admin.evaluate(() => window.scrollY);
  await price.fill('twelve');
  await price.press('Tab');
  await expect(admin.getByTestId('variant-row-error')).toContainText('Enter a price in dollars, such as 19.99.');
  await price.fill(`$${kept}`);
  await price.press('Tab');
  await expect(admin.getByTestId('variant-saved')).toHaveText(/^Saved .*Rugged · Graphite\. The shop shows it now\.$/);
  await expect(admin.getByTestId('variant-row-error')).toHaveText('');
  expect(Math.abs((await admin.evaluate(() => window.scrollY)) - at)).toBeLessThan(100);
  await expect(price).toBeInViewport();

  // Hiding a selected variant by a filter drops it from the selection.
  await filters.getByLabel('Stock').selectOption('sold-out');
  await expect(admin.getByTestId('selected-count')).toHaveText('0 selected');
  await admin.context().close();
});

test('an admin creates a promo code that a shopper then uses at checkout', async ({ page, browser }) => {
  test.slow();
  const admin = await adminPage(browser, 'promo');
  await section(admin, 'Promo codes');
  const code = `E2E${Date.now().toString(36).toUpperCase()}`;
  await admin.getByRole('textbox', { name: 'Code' }).fill(code.toLowerCase());
  await admin.getByLabel('Gives').selectOption('percent');
  await admin.getByLabel('Percent or dollars off (blank for free shipping)').fill('120');
  await admin.getByLabel('Phone cases').check();
  await admin.getByRole('button', { name: 'Create promo code' }).click();
  await expect(admin.getByText('Enter a whole percentage from 1 to 100.')).toBeVisible();
  await admin.getByLabel('Percent or dollars off (blank for free shipping)').fill('20');
  await admin.getByRole('button', { name: 'Create promo code' }).click();
  await expect(admin.getByTestId('coupon-code')).toHaveText(code);

  // 20% off two $19.99 cases: $8.00 off, shipping still free.
  await savedCart(page, [[CLEAR, 2]]);
  await page.goto('/cart');
  await hydrated(page);
  await page.getByLabel('Promo code').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('discount')).toHaveText('−$8.00');
  await openCheckout(page);
  await expect(page.getByTestId('total')).toHaveText('$31.98');
  const number = await payByCard(page, uniqueEmail('promo-shopper'));
  await expect(page.getByTestId('order-total')).toHaveText('$31.98');

  await admin.reload();
  await hydrated(admin);
  await expect(admin.getByRole('heading', { name: 'Used 1 time' })).toBeVisible();
  await expect(admin.getByTestId('redemptions')).toContainText(number);

  // Disabled, the code no longer works.
  await admin.getByLabel('Enabled (shoppers can use it)').uncheck();
  await admin.getByRole('button', { name: 'Save promo code' }).click();
  await expect(admin.getByText('Saved.', { exact: true })).toBeVisible();
  // A new tab, as the paid cart was emptied.
  const later = await page.context().newPage();
  await savedCart(later, [[CLEAR, 1]]);
  await later.goto('/cart');
  await hydrated(later);
  await later.getByLabel('Promo code').fill(code);
  await later.getByRole('button', { name: 'Apply' }).click();
  await expect(later.getByRole('alert').filter({ hasText: code })).toBeVisible();
  await expect(later.getByTestId('discount')).toHaveCount(0);
  await admin.context().close();
});

test('staff cancel an order while it is prepared, only once confirmed; the shopper is told and refunded', async ({ page, browser }) => {
  test.slow();
  await savedCart(page, [[CLEAR, 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('cancelled');
  const number = await payByCard(page, shopper);

  const admin = await adminPage(browser, 'canceller');
  await admin.goto(`/admin/orders/${number}`);
  await hydrated(admin);
  await admin.getByRole('button', { name: 'Mark as being prepared' }).click();
  await expect(admin.getByTestId('staff-order-status')).toHaveText('Being prepared');
  // Destructive, so apart from the next steps, styled as such, and asked again.
  const confirm = admin.getByRole('button', { name: /^Yes, cancel and refund \$\d+\.\d\d$/ });
  await expect(confirm).toBeHidden();
  await admin.getByText('Cancel this order…').click();
  await expect(admin.getByText('This cannot be undone.', { exact: false })).toBeVisible();
  await expect(confirm).toHaveClass(/button--danger/);
  await confirm.click();
  await expect(admin.getByTestId('staff-order-status')).toHaveText('Refunded');
  await expect(admin.getByTestId('refund-panel')).toHaveCount(0);
  // The staff timeline says what staff did, and who.
  const timeline = admin.getByTestId('staff-timeline');
  await expect(timeline).toContainText('Marked as being prepared.');
  await expect(timeline).toContainText('Cancelled by staff: stock and promo code use given back, full refund started.');
  await expect(timeline).toContainText(/Cancelled by staff.*by canceller-[\w.+-]*@/s);
  await admin.context().close();

  await page.goto(`/orders/${number}`);
  await hydrated(page);
  await expect(page.getByTestId('order-status')).toHaveText('Refunded');
  await expect(page.getByText('Cancelled by the shop; a full refund is on its way to your payment method.')).toBeVisible();
  await expect(page.getByText('Marked as being prepared.')).toHaveCount(0);
  await expect.poll(() => mailTo(shopper).some((m) => m.includes(`order ${number} is cancelled`) && m.includes('refunding $'))).toBe(true);
});

test('a shipped order is refunded an item first, then the rest; another, lost in the post, is sent again for free', async ({ page, browser }) => {
  test.slow();
  // Two $19.99 cases and a $15.99 grip, shipped free: $55.97.
  await savedCart(page, [[CLEAR, 2], [GRIP, 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('refunded');
  const number = await payByCard(page, shopper);

  const admin = await adminPage(browser, 'refunds');
  await admin.goto(`/admin/orders/${number}`);
  await hydrated(admin);
  // Nothing to refund before it ships: cancelling refunds it.
  await expect(admin.getByTestId('refund-panel')).toHaveCount(0);
  await shipOrder(admin, number);
  const panel = admin.getByTestId('refund-panel');
  await expect(panel).toContainText('$55.97 can still be refunded');
  await expect(admin.getByTestId('lost-panel')).toContainText('If the carrier confirms the package is lost');

  await panel.getByLabel(/^Signature Case/).fill('1');
  await panel.getByRole('button', { name: 'Refund selected' }).click();
  await expect(panel.getByText('Say why the order is refunded.')).toBeVisible();
  await panel.getByLabel('Reason (the customer sees it)').fill('One case lost in the post');
  await panel.getByRole('button', { name: 'Refund selected' }).click();
  await expect(panel).toContainText('$35.98 can still be refunded');
  await expect(panel.getByLabel(/^Signature Case/)).toHaveAttribute('max', '1');

  await panel.getByLabel('Reason (the customer sees it)').fill('The whole package was lost');
  await panel.getByRole('button', { name: 'Refund everything left ($35.98)' }).click();
  await expect(admin.getByTestId('staff-order-status')).toHaveText('Refunded');
  await expect(admin.getByTestId('refund-panel')).toHaveCount(0);
  await expect(admin.getByTestId('staff-timeline')).toContainText('Refunded $35.98 (The whole package was lost)');

  await page.goto(`/orders/${number}`);
  await hydrated(page);
  await expect(page.getByTestId('order-status')).toHaveText('Refunded');
  const refunds = page.getByTestId('refunds');
  await expect(refunds).toContainText('$19.99');
  await expect(refunds).toContainText('$35.98');
  await expect(refunds).toContainText('One case lost in the post');
  await expect(refunds).toContainText('5-14 working days');
  await expect.poll(() => mailTo(shopper).filter((m) => m.includes('refund for order')).length).toBe(2);

  // Another order, lost: the same items again at no charge, once.
  const again = await browser.newPage();
  await savedCart(again, [[GRIP, 1]]);
  await openCheckout(again);
  const lost = await payByCard(again, shopper);
  await shipOrder(admin, lost);
  const lostPanel = admin.getByTestId('lost-panel');
  await lostPanel.getByText('Send a free replacement…').click();
  await lostPanel.getByRole('button', { name: 'Yes, send a free replacement' }).click();
  const replacement = lostPanel.getByTestId('replacement').getByRole('link');
  await expect(replacement).toHaveText(/^CF-[A-Z0-9]{8}$/);
  await expect(lostPanel.getByRole('button', { name: 'Yes, send a free replacement' })).toHaveCount(0);
  await expect(admin.getByTestId('staff-timeline')).toContainText('Package lost: replacement sent as order');
  const newNumber = (await replacement.textContent())!;
  await replacement.click();
  await expect(admin.getByTestId('staff-order-number')).toHaveText(newNumber);
  await expect(admin.getByTestId('staff-order-status')).toHaveText('Placed and paid');
  await expect(admin.getByRole('button', { name: 'Mark as being prepared' })).toBeVisible();
  await admin.context().close();

  await again.goto(`/orders/${lost}`);
  await expect(again.getByText(`we're sending your items again for free, as order ${newNumber}`, { exact: false })).toBeVisible();
  await again.close();
});

test('status badges tell orders apart, and declined payments are not listed as orders unless asked for', async ({ page, browser }) => {
  test.slow();
  const shopper = uniqueEmail('badges');
  // A declined card leaves an attempt; a second card places the order.
  await savedCart(page, [[GRIP, 1]]);
  await openCheckout(page);
  await fillContactAndAddress(page, shopper);
  await page.getByLabel('Card number').fill('4000 0000 0000 0002');
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('Security code').fill('123');
  await page.getByRole('button', { name: /^Pay \$/ }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'declined' }).first()).toBeVisible();
  const number = await payByCard(page, shopper);

  const admin = await adminPage(browser, 'badges');
  await admin.goto(`/admin/orders?email=${encodeURIComponent(shopper)}`);
  await hydrated(admin);
  const rows = admin.getByTestId('order-row');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(number);
  await expect(admin.getByTestId('orders-count')).toHaveText('1 order · page 1 of 1');
  await admin.getByLabel('Status').selectOption('payment_failed');
  await admin.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.locator('.status')).toHaveText('Payment failed');
  await admin.getByLabel('Status').selectOption('Everything, with unpaid attempts');
  await admin.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await expect(rows).toHaveCount(2);
  // Each status its own colour: a failed payment does not look like a paid order.
  const colour = (row: number) => rows.nth(row).locator('.status').evaluate((b) => getComputedStyle(b).backgroundColor);
  const [first, second] = [await colour(0), await colour(1)];
  expect(first).not.toEqual(second);
  await admin.context().close();
});

test('the overview draws its charts from the demo orders, readable at 360 px', async ({ browser }) => {
  const admin = await adminPage(browser, 'overview');
  await hydrated(admin);
  await expect(admin.getByTestId('kpi-orders')).not.toHaveText('0');
  const revenue = admin.getByTestId('revenue-chart');
  const bars = revenue.locator('rect.chart__bar');
  await expect(bars).toHaveCount(30);
  const heights = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
  expect(heights.filter((h) => h > 0).length).toBeGreaterThan(20);
  await expect(revenue.locator('svg')).toHaveAttribute('role', 'img');
  await expect(revenue.getByText(/orders over 30 days/)).toBeVisible();
  await revenue.getByText('Show the figures').click();
  await expect(revenue.getByRole('row')).toHaveCount(31);
  await expect(admin.getByTestId('status-chart').locator('svg')).toHaveAttribute('aria-label', /Delivered: [1-9]/);
  await expect(admin.getByTestId('top-products').locator('li')).toHaveCount(5);
  await expect(admin.getByTestId('coupon-use')).toContainText('WELCOME10');

  await admin.getByRole('link', { name: 'Last 7 days' }).click();
  await expect(admin.getByTestId('revenue-chart').locator('rect.chart__bar')).toHaveCount(7);
  await admin.setViewportSize({ width: 360, height: 800 });
  const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await admin.context().close();
});

test("staff find a customer with their orders, and download the day's orders as CSV", async ({ page, browser }) => {
  test.slow();
  const shopper = uniqueEmail('customer');
  await signUp(page, 'Cora Customer', shopper);
  await savedCart(page, [[GRIP, 1]]);
  await openCheckout(page);
  const number = await payByCard(page, shopper);

  const admin = await adminPage(browser, 'customers');
  await section(admin, 'Customers');
  await admin.getByLabel('Name or e-mail contains').fill(shopper.toUpperCase());
  await admin.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await expect(admin.getByTestId('customer-row')).toHaveCount(1);
  await admin.getByRole('link', { name: 'Cora Customer' }).click();
  await expect(admin.getByTestId('customer-name')).toHaveText('Cora Customer');
  await expect(admin.getByTestId('customer-orders')).toContainText(number);

  // A guest who bought without an account is a customer too, found by e-mail.
  const guest = uniqueEmail('guest-buyer');
  const guestPage = await browser.newPage();
  await savedCart(guestPage, [[GRIP, 1]]);
  await openCheckout(guestPage);
  const guestOrder = await payByCard(guestPage, guest);
  await guestPage.close();
  await section(admin, 'Customers');
  await admin.getByLabel('Name or e-mail contains').fill(guest);
  await admin.getByRole('main').getByRole('button', { name: 'Search' }).click();
  const row = admin.getByTestId('customer-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Guest');
  await expect(admin.getByRole('status').filter({ hasText: 'page 1 of 1' })).toHaveText('1 customer · page 1 of 1');
  await row.getByRole('link', { name: 'Grace Hopper' }).click();
  await expect(admin.getByTestId('customer-name')).toHaveText('Grace Hopper');
  await expect(admin.getByTestId('customer-kind')).toContainText('None: a guest');
  await expect(admin.getByTestId('customer-orders')).toContainText(guestOrder);

  await section(admin, 'Orders');
  const today = new Date().toISOString().slice(0, 10);
  await admin.getByLabel('Export from').fill(today);
  await admin.getByLabel('Export until').fill(today);
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`orders-${today}-to-${today}.csv`);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.split('\n')[0]).toMatch(/^order_number,placed_at_utc,status,email,/);
  expect(csv).toContain(`${number},`);
  expect(csv).toContain(shopper);
  await admin.context().close();
});
