import { expect, type Page } from '@playwright/test';
import { colourSwatch, hydrated, savedCart, test } from './helpers';

const CLEAR = 'SIG-IP17PM-CLR-CRYCLE'; // $19.99, 24 in stock
const SLIM_FEW = 'SIG-IP17PM-SLM-OCEBLU'; // $24.99, 3 in stock
const GRIP = 'GRP-MIDBLA'; // $15.99, accessory

async function addToCart(page: Page, product: string, sku: string) {
  await page.goto(`/products/${product}?sku=${sku}`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added to your cart' })).toBeVisible();
}

async function openCart(page: Page) {
  await page.goto('/cart');
  await hydrated(page);
  await expect(page.getByTestId('total')).toBeVisible();
}

test('a shopper builds a cart that survives a reload', async ({ page }) => {
  await addToCart(page, 'signature-case', CLEAR);
  await addToCart(page, 'magnetic-grip', GRIP);
  await expect(page.getByTestId('cart-count')).toHaveText('2');

  await openCart(page);
  const lines = page.getByRole('list', { name: 'Items in your cart' }).getByRole('listitem');
  await expect(lines).toHaveCount(2);
  await expect(page.getByTestId('subtotal')).toHaveText('$35.98');
  await page.locator(`select[data-sku="${CLEAR}"]`).selectOption('3');
  await expect(page.getByTestId('subtotal')).toHaveText('$75.96');
  await expect(page.getByTestId('cart-count')).toHaveText('4');

  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('subtotal')).toHaveText('$75.96');
  await expect(page.getByTestId('cart-count')).toHaveText('4');

  await page.getByRole('button', { name: /Remove Magnetic Phone Grip/ }).click();
  await expect(page.getByTestId('subtotal')).toHaveText('$59.97');
  // Emptying asks first; keeping the items changes nothing.
  await page.getByRole('button', { name: 'Empty cart' }).click();
  await expect(page.getByText('Remove every item from your cart?')).toBeVisible();
  await page.getByRole('button', { name: 'Keep my items' }).click();
  await expect(page.getByTestId('subtotal')).toHaveText('$59.97');
  await page.getByRole('button', { name: 'Empty cart' }).click();
  await page.getByRole('button', { name: 'Yes, empty the cart' }).click();
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
});

test('no totals row wraps, even with a promo code at 360 px, and every category is in sight', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await savedCart(page, [[CLEAR, 2]]);
  await openCart(page);
  await page.getByLabel('Promo code').fill('save5');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('discount')).toHaveText('−$5.00');
  const rows = page.locator('.totals__row');
  for (let i = 0; i < (await rows.count()); i++) {
    // The middle of every line of text in the row, and of the amount: one line, one height.
    const spread = await rows.nth(i).evaluate((row) => {
      const range = document.createRange();
      range.selectNodeContents(row);
      const middles = Array.from(range.getClientRects())
        .filter((r) => r.width > 0)
        .map((r) => r.top + r.height / 2);
      return Math.max(...middles) - Math.min(...middles);
    });
    expect(spread, `totals row ${i} wraps`).toBeLessThan(12);
  }
  // The header shows every category, none hidden past the edge.
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Shop all', 'Phone cases', 'Screen protectors', 'Accessories', 'Help']) {
    const link = nav.getByRole('link', { name, exact: true });
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  // The header's search field shows its whole placeholder.
  const room = await page.locator('#site-q').evaluate((input: HTMLInputElement) => {
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const inner = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { placeholder: context.measureText(input.placeholder).width, inner };
  });
  expect(room.placeholder, 'the search placeholder is cut').toBeLessThanOrEqual(room.inner);
});

test('promo codes: applied, refused with the reason, and replaced only after confirming', async ({ page }) => {
  await savedCart(page, [[CLEAR, 2]]);
  await openCart(page);
  const code = page.getByLabel('Promo code');

  await code.fill('summer25');
  await page.getByRole('button', { name: 'Apply' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'SUMMER25 expired on 1 September 2025' });
  await expect(refusal).toBeVisible();
  await expect(refusal.getByRole('link', { name: 'customer-care@example.com' })).toBeVisible();
  await expect(code).toHaveValue('summer25');
  await expect(page.getByTestId('total')).toHaveText('$39.98');

  await code.fill('save5');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('discount')).toHaveText('−$5.00');
  await expect(page.getByTestId('total')).toHaveText('$34.98');

  await code.fill('WELCOME10');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('Only one code per order: replace SAVE5 with WELCOME10?')).toBeVisible();
  await page.getByRole('button', { name: 'Keep SAVE5' }).click();
  await expect(page.getByTestId('discount')).toHaveText('−$5.00');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Replace' }).click();
  await expect(page.getByTestId('discount')).toHaveText('−$4.00');
  await expect(page.getByText('Discount (WELCOME10)')).toBeVisible();

  // Below the code's minimum spend, a code is refused with the amount still missing.
  await page.getByRole('button', { name: 'Remove code WELCOME10' }).click();
  await page.locator(`select[data-sku="${CLEAR}"]`).selectOption('1');
  await code.fill('SAVE5');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Add $5.01 more to use it' })).toBeVisible();
});

