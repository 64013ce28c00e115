import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import {
  adminPage,
  dataDir,
  deliverOrder,
  hydrated,
  mailTo,
  openCheckout,
  payByCard,
  savedCart,
  signUp,
  test,
  uniqueEmail,
} from './helpers';

const CASE = 'SIG-IP17PM-CLR-CRYCLE';

/** The partner's dashboard figure `id` ("clicks", "orders", "pending", "approved"). */
async function figure(page: Page, id: string): Promise<string> {
  return (await page.getByTestId(id).textContent())!.trim();
}

test('a partner goes from "join now" to approved commission, credited by link and by code', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const email = uniqueEmail('partner');
  const name = `Partner ${Math.floor(Math.random() * 1e6)}`;

  // From the help center's answer to the program page, and the application.
  await page.goto('/help/affiliates');
  await hydrated(page);
  await page.getByRole('link', { name: 'Join now: the partner program' }).click();
  await expect(page).toHaveURL(/\/affiliates$/);
  await hydrated(page);
  await page.getByLabel('Your name or brand').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Website or social channel').fill('instagram.com/casereviews');
  await page.getByLabel('Audience size').selectOption('1,000 to 10,000');
  await page.getByLabel('How will you promote us?').fill('Weekly reviews of phone cases in my stories.');
  await page.getByLabel('PayPal address for payouts').fill(email);
  await page.getByRole('button', { name: 'Send my application' }).click();
  await expect(page.getByTestId('application-received')).toContainText('we received your application');
  await expect.poll(() => mailTo(email).some((m) => m.includes('partner application'))).toBe(true);

  // An admin approves it.
  const admin = await adminPage(browser, 'affiliates');
  await admin.goto('/admin/affiliates');
  await hydrated(admin);
  const application = admin.getByTestId('application').filter({ hasText: email });
  await application.getByRole('button', { name: 'Approve' }).click();
  const partnerCard = admin.getByTestId('partner').filter({ hasText: email });
  const promo = (await partnerCard.getByTestId('partner-promo').textContent())!.trim();
  expect(promo).toMatch(/^[A-Z0-9]+10(-\d{4})?$/);
  await expect.poll(() => mailTo(email).some((m) => m.includes('Welcome to the'))).toBe(true);

  // The applicant makes their account with that address and opens the dashboard.
  await signUp(page, name, email);
  await page.goto('/affiliates/dashboard');
  await hydrated(page);
  await expect(page.getByTestId('promo-code')).toHaveText(promo);
  await page.getByLabel(/^Page on the shop/).fill('/products/signature-case');
  const link = await page.getByTestId('partner-link').inputValue();
  expect(link).toMatch(/\/products\/signature-case\?ref=[A-Z0-9]+$/);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Copied.')).toBeVisible();
  await expect(page.getByTestId('partner-qr')).toHaveAttribute('src', /qr\.svg\?path=%2Fproducts%2Fsignature-case&code=/);

  // A shopper in a fresh browser follows the link and buys.
  const shopperContext = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const shopper = await shopperContext.newPage();
  await shopper.goto(new URL(link).pathname + new URL(link).search);
  await expect(shopper).toHaveURL(/\/products\/signature-case$/);
  await savedCart(shopper, [[CASE, 2]]);
  await openCheckout(shopper);
  const byLink = await payByCard(shopper, uniqueEmail('referred'));

  // A second shopper uses the personal code, with no click.
  const second = await browser.newPage({ viewport: page.viewportSize() ?? undefined });
  await savedCart(second, [[CASE, 1]], { coupon: promo });
  await openCheckout(second);
  await payByCard(second, uniqueEmail('coded'));

  // Both are the partner's, pending; the click is counted.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('clicks')).toHaveText('1');
  await expect(page.getByTestId('orders')).toHaveText('2');
  expect(await figure(page, 'pending')).not.toBe('$0.00');
  await expect(page.getByTestId('referred-orders')).toContainText(byLink);
  await expect(page.getByTestId('referred-orders')).toContainText('Pending: not delivered yet');

  // Staff deliver the linked order; 30 days later (the delivery moved back in the database)
  // the minute job approves its commission.
  await deliverOrder(admin, byLink);
  execFileSync('sqlite3', [
    '-cmd',
    '.timeout 5000',
    `${dataDir}/shop.db`,
    `UPDATE referrals SET delivered_at = delivered_at - 31 * 86400 WHERE order_number = '${byLink}'`,
  ]);
  await expect
    .poll(
      async () => {
        await page.reload();
        await hydrated(page);
        return figure(page, 'approved');
      },
      { timeout: 90_000, intervals: [5_000] },
    )
    .not.toBe('$0.00');
  await expect(page.getByTestId('referred-orders')).toContainText('Approved');
});
