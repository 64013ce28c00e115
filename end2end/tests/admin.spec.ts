// The staff dashboards: the first admin made by the documented command, staff invited by
// e-mail with a role, what each role may open, and the audit log of what they did.
import { execFileSync } from 'node:child_process';
import { expect } from '@playwright/test';
import {
  adminPage,
  createAdminLink,
  dataDir,
  payByCard,
  hydrated,
  mailTo,
  oneTimeLink,
  openCheckout,
  savedCart,
  signUp,
  test,
  uniqueEmail,
  useOneTimeLink,
  staffSection,
} from './helpers';

test('a shopper opening the dashboard is told it is not for them', async ({ page }) => {
  await signUp(page, 'Sam Shopper', uniqueEmail('shopper'));
  const answer = await page.goto('/admin');
  expect(answer?.status()).toBe(403);
  await hydrated(page);
  await expect(page.getByTestId('not-allowed')).toContainText('Not allowed');
  await expect(page.getByTestId('not-allowed')).toContainText("Your account can't open this.");
  await expect(page.getByRole('link', { name: 'Dashboard' })).toHaveCount(0);
});

test('the first admin invites support staff, who may do their part and no more', async ({ page, browser }) => {
  test.slow();
  const adminEmail = uniqueEmail('admin');
  await useOneTimeLink(page, createAdminLink(adminEmail), 'admin password 123', 'Ada Admin');
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('staff-member')).toHaveText('Signed in as Ada Admin (Admin).');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Dashboard' })).toBeVisible();

  // The admin invites a support member.
  await staffSection(page, 'Staff');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff');
  const supportEmail = uniqueEmail('support');
  await page.getByLabel('E-mail').fill(supportEmail);
  await page.getByLabel('Role', { exact: true }).first().selectOption('support');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText('Invitation sent.')).toBeVisible();

  // The support member accepts in their own browser.
  const other = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '198.19.0.7' } });
  const support = await other.newPage();
  await useOneTimeLink(support, await oneTimeLink(supportEmail), 'support password 123', 'Sid Support');
  await expect(support).toHaveURL(/\/admin$/);
  await expect(support.getByTestId('staff-member')).toHaveText('Signed in as Sid Support (Support).');
  // Support does not see, and may not open, the admin-only sections.
  await expect(support.getByRole('navigation', { name: 'Staff dashboard' }).getByRole('link', { name: 'Staff' })).toHaveCount(0);
  const refused = await support.goto('/admin/staff');
  expect(refused?.status()).toBe(403);
  await expect(support.getByTestId('not-allowed')).toBeVisible();
  await other.close();

  // The admin sees the new member, and every step in the audit log.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('staff-row').filter({ hasText: supportEmail })).toBeVisible();
  await page.goto(`/admin/audit?actor=&q=${encodeURIComponent(supportEmail)}`);
  await hydrated(page);
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('accept invitation');
  await expect(rows.nth(0)).toContainText('Support');
  await expect(rows.nth(1)).toContainText('invite staff');
  await expect(rows.nth(1)).toContainText(adminEmail);

  // Taking the member off the staff is logged with before and after.
  await page.goto('/admin/staff');
  await hydrated(page);
  const row = page.getByTestId('staff-row').filter({ hasText: supportEmail });
  await row.getByLabel('Role').selectOption('shopper');
  await row.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByTestId('staff-row').filter({ hasText: supportEmail })).toHaveCount(0);
  await page.goto(`/admin/audit?q=${encodeURIComponent('change role')}`);
  await hydrated(page);
  await expect(page.getByTestId('audit-row').filter({ hasText: supportEmail }).first()).toContainText('Shopper');
});

test('support prepares and ships an order; the shopper sees the carrier and tracking', async ({ page, browser }) => {
  test.slow();
  // A guest buys a case.
  await savedCart(page, [['SIG-IP17PM-CLR-CRYCLE', 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('tracked');
  const number = await payByCard(page, shopper);

  // An admin finds it by number and moves it along in another browser.
  const staffContext = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '198.19.0.8' } });
  const staff = await staffContext.newPage();
  await useOneTimeLink(staff, createAdminLink(uniqueEmail('shipper')), 'admin password 123', 'Sam Shipper');
  await expect(staff).toHaveURL(/\/admin$/);
  await staffSection(staff, 'Orders');
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Orders');
  await staff.getByLabel('Order number contains').fill(number.slice(3).toLowerCase());
  await staff.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await expect(staff.getByTestId('order-row')).toHaveCount(1);
  await staff.getByRole('link', { name: number }).click();
  await expect(staff.getByTestId('staff-order-number')).toHaveText(number);
  await hydrated(staff);
  await expect(staff.getByTestId('staff-order-status')).toHaveText('Placed and paid');
  await staff.getByRole('button', { name: 'Mark as being prepared' }).click();
  await expect(staff.getByTestId('staff-order-status')).toHaveText('Being prepared');
  // Still cancellable while prepared, but only apart from the next steps and confirmed.
  await expect(staff.getByText('Cancel this order…')).toBeVisible();
  await expect(staff.getByRole('button', { name: /^Yes, cancel and refund/ })).toBeHidden();

  // A bad tracking number is refused and kept; a good one ships.
  await staff.getByLabel('Carrier').selectOption('ups');
  await staff.getByLabel('Tracking number').fill('12');
  await staff.getByRole('button', { name: 'Ship' }).click();
  await expect(staff.getByText('A tracking number has 6 to 40 letters and digits.')).toBeVisible();
  await staff.getByLabel('Tracking number').fill('1Z999AA10123456784');
  await staff.getByRole('button', { name: 'Ship' }).click();
  await expect(staff.getByTestId('staff-order-status')).toHaveText('Shipped');
  await staff.getByLabel('Add a note (staff only)').fill('Gift wrapped, per phone call.');
  await staff.getByRole('button', { name: 'Add note' }).click();
  await expect(staff.getByTestId('notes')).toContainText('Gift wrapped, per phone call.');
  await staffContext.close();

  // The shopper sees how to track it, and got the e-mail with the link.
  await page.goto(`/orders/${number}`);
  await hydrated(page);
  await expect(page.getByTestId('order-status')).toHaveText('Shipped');
  await expect(page.getByTestId('tracking')).toContainText('UPS');
  await expect(page.getByTestId('tracking')).toContainText('1Z999AA10123456784');
  await expect(page.getByRole('link', { name: 'Track your parcel' })).toHaveAttribute(
    'href',
    'https://www.ups.com/track?tracknum=1Z999AA10123456784',
  );
  await expect(page.getByTestId('tracking-hint')).toHaveText('Tracking can take 24-48 hours to update after shipping.');
  await expect(page.getByText('Gift wrapped')).toHaveCount(0);
  await expect.poll(() => mailTo(shopper).some((m) => m.includes('on its way') && m.includes('1Z999AA10123456784'))).toBe(true);
});

