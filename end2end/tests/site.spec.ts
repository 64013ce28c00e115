import { test, expect } from '@playwright/test';
import { hydrated } from './helpers';

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
