// Warranty claims as a shopper files them from a phone or a computer (the mobile project runs
// each at 360 px): photos chosen, previewed, uploaded with progress, removed and added again;
// staff approve the claim and the free replacement order appears for the shopper; a claim
// with one photo, or with a file that is not a picture, is refused and keeps what was typed;
// staff ask for more, the guest answers through the e-mailed link, and staff decline.
import { expect, type Page } from '@playwright/test';
import {
  adminPage,
  deliverOrder,
  expectAdded,
  expectPhotosShown,
  hydrated,
  mailTo,
  openCheckout,
  payByCard,
  pngPhoto,
  savedCart,
  signUp,
  test,
  uniqueEmail,
  staffSection,
} from './helpers';

const front = { name: 'front.png', mimeType: 'image/png', buffer: pngPhoto(120, 90, [200, 40, 40]) };
const back = { name: 'back.png', mimeType: 'image/png', buffer: pngPhoto(90, 120, [40, 40, 200]) };
const description = 'The clear back has yellowed and a crack runs along the camera cut-out.';

/** Opens the claim form from the order's page and fills in everything but the photos. */
async function startClaim(page: Page, number: string) {
  await page.goto(`/orders/${number}`);
  await hydrated(page);
  await page.getByTestId('warranty-link').getByRole('link', { name: 'Claim under the warranty' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `2. Your claim about order ${number}` })).toBeVisible();
  await hydrated(page);
  await expect(page.getByLabel('Item', { exact: true })).toHaveValue(/\d+/);
  await page.getByLabel('What is wrong, and when did it start?').fill(description);
  await expect(page.getByText('Theft or loss')).toBeVisible();
  await page.getByLabel('The problem is none of these').check();
}

test('a shopper files a claim with two photos, staff approve it, and the free replacement appears', async ({ page, browser }) => {
  test.slow();
  const shopper = uniqueEmail('claims');
  await signUp(page, 'Wanda Warranty', shopper);
  await savedCart(page, [['SIG-IP17PM-CLR-CRYCLE', 1]]);
  await openCheckout(page);
  const number = await payByCard(page, shopper);
  const staff = await adminPage(browser, 'reviewer');
  await deliverOrder(staff, number);

  await startClaim(page, number);
  await page.getByLabel('Choose photos').setInputFiles([front, back]);
  await expectAdded(page, 'front.png');
  await expectAdded(page, 'back.png');
  // One removed and added again: the other photo and the text stay.
  await page.getByRole('button', { name: 'Remove front.png' }).click();
  await expect(page.getByTestId('photo-item')).toHaveCount(1);
  await page.getByLabel('Choose photos').setInputFiles([front]);
  await expectAdded(page, 'front.png');
  await expect(page.getByTestId('photo-item')).toHaveCount(2);
  await expect(page.getByLabel('What is wrong, and when did it start?')).toHaveValue(description);
  await page.getByRole('button', { name: 'Send claim' }).click();

  await expect(page).toHaveURL(/\/warranty\/claims\/W-[A-Z0-9]{8}\?sent=1$/);
  await expect(page.getByTestId('received')).toContainText("we've received your claim");
  await expect(page.getByTestId('claim-status')).toHaveText('Waiting for review');
  const claim = (await page.getByRole('heading', { level: 1 }).textContent())!.replace('Warranty claim ', '').trim();
  await expectPhotosShown(page, 2);
  await expect(page.getByTestId('conversation')).toContainText(description);
  await expect.poll(() => mailTo(shopper).some((m) => m.includes(`We received your warranty claim (${claim})`))).toBe(true);

  // Support finds it in the queue with its thumbnail, and approves it.
  await staffSection(staff, 'Claims');
  await hydrated(staff);
  const row = staff.getByTestId('claim-row').filter({ hasText: claim });
  await expect(row.getByRole('img', { name: `First photo of ${claim}` })).toBeVisible();
  await row.getByRole('link', { name: claim }).click();
  await expect(staff.getByTestId('claim-number')).toHaveText(claim);
  await expectPhotosShown(staff, 2);
  await staff.getByRole('button', { name: 'Approve and send replacement' }).click();
  await expect(staff.getByTestId('staff-claim-status')).toHaveText('Approved: replacement on its way');
  const replacement = (await staff.getByTestId('staff-claim-replacement').textContent())!.trim();
  // The replacement's unit leaves stock as a warranty replacement, not as a sale.
  await staff.goto('/admin/products/signature-case');
  await hydrated(staff);
  const movement = staff.getByTestId('movements').getByRole('row').filter({ hasText: replacement });
  await expect(movement).toContainText('Free warranty replacement');
  await expect(movement).toContainText('-1');
  // The customer's page lists the claim beside the orders.
  await staffSection(staff, 'Customers');
  await hydrated(staff);
  await staff.getByLabel('Name or e-mail contains').fill(shopper);
  await staff.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await staff.getByRole('link', { name: 'Wanda Warranty' }).click();
  await expect(staff.getByTestId('customer-orders')).toContainText(number);
  await expect(staff.getByTestId('claim-history')).toContainText(claim);
  await staff.context().close();

  // The shopper sees the decision and the free replacement order, which ships like any order.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('claim-status')).toHaveText('Approved: replacement on its way');
  await expect(page.getByTestId('conversation')).toContainText(`order ${replacement}`);
  await page.getByTestId('claim-replacement').click();
  await expect(page.getByTestId('order-number')).toHaveText(replacement);
  await expect(page.getByTestId('order-status')).toHaveText('Placed and paid');
  await expect(page.getByText('Nothing to pay: this is a free replacement.')).toBeVisible();
  await expect(page.getByText(`Free replacement under the warranty (claim ${claim}).`)).toBeVisible();
  await page.goto('/account/claims');
  await expect(page.getByTestId('claim-history')).toContainText(claim);
  await expect.poll(() => mailTo(shopper).some((m) => m.includes(`Your warranty claim ${claim}: approved`))).toBe(true);
});

