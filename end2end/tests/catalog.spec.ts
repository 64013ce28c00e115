import { expect } from '@playwright/test';
import { colourSwatch, expectSameDocument, hydrated, markDocument, test } from './helpers';

test.describe('before hydration', () => {
  test('the server sends the products in the HTML', async ({ request }) => {
    const response = await request.get('/shop');
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toContain('Signature Case');
    expect(html).toContain('Braided USB-C Cable');
    expect(html).toContain('customer-care@example.com');
  });

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });

    test('the listing filters and the variant picker work as plain forms', async ({ page }) => {
      await page.goto('/shop');
      await page.getByLabel('Category').selectOption('accessories');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect(page).toHaveURL(/category=accessories/);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accessories');
      await expect(page.getByRole('heading', { name: 'Magnetic Phone Grip' })).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Signature Case' })).toHaveCount(0);

      await page.goto('/products/signature-case?sku=SIG-IP17PM-SLM-OCEBLU');
      await expect(page.getByTestId('price')).toHaveText('$24.99');
      await expect(page.getByTestId('stock')).toHaveText('Only 3 left');
      await page.getByLabel('Case type').selectOption('Rugged');
      await page.getByRole('button', { name: 'Show this option' }).click();
      await expect(page.getByTestId('price')).toHaveText('$34.99');
      // The colour swatches are radio buttons the form sends too.
      await expect(colourSwatch(page, 'Midnight Black')).toBeChecked();
      await colourSwatch(page, 'Graphite').check();
      await page.getByRole('button', { name: 'Show this option' }).click();
      await expect(page.getByTestId('sku')).toHaveText('SIG-IP17PM-RUG-GRA');
    });
  });
});

