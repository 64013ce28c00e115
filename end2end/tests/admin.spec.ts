// The staff dashboards: the first admin made by the documented command, staff invited by
// e-mail with a role, what each role may open, and the audit log of what they did.
import { expect } from '@playwright/test';
import { createAdminLink, hydrated, oneTimeLink, signUp, test, uniqueEmail, useOneTimeLink } from './helpers';

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
  await page.getByRole('navigation', { name: 'Staff dashboard' }).getByRole('link', { name: 'Staff' }).click();
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
