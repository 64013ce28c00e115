// Times as the shopper reads them: in their browser's own time zone, never a bare "UTC" once the
// shop knows the zone. Runs at desktop size and at 360 px (the mobile project).
import { expect, type Page } from '@playwright/test';
import { hydrated, openCheckout, orderLink, payByCard, savedCart, test, uniqueEmail } from './helpers';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HOUR = 3600_000;

/** "27 Nov 2026 14:05": the clock at `at` in a zone `hours` ahead of UTC, as the shop writes it. */
function clock(at: number, hours: number): string {
  const t = new Date(at + hours * HOUR);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
}

/** When the order page says the 12-hour change window ends. */
async function changeUntil(page: Page): Promise<string> {
  const text = (await page.getByTestId('change-panel').textContent()) ?? '';
  return /Until (.+?) you can change/.exec(text)?.[1] ?? `(not found in "${text}")`;
}

// Tokyo and Kolkata keep no summer time: their offsets (+9, +5:30) hold all year.
test.use({ timezoneId: 'Asia/Tokyo' });

test("the order page gives times in the shopper's time zone, and names UTC only until it knows the zone", async ({ page, browser }) => {
  test.slow();
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('zoned');
  const before = Date.now();
  const number = await payByCard(page, shopper);
  const after = Date.now();
  // The window ends 12 hours after the order was placed, some time between `before` and `after`.
  const ends = (hours: number) => [clock(before + 12 * HOUR, hours), clock(after + 12 * HOUR, hours)];

  await page.goto(`/orders/${number}`);
  await hydrated(page);
  expect(ends(9)).toContain(await changeUntil(page));
  await expect(page.locator('main')).not.toContainText('UTC');

  // The e-mailed link opened on a device in another zone, on its first visit to the shop: the
  // server cannot know the zone yet and says the time is UTC; from the next page on, it is local.
  const link = await orderLink(shopper, number);
  const laptop = await browser.newContext({ timezoneId: 'Asia/Kolkata' });
  const other = await laptop.newPage();
  await other.goto(link);
  expect(ends(0).map((t) => `${t} UTC`)).toContain(await changeUntil(other));
  await other.reload();
  expect(ends(5.5)).toContain(await changeUntil(other));
  await expect(other.locator('main')).not.toContainText('UTC');
  await laptop.close();
});