test('home page shows featured products and shopping by phone', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Casefront/);
  const featured = page.getByRole('region', { name: 'Featured' });
  await expect(featured.getByRole('heading', { name: 'Signature Case' })).toBeVisible();
  await expect(featured.getByRole('heading', { name: 'Tempered Glass Screen Protector' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('link', { name: 'Pixel 9a' }).click();
  await expect(page).toHaveURL(/\/shop\?model=pixel-9a/);
  await expect(page.getByRole('status').filter({ hasText: 'for Pixel 9a' })).toBeVisible();
});

test('the catalog filters by category and phone model in place', async ({ page }) => {
  await page.goto('/shop');
  await hydrated(page);
  await markDocument(page);
  await page.getByLabel('Category').selectOption('screen-protectors');
  await expect(page).toHaveURL(/category=screen-protectors/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Screen protectors');
  await expect(page.getByRole('heading', { name: 'Camera Lens Guard' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Signature Case' })).toHaveCount(0);

  await page.getByLabel('Phone model').selectOption('galaxy-s25-ultra');
  await expect(page).toHaveURL(/model=galaxy-s25-ultra/);
  await expect(page.getByRole('status').filter({ hasText: 'for Galaxy S25 Ultra' })).toBeVisible();
  // The heading names the filters chosen.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Screen protectors for Galaxy S25 Ultra');
  await expectSameDocument(page);

  // The product link carries the phone, so the product page opens on it.
  await page.getByRole('link', { name: /Tempered Glass Screen Protector/ }).click();
  await expect(page.getByLabel('Phone model')).toHaveValue('galaxy-s25-ultra');
});

test('back and forward walk through the filters chosen, without a page load', async ({ page }) => {
  await page.goto('/shop');
  await hydrated(page);
  await markDocument(page);
  await page.getByLabel('Category').selectOption('cases');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Phone cases');
  await page.getByLabel('Phone model').selectOption('pixel-10');
  await expect(page.getByRole('status').filter({ hasText: 'for Pixel 10' })).toBeVisible();

  await page.goBack();
  await expect(page).toHaveURL(/\/shop\?category=cases$/);
  await expect(page.getByRole('status').filter({ hasText: 'for Pixel 10' })).toHaveCount(0);
  await expect(page.getByLabel('Phone model')).toHaveValue('');
  await page.goBack();
  await expect(page).toHaveURL(/\/shop$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('All products');
  await expect(page.getByLabel('Category')).toHaveValue('');
  await expect(page.getByRole('heading', { name: 'Braided USB-C Cable' })).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Phone cases');
  await expect(page.getByLabel('Category')).toHaveValue('cases');
  await expectSameDocument(page);
});

test('reached by the router from another page, the shop pages render and work as components', async ({ page }) => {
  // Sign-in is hydrated by the app's bundle, whose router renders the pages served as islands
  // itself when a link leads there.
  await page.goto('/account/sign-in');
  await hydrated(page);
  await markDocument(page);
  await page.getByRole('contentinfo').getByRole('link', { name: 'All products' }).click();
  await expect(page).toHaveURL(/\/shop$/);
  await page.getByLabel('Category').selectOption('screen-protectors');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Screen protectors');
  await expect(page.getByRole('heading', { name: 'Signature Case' })).toHaveCount(0);
  await page.getByLabel('Category').selectOption('');
  await page.getByRole('link', { name: /Signature Case/ }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Signature Case' })).toBeVisible();
  await page.getByLabel('Case type').selectOption('Slim');
  await colourSwatch(page, 'Ocean Blue').check();
  await expect(page.getByTestId('price')).toHaveText('$24.99');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByTestId('cart-count')).toHaveText('1');
  await page.getByRole('link', { name: /^Cart/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your cart');
  await expect(page.getByTestId('subtotal')).toHaveText('$24.99');
  await expectSameDocument(page);
});

test('choosing a variant updates price, stock and picture without a page load', async ({ page }) => {
  await page.goto('/products/signature-case');
  await expect(page.getByRole('heading', { level: 1, name: 'Signature Case' })).toBeVisible();
  await hydrated(page);
  await markDocument(page);
  await expect(page.getByTestId('price')).toHaveText('$19.99');
  await expect(page.getByRole('button', { name: 'Show this option' })).toBeHidden();

  await page.getByLabel('Case type').selectOption('Slim');
  await colourSwatch(page, 'Ocean Blue').check();
  await expect(page.getByTestId('price')).toHaveText('$24.99');
  await expect(page.getByTestId('stock')).toHaveText('Only 3 left');
  await expect(page.getByTestId('sku')).toHaveText('SIG-IP17PM-SLM-OCEBLU');
  await expect(page.locator('.product__media img')).toHaveAttribute('src', '/img/case-slim/ocean-blue.svg');

  // The address follows the variant: it can be shared, and it opens on that variant.
  await expect(page).toHaveURL(/\/products\/signature-case\?sku=SIG-IP17PM-SLM-OCEBLU$/);
  // A sold-out colour is marked before it is chosen.
  await expect(colourSwatch(page, 'Sage Green (sold out)')).toBeVisible();
  await expect(colourSwatch(page, 'Ocean Blue')).toHaveAccessibleName('Ocean Blue');
  // Each colour is a swatch of that colour with its name.
  await expect(page.locator('.swatch', { hasText: 'Ocean Blue' }).locator('circle')).toHaveAttribute('fill', '#2a5d9f');
  await colourSwatch(page, 'Sage Green').check();
  await expect(page.getByTestId('stock')).toHaveText('Out of stock');
  await expect(page).toHaveURL(/\?sku=SIG-IP17PM-SLM-SAGGRE$/);
  // Back shows the variant shown before, in place.
  await page.goBack();
  await expect(page).toHaveURL(/\?sku=SIG-IP17PM-SLM-OCEBLU$/);
  await expect(colourSwatch(page, 'Ocean Blue')).toBeChecked();
  await expect(page.getByTestId('stock')).toHaveText('Only 3 left');

  // A clear case comes in one colour: the colour falls back, the model stays.
  await page.getByLabel('Phone model').selectOption('pixel-10');
  await page.getByLabel('Case type').selectOption('Clear');
  await expect(page.getByTestId('price')).toHaveText('$19.99');
  await expect(colourSwatch(page, 'Crystal Clear')).toBeChecked();
  await expect(page.getByTestId('sku')).toHaveText('SIG-PX10-CLR-CRYCLE');
  await expectSameDocument(page);
});

test('a phone whose options could not be fetched can be tried again', async ({ page }) => {
  await page.goto('/products/signature-case');
  await hydrated(page);
  let offline = true;
  await page.route('**/api/product_offer*', (route) => (offline ? route.abort() : route.continue()));

  await page.getByLabel('Phone model').selectOption('pixel-10');
  await expect(page.getByRole('alert')).toContainText("couldn't reach the shop");
  await expect(page.getByRole('button', { name: 'Add to cart' })).toBeDisabled();

  // Back on a phone whose options are here, the failure is not this phone's to tell.
  await page.getByLabel('Phone model').selectOption('iphone-17-pro-max');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add to cart' })).toBeEnabled();
  await page.getByLabel('Phone model').selectOption('pixel-10');
  await expect(page.getByRole('alert')).toContainText("couldn't reach the shop");

  offline = false;
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('sku')).toHaveText('SIG-PX10-CLR-CRYCLE');
  await expect(page.getByRole('button', { name: 'Add to cart' })).toBeEnabled();
});