test('a claim with one photo is refused and keeps what was typed; a file that is not a picture is refused by name', async ({ page, browser }) => {
  test.slow();
  const guest = uniqueEmail('one-photo');
  await savedCart(page, [['SIG-IP17PM-CLR-CRYCLE', 1]]);
  await openCheckout(page);
  const number = await payByCard(page, guest);
  const staff = await adminPage(browser, 'delivers');
  await deliverOrder(staff, number);
  await staff.context().close();

  await startClaim(page, number);
  await page.getByLabel('Choose photos').setInputFiles([
    front,
    { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('These are my notes, not a photo.') },
  ]);
  await expectAdded(page, 'front.png');
  const notes = page.getByTestId('photo-item').filter({ hasText: 'notes.jpg' });
  await expect(notes.getByRole('status')).toHaveText(/^notes\.jpg is not a JPEG, PNG or WebP picture/);
  await page.getByRole('button', { name: 'Remove notes.jpg' }).click();

  await page.getByRole('button', { name: 'Send claim' }).click();
  await expect(page.getByTestId('photos-error')).toHaveText('Add at least 2 photos that show the defect.');
  await expect(page).toHaveURL(/\/warranty\/claim\?/);
  await expect(page.getByLabel('What is wrong, and when did it start?')).toHaveValue(description);
  await expect(page.getByLabel('The problem is none of these')).toBeChecked();
  await expect(page.getByTestId('photo-item')).toHaveCount(1);

  // A second photo, and the same form goes through.
  await page.getByLabel('Take a photo').setInputFiles([back]);
  await expectAdded(page, 'back.png');
  await page.getByRole('button', { name: 'Send claim' }).click();
  await expect(page).toHaveURL(/\/warranty\/claims\/W-[A-Z0-9]{8}\?key=[0-9a-f]+&sent=1$/);
  await expect(page.getByTestId('claim-status')).toHaveText('Waiting for review');
  await expectPhotosShown(page, 2);
});