test("every staff page fits a 360 px phone without sideways scrolling, in the staff's own layout", async ({ browser }) => {
  test.slow();
  const admin = await adminPage(browser, 'narrow');
  await admin.setViewportSize({ width: 360, height: 740 });
  await admin.goto('/admin/orders');
  const order = (await admin.getByTestId('order-row').first().getByRole('link').first().textContent())!.trim();
  const pages = [
    '/admin',
    '/admin/orders',
    `/admin/orders/${order}`,
    '/admin/tickets',
    '/admin/claims',
    '/admin/customers',
    '/admin/mail',
    '/admin/holidays',
    '/admin/products',
    '/admin/products/signature-case',
    '/admin/coupons',
    '/admin/coupons/WELCOME10',
    '/admin/staff',
    '/admin/audit',
  ];
  for (const path of pages) {
    await admin.goto(path);
    await hydrated(admin);
    await expect(admin.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
    // The shoppers' header, cart, test banner and customer-care footer are not the staff's.
    await expect(admin.getByRole('link', { name: /^Cart/ })).toHaveCount(0);
    await expect(admin.getByTestId('test-mode')).toHaveCount(0);
    await expect(admin.getByRole('heading', { name: 'Customer care' })).toHaveCount(0);
    await expect(admin.getByRole('link', { name: 'View the shop' })).toBeVisible();
  }
  // On a phone the sections fold behind a menu, which names the page shown.
  const nav = admin.getByRole('navigation', { name: 'Staff dashboard' });
  await expect(nav).toBeHidden();
  await admin.getByRole('button', { name: 'Menu' }).click();
  await expect(nav).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('link', { name: 'Orders' }).click();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Orders');
  await expect(nav).toBeHidden();
  // On a wide screen they stand in a side column.
  await admin.setViewportSize({ width: 1280, height: 800 });
  await expect(admin.getByRole('button', { name: 'Menu' })).toBeHidden();
  await expect(nav).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Orders' })).toHaveAttribute('aria-current', 'page');
  const [side, main] = await Promise.all([
    nav.boundingBox(),
    admin.getByRole('heading', { level: 1 }).boundingBox(),
  ]);
  expect(side!.x + side!.width).toBeLessThanOrEqual(main!.x);
  await admin.context().close();
});

test('staff see a message the mail server kept refusing and send it again', async ({ browser }) => {
  // Twelve refusals take hours; the queue's own tests make them happen. Here one is put
  // straight into the shop's queue as the worker leaves it.
  const to = uniqueEmail('bounced');
  const now = Math.floor(Date.now() / 1000);
  execFileSync('sqlite3', [
    '-cmd',
    '.timeout 5000',
    `${dataDir}/shop.db`,
    `INSERT INTO mail_queue (to_address, subject, text_body, html_body, state, attempts, last_error, created_at, next_attempt_at)
     VALUES ('${to}', 'Your order is on its way', 'It left us today.', '<p>It left us today.</p>', 'failed', 12,
             'connection refused by the mail server', ${now}, ${now})`,
  ]);
  const admin = await adminPage(browser, 'postmaster');
  // The dashboard warns, and leads to the messages that failed.
  await admin.getByRole('link', { name: 'See and send them again' }).click();
  await expect(admin).toHaveURL(/\/admin\/mail\?state=failed$/);
  await expect(admin.getByLabel('Show')).toHaveValue('failed');
  await expect(admin.getByTestId('mail-failed')).toContainText('could not be sent after every retry');
  const row = admin.getByTestId('mail-row').filter({ hasText: to });
  await expect(row).toContainText('connection refused by the mail server');
  await hydrated(admin);
  await row.getByRole('button', { name: 'Send again' }).click();
  await expect.poll(() => mailTo(to).some((m) => m.includes('Your order is on its way'))).toBe(true);
  await admin.goto('/admin/mail');
  await expect(admin.getByTestId('mail-row').filter({ hasText: to })).toContainText('Sent');
  await admin.context().close();
});
