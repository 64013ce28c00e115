// The shop's holidays: staff list them, and every delivery estimate skips and names them.
import { expect } from '@playwright/test';
import { adminPage, hydrated, savedCart, staffSection, test } from './helpers';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The `n`th weekday after today in the test shop's zone (UTC): as a date field takes it, and as the shop writes it. */
function weekdayAhead(n: number) {
  const day = new Date();
  day.setUTCHours(12, 0, 0, 0);
  for (let left = n; left > 0; ) {
    day.setUTCDate(day.getUTCDate() + 1);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) left--;
  }
  return {
    iso: day.toISOString().slice(0, 10),
    shown: `${WEEKDAYS[day.getUTCDay()]} ${day.getUTCDate()} ${MONTHS[day.getUTCMonth()]}`,
  };
}

test('a holiday staff add moves the delivery estimates, which name it; removing it takes it back', async ({ page, browser }, testInfo) => {
  // Each project its own day and name: both may run at once against the same shop.
  const mobile = testInfo.project.name === 'mobile';
  const holiday = weekdayAhead(mobile ? 4 : 3);
  const name = `Founders' Day ${testInfo.project.name}`;
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await page.goto('/cart');
  await hydrated(page);
  const eta = page.locator('label[for="ship-standard"] .method__eta');
  const before = (await eta.textContent())!;
  const note = page.getByTestId('delivery-note');
  await expect(note).not.toContainText(name);

  const admin = await adminPage(browser, 'holidays');
  if (mobile) await admin.setViewportSize({ width: 360, height: 740 });
  await staffSection(admin, 'Holidays');
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Holidays');
  await expect(admin.getByText("Days in the shop's time zone, UTC")).toBeVisible();
  await hydrated(admin);
  await admin.getByLabel('Day', { exact: true }).fill('2020-01-01');
  await admin.getByLabel('Name', { exact: true }).fill(name);
  await admin.getByRole('button', { name: 'Add holiday' }).click();
  await expect(admin.getByText('Choose today or a later day: past days no longer count.')).toBeVisible();
  await expect(admin.getByLabel('Name', { exact: true })).toHaveValue(name);
  await admin.getByLabel('Day', { exact: true }).fill(holiday.iso);
  await admin.getByRole('button', { name: 'Add holiday' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Holiday added' })).toBeVisible();
  const row = admin.getByTestId('holidays').getByRole('row').filter({ hasText: name });
  await expect(row).toContainText(holiday.shown);
  // The form is cleared: pressing again cannot add the day twice by mistake.
  await expect(admin.getByLabel('Name', { exact: true })).toHaveValue('');
  const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the holidays page scrolls sideways').toBeLessThanOrEqual(0);

  // The shopper's estimate now skips the day and says so.
  await page.reload();
  await hydrated(page);
  await expect(note).toContainText(`${name} (${holiday.shown})`);
  await expect(eta).not.toHaveText(before);

  await admin.goto(`/admin/audit?q=${encodeURIComponent('add holiday')}`);
  await expect(admin.getByTestId('audit-row').filter({ hasText: name }).first()).toContainText(holiday.iso);

  await staffSection(admin, 'Holidays');
  await admin.getByTestId('holidays').getByRole('button', { name: `Remove ${name}` }).click();
  await expect(admin.getByTestId('holidays').getByRole('row').filter({ hasText: name })).toHaveCount(0);
  await page.reload();
  await hydrated(page);
  await expect(note).not.toContainText(name);
});
