import { expect } from '@playwright/test';
import { hydrated, savedCart, storedCart, test } from './helpers';

test('help center shows the contact details', async ({ page }) => {
  await page.goto('/help');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Help center');
  const contact = page.getByRole('region', { name: 'Contact us' });
  await expect(contact.getByRole('link', { name: 'customer-care@example.com' })).toHaveAttribute(
    'href',
    'mailto:customer-care@example.com',
  );
  await expect(contact.getByText('+1 000 000 0000')).toBeVisible();
});

test('unknown pages and products answer 404 with a way back', async ({ page }) => {
  for (const path of ['/no-such-page', '/products/no-such-product']) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await expect(page.getByRole('link', { name: 'Browse all products' })).toBeVisible();
  }
});

test('the first Tab reaches the skip link, which moves focus to the content', async ({ page }) => {
  await page.goto('/shop');
  await hydrated(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

for (const path of ['/', '/shop', '/products/signature-case', '/help']) {
  test(`${path} fits the window without sideways scrolling`, async ({ page }) => {
    await page.goto(path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
}

test('every form control has a label', async ({ page }) => {
  for (const path of ['/shop', '/products/signature-case']) {
    await page.goto(path);
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('select, input:not([type=hidden]), textarea'))
        .filter((el) => (el as HTMLSelectElement).labels?.length === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
  }
});

const pages = [
  '/',
  '/shop',
  '/products/signature-case',
  '/help',
  '/cart',
  '/checkout',
  '/account',
  '/account/sign-in',
  '/account/sign-up',
  '/account/check-email',
  '/account/confirm?token=none',
  '/account/orders',
  '/orders/find',
  '/no-such-page',
];

test('every page hydrates under the content security policy with no console errors', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    const policy = /policy/i.test(message.text());
    // The 401 and 404 pages answer with those statuses on purpose.
    const statusOfPage = /Failed to load resource: the server responded with a status of 40[14]/.test(message.text());
    if ((message.type() === 'error' && !statusOfPage) || (message.type() === 'warning' && policy)) {
      problems.push(`${page.url()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  for (const path of pages) {
    const response = await page.goto(path);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy, path).toContain("script-src 'self' 'nonce-");
    expect(policy, path).not.toContain('unsafe-inline');
    await hydrated(page);
  }
  expect(problems).toEqual([]);
});

test('test mode is announced on every page, and the checkout says where card details go', async ({ page }) => {
  for (const path of ['/', '/shop', '/help']) {
    await page.goto(path);
    await expect(page.getByTestId('test-mode')).toContainText('no real payments');
  }
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await page.goto('/checkout');
  await hydrated(page);
  const form = page.getByRole('form', { name: 'Checkout' });
  await expect(form).toHaveAttribute('method', 'post');
  await expect(page.getByText('Test mode: cards to try')).toBeVisible();
  await expect(page.getByTestId('card-privacy')).toContainText("this shop's server");
  await expect(page.getByTestId('card-privacy')).toContainText('test-mode payment gateway');
});

test('hydrating the saved cart shifts no layout (badge, cart page, checkout totals)', async ({ page }) => {
  await page.addInitScript((cart) => {
    localStorage.setItem('casefront.cart', cart);
    (window as unknown as { __shift: number }).__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
        if (!entry.hadRecentInput) (window as unknown as { __shift: number }).__shift += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  }, storedCart([['GRP-MIDBLA', 2]]));
  for (const path of ['/', '/cart', '/checkout']) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.getByTestId('cart-count')).toHaveText('2');
    if (path !== '/') await expect(page.getByTestId('total')).toBeVisible();
    const shift = await page.evaluate(() => (window as unknown as { __shift: number }).__shift);
    expect(shift, path).toBeLessThan(0.01);
  }
});

test('words and numbers: demo codes to try on the home page, a typo forgiven by the search', async ({ page }) => {
  await page.goto('/');
  const codes = page.getByTestId('demo-codes');
  await expect(codes.getByRole('heading', { name: 'Try a demo promo code' })).toBeVisible();
  await expect(codes).toContainText('WELCOME10');
  await expect(codes).toContainText('10% off everything');
  // "refnd" is one letter short of "refund": the refunds answer is found all the same.
  await page.goto('/search?q=refnd');
  await expect(page.getByRole('link', { name: 'When will I get my refund?' })).toBeVisible();
  await expect(page.getByTestId('search-summary')).toContainText(/^0 products and \d+ help answers? match/);
});