test('free standard shipping starts at $30 after discount, both ways', async ({ page }) => {
  await savedCart(page, [[CLEAR, 1]]);
  await openCart(page);
  await expect(page.getByTestId('shipping')).toHaveText('$5.00');
  await expect(page.getByTestId('free-shipping-hint')).toHaveText('Add $10.01 more for free standard shipping.');
  await expect(page.getByTestId('total')).toHaveText('$24.99');

  await page.locator(`select[data-sku="${CLEAR}"]`).selectOption('2');
  await expect(page.getByTestId('shipping')).toHaveText('Free');
  await expect(page.getByTestId('free-shipping-hint')).toHaveCount(0);
  await expect(page.getByTestId('total')).toHaveText('$39.98');

  // 10% off $39.98 leaves $35.98: still free. CASES20 leaves $31.98: still free.
  await page.getByLabel('Promo code').fill('CASES20');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('total')).toHaveText('$31.98');

  await page.locator(`select[data-sku="${CLEAR}"]`).selectOption('1');
  await expect(page.getByTestId('shipping')).toHaveText('$5.00');
  await expect(page.getByTestId('total')).toHaveText('$20.99');
});

test('express by DHL changes the total and the delivery estimate', async ({ page }) => {
  await savedCart(page, [[CLEAR, 2]]);
  await openCart(page);
  const standardEta = await page.locator('label[for="ship-standard"] .method__eta').textContent();
  const expressEta = await page.locator('label[for="ship-express"] .method__eta').textContent();
  expect(standardEta).toMatch(/^Arrives \w{3} \d+ \w{3} – \w{3} \d+ \w{3}$/);
  expect(expressEta).not.toEqual(standardEta);

  await page.getByLabel(/Express by DHL/).check();
  await expect(page.getByTestId('shipping')).toHaveText('$15.00');
  await expect(page.getByTestId('total')).toHaveText('$54.98');
  await expect(page.getByText('Express by DHL', { exact: true }).last()).toBeVisible();

  // A free-shipping code covers standard shipping only.
  await page.getByLabel('Promo code').fill('FREESHIP');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('Discount (FREESHIP)')).toBeVisible();
  await expect(page.getByTestId('total')).toHaveText('$54.98');
  await page.getByLabel(/Standard shipping/).check();
  await expect(page.getByTestId('total')).toHaveText('$39.98');
});

test('countries the shop does not ship to are refused with the support e-mail', async ({ page }) => {
  await savedCart(page, [[CLEAR, 1]]);
  await openCart(page);
  await page.getByLabel('Destination').selectOption('JP');
  await expect(page.getByRole('link', { name: 'Go to checkout' })).toBeVisible();
  await page.getByLabel('Destination').selectOption('other');
  const refusal = page.getByRole('alert').filter({ hasText: "we don't ship there yet" });
  await expect(refusal).toBeVisible();
  await expect(refusal.getByRole('link', { name: 'customer-care@example.com' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to checkout' })).toHaveCount(0);
});

test('a second tab shows the same cart and follows changes', async ({ page, context }) => {
  await savedCart(page, [[CLEAR, 1]]);
  await openCart(page);
  const second = await context.newPage();
  await second.goto('/cart');
  await hydrated(second);
  await expect(second.getByTestId('subtotal')).toHaveText('$19.99');

  await page.locator(`select[data-sku="${CLEAR}"]`).selectOption('2');
  await expect(second.getByTestId('subtotal')).toHaveText('$39.98');
  await expect(second.getByTestId('cart-count')).toHaveText('2');
});

test('a damaged or outdated saved cart is repaired with a notice', async ({ page }) => {
  await savedCart(page, [
    [SLIM_FEW, 9],
    ['NO-SUCH-SKU', 1],
    ['SIG-IP17PM-SLM-SAGGRE', 1],
  ]);
  await openCart(page);
  const notice = page.getByRole('status').filter({ hasText: 'no longer sold' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('has sold out and was removed');
  await expect(notice).toContainText('Only 3 of Signature Case');
  await expect(page.getByTestId('subtotal')).toHaveText('$74.97');

  await page.evaluate(() => localStorage.setItem('casefront.cart', '{definitely not json'));
  await page.reload();
  await hydrated(page);
  await expect(page.getByText("We couldn't read the cart saved in this browser")).toBeVisible();
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
});

test('the checkout page carries the promo code field and the totals', async ({ page }) => {
  await savedCart(page, [[CLEAR, 1]], { coupon: 'WELCOME10' });
  await page.goto('/checkout');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Checkout');
  await expect(page.getByLabel('Promo code')).toBeVisible();
  await expect(page.getByTestId('discount')).toHaveText('−$2.00');
  await expect(page.getByTestId('total')).toHaveText('$22.99');
});

test('adding to the cart stops at the stock left, and sold-out options cannot be added', async ({ page }) => {
  await page.goto(`/products/signature-case?sku=${SLIM_FEW}`);
  await hydrated(page);
  const add = page.getByRole('button', { name: 'Add to cart' });
  for (let i = 1; i <= 3; i++) {
    await add.click();
    await expect(page.getByRole('status').filter({ hasText: `(${i} of this option)` })).toBeVisible();
  }
  await expect(page.getByRole('button', { name: 'Limit reached in your cart' })).toBeDisabled();

  await colourSwatch(page, 'Sage Green').check();
  await expect(page.getByRole('button', { name: 'Out of stock' })).toBeDisabled();

  await page.getByRole('link', { name: 'View cart' }).click();
  await expect(page.getByTestId('subtotal')).toHaveText('$74.97');
  await page.getByRole('link', { name: 'Go to checkout' }).click();
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(page.getByTestId('total')).toHaveText('$74.97');
});
