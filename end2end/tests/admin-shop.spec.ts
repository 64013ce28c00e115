// Running the shop from the dashboards: the catalog and its prices, promo codes, and refunds,
// each seen from the storefront or by the shopper as well.
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import {
  adminPage,
  hydrated,
  mailTo,
  openCheckout,
  payByCard,
  pngPhoto,
  savedCart,
  signUp,
  test,
  uniqueEmail,
} from './helpers';

const CLEAR = 'SIG-IP17PM-CLR-CRYCLE';
const GRIP = 'GRP-MIDBLA';

async function section(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Staff dashboard' }).getByRole('link', { name }).click();
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
  await expect(variant.getByTestId('variant-stock')).toHaveText('5 in stock');

  // Hidden until shown.
  expect((await page.goto(`/products/${slug}`))?.status()).toBe(404);
  await admin.getByLabel('Shown in the shop').check();
  await admin.getByRole('button', { name: 'Save product' }).click();
  await expect(admin.getByText('Saved. The shop shows the change now.')).toBeVisible();
  await expect(admin.getByRole('link', { name: 'See it in the shop' })).toHaveAttribute('href', `/products/${slug}`);
  await page.goto(`/products/${slug}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByTestId('price')).toHaveText('$12.00');

  await variant.getByLabel('Price ($)').fill('13.50');
  await variant.getByRole('button', { name: 'Save' }).click();
  // The reload waits for the save: the typed value alone says nothing about the server.
  await expect(admin.getByTestId('variant-saved')).toHaveText('Saved. The shop shows the new price now.');
  await expect(variant.getByLabel('Price ($)')).toHaveValue('13.50');
  await page.reload();
  await expect(page.getByTestId('price')).toHaveText('$13.50');

  // A photo replaces the drawing, in the shop too; a file that is not a picture is refused by
  // name; and the drawing can come back.
  const upload = variant.getByLabel('Upload a photo');
  await upload.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Notes, not a photo.') });
  await expect(admin.getByTestId('variant-error')).toHaveText(/^notes\.txt is not a JPEG, PNG or WebP picture/);
  await upload.setInputFiles({ name: 'strap.png', mimeType: 'image/png', buffer: pngPhoto(300, 200, [30, 120, 60]) });
  const picture = variant.locator('img');
  await expect(picture).toHaveAttribute('src', /^\/pictures\/[0-9a-f]{32}\.jpg$/);
  await expect(admin.getByTestId('variant-error')).toHaveText('');
  const src = (await picture.getAttribute('src'))!;
  await page.reload();
  const shown = page.locator(`img[src="${src}"]`).first();
  await expect(shown).toBeVisible();
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(300);
  await variant.getByLabel('Or a drawing').selectOption('strap');
  await variant.getByRole('button', { name: 'Use drawing' }).click();
  await expect(picture).toHaveAttribute('src', '/img/strap/sand.svg');

  // Stock never goes below zero; an adjustment is kept in the history with its reason.
  await variant.getByLabel('Add or remove units').fill('-7');
  await variant.getByLabel('Reason').fill('Recount');
  await variant.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(admin.getByTestId('variant-error')).toHaveText('Only 5 in stock: it cannot go below zero.');
  await variant.getByLabel('Add or remove units').fill('-2');
  await variant.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(variant.getByTestId('variant-stock')).toHaveText('3 in stock');
  await expect(admin.getByTestId('movements')).toContainText('Recount');
  await expect(admin.getByTestId('movements')).toContainText('opening stock');
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
  await expect(admin.getByRole('heading', { name: 'Used 1 times' })).toBeVisible();
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

test('staff cancel an order and refund it an item first, then the rest; the shopper sees both', async ({ page, browser }) => {
  test.slow();
  // Two $19.99 cases and a $15.99 grip, shipped free: $55.97.
  await savedCart(page, [[CLEAR, 2], [GRIP, 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('refunded');
  const number = await payByCard(page, shopper);

  const admin = await adminPage(browser, 'refunds');
  await admin.goto(`/admin/orders/${number}`);
  await hydrated(admin);
  await expect(admin.getByTestId('refund-panel')).toHaveCount(0);
  await admin.getByRole('button', { name: 'Cancel order' }).click();
  await expect(admin.getByTestId('staff-order-status')).toHaveText('Cancelled');
  const panel = admin.getByTestId('refund-panel');
  await expect(panel).toContainText('$55.97 can still be refunded');

  await panel.getByLabel(/^Signature Case/).fill('1');
  await panel.getByRole('button', { name: 'Refund selected' }).click();
  await expect(panel.getByText('Say why the order is refunded.')).toBeVisible();
  await panel.getByLabel('Reason (the customer sees it)').fill('Changed their mind about one case');
  await panel.getByRole('button', { name: 'Refund selected' }).click();
  await expect(panel).toContainText('$35.98 can still be refunded');
  await expect(panel.getByLabel(/^Signature Case/)).toHaveAttribute('max', '1');

  await panel.getByLabel('Reason (the customer sees it)').fill('Order cancelled');
  await panel.getByRole('button', { name: 'Refund everything left ($35.98)' }).click();
  await expect(admin.getByTestId('staff-order-status')).toHaveText('Refunded');
  await expect(admin.getByTestId('refund-panel')).toHaveCount(0);
  await admin.context().close();

  await page.goto(`/orders/${number}`);
  await hydrated(page);
  await expect(page.getByTestId('order-status')).toHaveText('Refunded');
  const refunds = page.getByTestId('refunds');
  await expect(refunds).toContainText('$19.99');
  await expect(refunds).toContainText('$35.98');
  await expect(refunds).toContainText('Changed their mind about one case');
  await expect(refunds).toContainText('5-14 working days');
  await expect.poll(() => mailTo(shopper).filter((m) => m.includes('refund for order')).length).toBe(2);
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