test('staff ask for another photo, the guest answers through the e-mailed link, and staff decline naming the exclusion', async ({ page, browser }) => {
  test.slow();
  const guest = uniqueEmail('asked');
  await savedCart(page, [['SIG-IP17PM-CLR-CRYCLE', 1]]);
  await openCheckout(page);
  const number = await payByCard(page, guest);
  const staff = await adminPage(browser, 'asks');
  await deliverOrder(staff, number);

  await startClaim(page, number);
  await page.getByLabel('Choose photos').setInputFiles([front, back]);
  await expectAdded(page, 'front.png');
  await expectAdded(page, 'back.png');
  await page.getByRole('button', { name: 'Send claim' }).click();
  await expect(page).toHaveURL(/\/warranty\/claims\/W-[A-Z0-9]{8}\?key=/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Warranty claim W-[A-Z0-9]{8}$/);
  const claim = (await page.getByRole('heading', { level: 1 }).textContent())!.replace('Warranty claim ', '').trim();

  // Support asks for more.
  await staff.goto(`/admin/claims/${claim}`);
  await hydrated(staff);
  await staff.getByLabel('Your question (e-mailed to the customer)').fill('Please add a photo of the whole case from the back.');
  await staff.getByRole('button', { name: 'Ask the customer' }).click();
  await expect(staff.getByTestId('staff-claim-status')).toHaveText('We need more from you');

  // The guest answers from the e-mail's link, in a fresh browser, with text and a photo.
  let link: string | undefined;
  await expect
    .poll(() => {
      link = mailTo(guest)
        .filter((m) => m.includes(`Your warranty claim ${claim}: we need more from you`))
        .map((m) => m.match(/https?:\/\/[^\s"<>]+\/warranty\/claims\/W-[A-Z0-9]{8}\?key=[0-9a-f]+/)?.[0])
        .find(Boolean);
      return link;
    })
    .toBeTruthy();
  const reader = await (await browser.newContext()).newPage();
  const url = new URL(link!);
  await reader.goto(url.pathname + url.search);
  await hydrated(reader);
  await expect(reader.getByTestId('claim-status')).toHaveText('We need more from you');
  await expect(reader.getByTestId('conversation')).toContainText('whole case from the back');
  await expect(reader.getByRole('heading', { level: 2, name: 'Answer our question' })).toBeVisible();
  await reader.getByLabel('Your message').fill('Here is the back of the case, as you asked.');
  await reader.getByLabel('Choose photos').setInputFiles([{ ...back, name: 'whole-back.png' }]);
  await expectAdded(reader, 'whole-back.png');
  await reader.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(reader.getByTestId('claim-status')).toHaveText('Waiting for review');
  await expectPhotosShown(reader, 3);
  await expect(reader.getByTestId('conversation')).toContainText('Here is the back of the case');

  // Support declines, naming what the warranty does not cover; the guest reads why.
  await staff.reload();
  await hydrated(staff);
  await expectPhotosShown(staff, 3);
  await staff.getByLabel('Not covered because of').selectOption('drop');
  await staff.getByLabel('Explanation for the customer (optional)').fill('The corner shows the mark of a fall.');
  await staff.getByRole('button', { name: 'Decline the claim' }).click();
  await expect(staff.getByTestId('staff-claim-status')).toHaveText('Declined');
  await staff.context().close();
  await reader.reload();
  await hydrated(reader);
  await expect(reader.getByTestId('claim-status')).toHaveText('Declined');
  await expect(reader.getByTestId('conversation')).toContainText('the warranty does not cover drops. The corner shows the mark of a fall.');
  await expect(reader.getByRole('heading', { name: 'Answer our question' })).toHaveCount(0);
  await reader.context().close();
});
