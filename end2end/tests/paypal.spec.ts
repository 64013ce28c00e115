import { expect, type Page } from '@playwright/test';
import { paypalStandin } from '../playwright.config';
import { checked as test, fillContactAndAddress, hydrated, savedCart, uniqueEmail } from './helpers';

// The shop on this project takes PayPal through PayPal's REST API: here, the stand-in
// (tools/paypal-standin, whose every request and answer is checked against PayPal's OpenAPI
// documents), at a phone's 360 px. The shopper leaves the shop for PayPal's page and comes back.

async function continueToPayPal(page: Page, tag: string): Promise<string> {
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await page.goto('/checkout');
  await hydrated(page);
  const email = uniqueEmail(tag);
  await fillContactAndAddress(page, email);
  await page.getByLabel('PayPal').check();
  await page.getByRole('button', { name: /Continue to PayPal/ }).click();
  await expect(page).toHaveURL(new RegExp(`^${paypalStandin}/checkoutnow\\?token=[A-Z0-9]+$`));
  await expect(page.getByRole('heading', { name: 'Pay with PayPal (test stand-in)' })).toBeVisible();
  // PayPal shows the total the shop computed.
  await expect(page.getByText('Total: $20.99 USD')).toBeVisible();
  return email;
}

async function expectPaidWithPayPal(page: Page) {
  await expect(page).toHaveURL(/\/orders\/CF-[A-Z0-9]{8}\?placed=1$/);
  await expect(page.getByRole('heading', { name: 'Thank you! Your order is placed.' })).toBeVisible();
  await expect(page.getByText('Paid with PayPal.')).toBeVisible();
}

test('approved on PayPal, the order is placed and paid with PayPal', async ({ page }) => {
  await continueToPayPal(page, 'paypal-real');
  await page.getByRole('button', { name: 'Agree and pay' }).click();
  await expectPaidWithPayPal(page);
});

test('cancelled on PayPal, the checkout is as the shopper left it', async ({ page }) => {
  const email = await continueToPayPal(page, 'paypal-cancel');
  await page.getByRole('button', { name: 'Cancel and return to the store' }).click();
  await expect(page).toHaveURL(/\/checkout\?payment=paypal_cancelled$/);
  await hydrated(page);
  await expect(page.getByTestId('payment-error')).toContainText('You cancelled the PayPal payment');
  await expect(page.getByLabel('E-mail for your confirmation')).toHaveValue(email);
  await expect(page.getByLabel('Street address')).toHaveValue('1 Compiler Way');
  await expect(page.getByLabel('PayPal')).toBeChecked();
  await expect(page.getByTestId('total')).toHaveText('$20.99');
});

test('a funding source its bank declines sends the shopper back to PayPal to choose another', async ({ page }) => {
  await continueToPayPal(page, 'paypal-declined');
  await page.getByLabel('Visa card ending 0002 (declined by its bank)').check();
  await page.getByRole('button', { name: 'Agree and pay' }).click();
  // Back on PayPal's page, by way of the shop, which was told INSTRUMENT_DECLINED.
  await expect(page).toHaveURL(new RegExp(`^${paypalStandin}/checkoutnow\\?token=`));
  await expect(page.getByRole('alert')).toHaveText('Your card was declined. Choose another way to pay.');
  await page.getByLabel('PayPal balance').check();
  await page.getByRole('button', { name: 'Agree and pay' }).click();
  await expectPaidWithPayPal(page);
});
