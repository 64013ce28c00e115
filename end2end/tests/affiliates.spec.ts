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

/** Runs `sql` on the test server's database. */
function sql(statement: string) {
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', `${dataDir}/shop.db`, statement]);
}

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
  // A rate of their own: 50%.
  await partnerCard.getByLabel(/^Their rate/).fill('50');
  await partnerCard.getByRole('button', { name: 'Save rate' }).click();
  await expect(partnerCard).toContainText('50% (their own)');

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
  // Six cases ($119.94): $59.97 at their rate, enough for a payout.
  sql(`UPDATE skus SET stock = stock + 20 WHERE code = '${CASE}'`);
  await savedCart(shopper, [[CASE, 6]]);
  await openCheckout(shopper);
  const byLink = await payByCard(shopper, uniqueEmail('referred'));

  // A second shopper uses the personal code, with no click.
  const second = await browser.newPage({ viewport: page.viewportSize() ?? undefined });
  await savedCart(second, [[CASE, 1]], { coupon: promo });
  await openCheckout(second);
  const byCode = await payByCard(second, uniqueEmail('coded'));

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
  await expect(admin.getByTestId('referral')).toContainText(`Credited to partner ${name} by their link`);
  sql(`UPDATE referrals SET delivered_at = delivered_at - 31 * 86400 WHERE order_number = '${byLink}'`);
  // The order bought with the code is cancelled: it leaves nothing owed.
  await admin.goto(`/admin/orders/${byCode}`);
  await hydrated(admin);
  await expect(admin.getByTestId('referral')).toContainText('by their personal promo code');
  await admin.getByText('Cancel this order…').click();
  await admin.getByRole('button', { name: /^Yes, cancel and refund/ }).click();
  // Cancelled, and refunded in full at once.
  await expect(admin.getByTestId('staff-order-status')).toHaveText('Refunded');
  // Approved, or already paid by a run another test prepared meanwhile.
  await expect
    .poll(
      async () => {
        await page.reload();
        await hydrated(page);
        return [await figure(page, 'approved'), await figure(page, 'paid')].includes('$59.97');
      },
      { timeout: 90_000, intervals: [5_000] },
    )
    .toBe(true);
  await expect(page.getByTestId('pending')).toHaveText('$0.00');
  await expect(page.getByTestId('referred-orders').getByRole('row').filter({ hasText: byLink })).toContainText(/Approved|Paid/);
  await expect(page.getByTestId('referred-orders').getByRole('row').filter({ hasText: byCode })).toContainText('Cancelled: no commission');

  // The payout run: prepared, its PayPal file, marked paid (another test's run may hold this
  // partner's balance already: whichever run has it is the one paid).
  await admin.goto('/admin/affiliates');
  await hydrated(admin);
  await admin.getByRole('button', { name: 'Prepare a payout run' }).click();
  const run = admin.getByTestId('payout-run').filter({ hasText: name }).first();
  await expect(run).toContainText(`${name}: $59.97 to ${email}`);
  await expect(run.getByRole('link', { name: /PayPal file/ })).toHaveAttribute('href', /\/api\/admin\/affiliates\/payout\.csv\?run=\d+$/);
  const markPaid = run.getByRole('button', { name: 'Mark paid' });
  if (await markPaid.count()) await markPaid.click();
  await expect(run).toContainText('Paid on');
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('paid')).toHaveText('$59.97');
  await expect(page.getByTestId('approved')).toHaveText('$0.00');
  await expect(page.getByTestId('payouts')).toContainText(`$59.97 on`);
  await expect.poll(() => mailTo(email).some((m) => m.includes('partner payout of $59.97'))).toBe(true);
});
