// After the sale, as the shopper does it: cancelling or changing an order while the policy
// allows, reporting a delivery problem (with a photo), writing to support and reading the answer, and finding
// answers in the help center. Each runs at desktop size and at 360 px (the mobile project).
import { expect, type Page } from '@playwright/test';
import {
  adminPage,
  deliverOrder,
  expectAdded,
  expectPhotosShown,
  expectSameDocument,
  hydrated,
  mailTo,
  markDocument,
  orderLink,
  openCheckout,
  payByCard,
  pngPhoto,
  savedCart,
  shipOrder,
  signUp,
  test,
  uniqueEmail,
  staffSection,
} from './helpers';

test('a guest cancels a paid order and sees the refund on its way', async ({ page }) => {
  test.slow();
  await savedCart(page, [['SIG-IP17PM-CLR-CRYCLE', 2]]);
  await openCheckout(page);
  const shopper = uniqueEmail('cancels');
  const number = await payByCard(page, shopper);

  await page.goto(`/orders/${number}`);
  await hydrated(page);
  const panel = page.getByTestId('cancel-panel');
  await panel.getByText('Cancel this order').click();
  await expect(panel).toContainText('The $39.98 you paid goes back to Visa ending in 4242');
  await panel.getByRole('button', { name: 'Yes, cancel my order' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Refunded');
  await expect(page.getByTestId('cancel-panel')).toHaveCount(0);
  const refunds = page.getByTestId('refunds');
  await expect(refunds).toContainText('$39.98');
  await expect(refunds).toContainText('5-14 working days');
  await expect(page.getByText('Cancelled at your request')).toBeVisible();
  await expect.poll(() => mailTo(shopper).filter((m) => m.includes('refund for order')).length).toBe(1);
  // The shopper is told the order is cancelled, not only that money comes back.
  await expect.poll(() => mailTo(shopper).some((m) => m.includes(`order ${number} is cancelled`) && m.includes('nothing will be shipped'))).toBe(true);
});

test("the order link in the e-mails opens the order on another device; without it, the order is found by e-mail", async ({ page, browser }) => {
  test.slow();
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('linked');
  const number = await payByCard(page, shopper);
  const link = await orderLink(shopper, number);

  // Another device: the link opens the order, and that browser keeps seeing it.
  const phone = await browser.newContext();
  const other = await phone.newPage();
  await other.goto(link);
  await expect(other.getByTestId('order-number')).toHaveText(number);
  await expect(other.getByTestId('order-status')).toHaveText('Placed and paid');
  await other.goto(`/orders/${number}`);
  await expect(other.getByTestId('order-number')).toHaveText(number);
  await phone.close();

  // A third browser without the link (or with a wrong one) is asked for the e-mail address,
  // with the number filled in: never "Page not found".
  const laptop = await browser.newContext();
  const third = await laptop.newPage();
  await third.goto(`/orders/${number}?key=${'0'.repeat(64)}`);
  await expect(third.getByRole('heading', { level: 1 })).toHaveText('Find your order');
  await expect(third.getByTestId('find-this-order')).toContainText(number);
  await hydrated(third);
  await expect(third.getByLabel('Order number')).toHaveValue(number);
  await third.getByLabel('E-mail').fill(shopper);
  await third.getByRole('button', { name: 'Find order' }).click();
  await expect(third.getByTestId('order-number')).toHaveText(number);
  await laptop.close();

  // An account's order: its link asks the owner to sign in, then shows it.
  const owner = uniqueEmail('linked-account');
  const own = await browser.newPage();
  await signUp(own, 'Lin Linked', owner);
  await savedCart(own, [['GRP-MIDBLA', 1]]);
  await openCheckout(own);
  const mine = await payByCard(own, owner);
  await own.close();
  const ownLink = await orderLink(owner, mine);
  const elsewhere = await browser.newContext();
  const away = await elsewhere.newPage();
  await away.goto(ownLink);
  await expect(away.getByTestId('sign-in-for-order')).toBeVisible();
  await away.getByRole('link', { name: 'Sign in to see your order' }).click();
  await expect(away).toHaveURL(/\/account\/sign-in\?next=/);
  await hydrated(away);
  await away.getByLabel('E-mail').fill(owner);
  await away.getByLabel('Password').fill('correct horse battery');
  await away.getByRole('button', { name: 'Sign in' }).click();
  await expect(away.getByTestId('order-number')).toHaveText(mine);
  await elsewhere.close();
});

test('a guest changes the colour of an item within 12 hours; the shipping method stays', async ({ page }) => {
  test.slow();
  await savedCart(page, [['SIG-PX10XL-SLM-MIDBLA', 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('changes');
  const number = await payByCard(page, shopper);

  await page.goto(`/orders/${number}`);
  await hydrated(page);
  const panel = page.getByTestId('change-panel');
  await panel.getByText('Change an item', { exact: true }).click();
  await expect(panel).toContainText('The shipping method cannot be changed.');
  const item = (await panel.locator('.change-item p').first().textContent())!;
  const model = item.split(' · ')[1];
  // The list starts on the item as it was ordered; choosing it changes nothing.
  const choice = panel.getByLabel('Change to');
  await expect(choice.locator('option:checked')).toHaveText(`${model} · Slim · Midnight Black (as ordered)`);
  await panel.getByRole('button', { name: 'Change this item' }).click();
  await expect(page.getByTestId('change-error')).toHaveText('This is the item as it is now: choose another variant to change to.');
  await choice.selectOption({ label: `${model} · Slim · Ocean Blue` });
  await panel.getByRole('button', { name: 'Change this item' }).click();
  await expect(page.getByTestId('change-done')).toHaveText("Item changed. We've e-mailed you the new details.");
  await expect(page.getByText(`Item changed: Signature Case from ${model} · Slim · Midnight Black to ${model} · Slim · Ocean Blue.`)).toBeVisible();
  await expect.poll(() => mailTo(shopper).some((m) => m.includes(`order ${number}: item changed`) && m.includes('Ocean Blue instead of'))).toBe(true);
  await expect(page.locator('.order-line')).toContainText('Ocean Blue');
  await expect(page.locator('.order-line')).not.toContainText('Midnight Black');
  await expect(page.getByTestId('order-status')).toHaveText('Placed and paid');
});

const crack = { name: 'crack.png', mimeType: 'image/png', buffer: pngPhoto(120, 90, [180, 60, 30]) };

/**
 * Opens the problem panel on order `number`'s page. Its form is an island that hydrates when the
 * panel opens: the photo picker shows once it has.
 */
async function openProblemPanel(page: Page, number: string) {
  await page.goto(`/orders/${number}`);
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  const wasm = () => page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length);
  const before = await wasm();
  const panel = page.getByTestId('problem-panel');
  await panel.getByText('Report a problem with this delivery').click();
  await expect(panel.getByText('If they help, up to 8')).toBeVisible();
  // Its code arrived only now.
  expect(await wasm()).toBeGreaterThan(before);
  return panel;
}

/** The number of the ticket the page shows. */
async function shownTicket(page: Page): Promise<string> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Ticket T-[A-Z0-9]{8}$/);
  return (await page.getByRole('heading', { level: 1 }).textContent())!.replace('Ticket ', '').trim();
}

/** Staff find ticket `ticket` by its order `number` in the queue, and open it. */
async function openTicketByOrder(staff: Page, number: string, ticket: string) {
  await staff.goto('/admin/tickets');
  await hydrated(staff);
  await staff.getByLabel('Number, name, e-mail or order').fill(number);
  await staff.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await expect(staff.getByTestId('ticket-row')).toHaveCount(1);
  await staff.getByRole('link', { name: ticket }).click();
  await expect(staff.getByTestId('ticket-order')).toHaveText(number);
}

test('a shopper reports a damaged item after delivery, and support finds it in the queue', async ({ page, browser }) => {
  test.slow();
  await savedCart(page, [['SIG-IP17PM-CLR-CRYCLE', 1]]);
  await openCheckout(page);
  const number = await payByCard(page, uniqueEmail('damaged'));

  // Staff prepare, ship and deliver it.
  const staff = await adminPage(browser, 'deliverer');
  await deliverOrder(staff, number);

  // The shopper reports it; a description that says nothing is refused first.
  const panel = await openProblemPanel(page, number);
  await expect(panel).toContainText('within 3 business days of delivery');
  await panel.getByLabel('What happened').selectOption('damaged');
  await panel.getByLabel('Describe the problem').fill('Cracked');
  await panel.getByRole('button', { name: 'Send report' }).click();
  await expect(panel.getByText('Tell us a little more: at least 10 characters.')).toBeVisible();
  await panel.getByLabel('Describe the problem').fill('The case arrived with a crack along the left edge.');
  // A photo of the damage goes with it (optional; the picker is the warranty form's).
  await panel.getByLabel('Choose photos').setInputFiles([crack]);
  await expectAdded(page, 'crack.png');
  await expect(panel.getByLabel('Describe the problem')).toHaveValue(/crack along the left edge/);
  await panel.getByRole('button', { name: 'Send report' }).click();
  await expect(page).toHaveURL(/\/support\/tickets\/T-[A-Z0-9]{8}\?key=/);
  await expect(page.getByTestId('ticket-status')).toHaveText('Open');
  await expectPhotosShown(page, 1);
  await expect(page.getByTestId('conversation')).toContainText('An item arrived damaged');
  await expect(page.getByTestId('conversation')).toContainText('crack along the left edge');
  const ticket = await shownTicket(page);

  // Support sees it in the open queue, linked to the order.
  await openTicketByOrder(staff, number, ticket);
  await expect(staff.getByText('A problem with a delivery: An item arrived damaged')).toBeVisible();
  await expectPhotosShown(staff, 1);
  // And the order's page lists it.
  await staff.getByTestId('ticket-order').click();
  await expect(staff.getByTestId('ticket-history')).toContainText(ticket);
  await staff.context().close();
});

test('a shopper reports a shipped package as lost, answers with a photo, and support finds both under its topic', async ({ page, browser }) => {
  test.slow();
  await savedCart(page, [['GRP-MIDBLA', 1]]);
  await openCheckout(page);
  const shopper = uniqueEmail('lost');
  const number = await payByCard(page, shopper);
  const staff = await adminPage(browser, 'shipper');
  await shipOrder(staff, number);

  // Before (or without) its script, the report posts as a plain form: one that needs more
  // comes back with its panel open, the reason and what was typed.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(await orderLink(shopper, number));
  const plainPanel = plain.getByTestId('problem-panel');
  await plainPanel.getByText('Report a problem with this delivery').click();
  await plainPanel.getByLabel('Describe the problem').fill('Late');
  await plainPanel.getByRole('button', { name: 'Send report' }).click();
  await expect(plainPanel.getByText('Tell us a little more: at least 10 characters.')).toBeVisible();
  await expect(plainPanel.getByLabel('Describe the problem')).toHaveValue('Late');
  await noScript.close();

  const panel = await openProblemPanel(page, number);
  await expect(page.getByTestId('tracking')).toContainText('JD014600003828');
  await expect(page.getByTestId('tracking-hint')).toHaveText('Tracking can take 24-48 hours to update after shipping.');
  await expect(panel).toContainText('Tell us if your package seems lost or is late');
  // On its way, the only thing to report is a lost or late package.
  await expect(panel.getByLabel('What happened').locator('option')).toHaveText(['My package is lost or late']);
  await panel.getByLabel('Describe the problem').fill('The tracking has not moved for a week.');
  await panel.getByRole('button', { name: 'Send report' }).click();
  await expect(page).toHaveURL(/\/support\/tickets\/T-[A-Z0-9]{8}\?key=[0-9a-f]+&sent=1$/);
  await expect(page.getByTestId('received')).toContainText("we've received your message. We've e-mailed a confirmation");
  await expect(page.getByTestId('conversation')).toContainText('My package is lost or late');
  await expect(page.getByTestId('conversation')).toContainText('has not moved for a week');
  await expect(page.getByTestId('photos')).toHaveCount(0);
  const ticket = await shownTicket(page);
  // A reply can carry photos too (here, of the carrier's notice).
  await page.getByLabel('Your message').fill('The carrier left this notice yesterday.');
  await page.getByRole('button', { name: 'Add photos' }).click();
  await page.getByLabel('Choose photos').setInputFiles([{ ...crack, name: 'notice.png' }]);
  await expectAdded(page, 'notice.png');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByTestId('conversation')).toContainText('left this notice yesterday');
  await expectPhotosShown(page, 1);
  await expect(page.getByTestId('photo-item')).toHaveCount(0);
  await expect(page.getByLabel('Your message')).toHaveValue('');

  await openTicketByOrder(staff, number, ticket);
  await expect(staff.getByText('A lost or late package: My package is lost or late')).toBeVisible();
  await expectPhotosShown(staff, 1);
  await staff.context().close();
});

test('a guest writes to us, support answers, and the guest reads it through the e-mailed link', async ({ page, browser }) => {
  test.slow();
  const guest = uniqueEmail('asks');
  await page.goto('/help');
  await hydrated(page);
  await page.getByRole('main').getByRole('link', { name: 'Send us a ticket' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Send us a message');
  await hydrated(page);
  await page.getByLabel('Your name').fill('Grace');
  await page.getByLabel('E-mail').fill(guest);
  await page.getByLabel('About').selectOption('product');
  await page.getByLabel('Order number (optional)').fill('not a number');
  await page.getByLabel('Your message').fill('Does the Slim case fit with a <b>screen protector</b>?');
  await page.getByRole('button', { name: 'Send' }).click();
  // A wrong order number is refused; everything typed stays.
  await expect(page.getByText('Enter the order number from your confirmation', { exact: false })).toBeVisible();
  await expect(page.getByLabel('Your message')).toHaveValue('Does the Slim case fit with a <b>screen protector</b>?');
  await page.getByLabel('Order number (optional)').fill('');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL(/\/support\/tickets\/T-[A-Z0-9]{8}\?key=/);
  const ticket = await shownTicket(page);
  await expect(page.getByTestId('conversation')).toContainText('with a <b>screen protector</b>?');
  await expect.poll(() => mailTo(guest).some((m) => m.includes(`We received your message (${ticket})`))).toBe(true);

  // Support answers from the queue.
  const staff = await adminPage(browser, 'answers');
  await staffSection(staff, 'Tickets');
  await hydrated(staff);
  await staff.getByRole('link', { name: ticket }).click();
  await expect(staff.getByTestId('ticket-number')).toHaveText(ticket);
  await hydrated(staff);
  await staff.getByLabel('Your answer (e-mailed to the customer)').fill('Yes: every Slim case leaves room for our screen protectors.');
  await staff.getByRole('button', { name: 'Send answer' }).click();
  await expect(staff.getByTestId('staff-ticket-status')).toHaveText('Waiting on customer');
  await expect(staff.getByTestId('conversation')).toContainText('leaves room for our screen protectors');
  // The answer is in the shop's mail queue, which staff can read.
  await staffSection(staff, 'E-mail');
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('E-mail');
  await expect(staff.getByTestId('mail-row').filter({ hasText: `New answer on your ticket ${ticket}` })).toHaveCount(1);
  await staff.context().close();

  // The answer arrives by e-mail; its link opens the conversation in a fresh browser.
  let link: string | undefined;
  await expect
    .poll(() => {
      link = mailTo(guest)
        .filter((m) => m.includes(`New answer on your ticket ${ticket}`))
        .map((m) => m.match(/https?:\/\/[^\s"<>]+\/support\/tickets\/T-[A-Z0-9]{8}\?key=[0-9a-f]+/)?.[0])
        .find(Boolean);
      return link;
    })
    .toBeTruthy();
  const fresh = await browser.newContext();
  const reader = await fresh.newPage();
  const url = new URL(link!);
  await reader.goto(url.pathname + url.search);
  await hydrated(reader);
  await expect(reader.getByTestId('conversation')).toContainText('leaves room for our screen protectors');
  await expect(reader.getByTestId('ticket-status')).toHaveText('Waiting on customer');
  await reader.getByLabel('Your message').fill('Thank you, ordering now!');
  await reader.getByRole('button', { name: 'Send reply' }).click();
  await expect(reader.getByTestId('ticket-status')).toHaveText('Open');
  await expect(reader.getByTestId('conversation')).toContainText('Thank you, ordering now!');
  await expect(reader.getByLabel('Your message')).toHaveValue('');
  // Without the key, the ticket is not there.
  await reader.goto(url.pathname);
  await expect(reader.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await fresh.close();
});

test('the shipping cost is found by searching the help center, and the answer has its own address', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('search').first().getByLabel('Search products and help').fill('shipping cost');
  await page.getByRole('search').first().getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/search\?q=shipping(\+|%20)cost$/);
  await hydrated(page);
  const answers = page.getByTestId('search-answers');
  await expect(answers.getByRole('link').first()).toHaveText('How much does shipping cost?');
  // Typing in the results page's box updates the results without a page load.
  await markDocument(page);
  await page.getByLabel('Products and help', { exact: true }).fill('ocean blue');
  await expect(page).toHaveURL(/\/search\?q=ocean%20blue$/);
  await expect(page.getByTestId('search-products')).toContainText('Signature Case');
  await expectSameDocument(page);
  await page.getByLabel('Products and help', { exact: true }).fill('shipping cost');
  await answers.getByRole('link', { name: 'How much does shipping cost?' }).click();
  await expect(page).toHaveURL(/\/help\/shipping-costs$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How much does shipping cost?');
  await expect(page.getByRole('main')).toContainText('Standard shipping: $5.00 when your merchandise total (after any promo code) is under $30.00; free from $30.00.');
  await expect(page.getByRole('main')).toContainText('Express by DHL: $15.00.');
  await expect(page.getByRole('main').locator('.contact')).toContainText('customer-care@example.com');
});

test('the header search suggests products and help answers as you type, on every kind of page', async ({ page }) => {
  const box = page.getByRole('search').first().getByLabel('Search products and help');
  const suggestions = page.getByTestId('site-suggestions');
  // Home is served as islands: the box is an island of its own.
  await page.goto('/');
  await hydrated(page);
  await box.fill('ocean blue');
  await expect(suggestions.getByRole('list', { name: 'Products' }).getByRole('link', { name: 'Signature Case' })).toBeVisible();
  // A search box may not say it is expanded (axe: aria-allowed-attr); it names what it controls.
  await expect(box).toHaveAttribute('aria-controls', 'site-suggestions');
  await box.press('Escape');
  await expect(suggestions).toBeHidden();
  await box.fill('shipping cost');
  await suggestions.getByRole('link', { name: 'How much does shipping cost?' }).click();
  await expect(page).toHaveURL(/\/help\/shipping-costs$/);
  // The help center is hydrated by the app's bundle: there the box is a component, and a
  // suggestion followed by the router closes the list behind it.
  await hydrated(page);
  await box.fill('refund');
  await expect(suggestions.getByRole('list', { name: 'Help answers' }).getByRole('link').first()).toBeVisible();
  await suggestions.getByRole('link', { name: 'See all results' }).click();
  await expect(page).toHaveURL(/\/search\?q=refund$/);
  await expect(page.getByTestId('search-answers')).toContainText(/refund/i);
  await expect(suggestions).toBeHidden();
});

test('a signed-in shopper writes to us and finds the ticket in the account; staff resolve it', async ({ page, browser }) => {
  test.slow();
  const shopper = uniqueEmail('member-asks');
  await signUp(page, 'Ada Member', shopper);
  await page.getByRole('link', { name: 'Your messages to us' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your messages to us');
  await expect(page.getByText('No messages yet.')).toBeVisible();
  await page.getByRole('main').getByRole('link', { name: 'Send us a message' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Send us a message');
  await hydrated(page);
  // The account's name and address are filled in.
  await expect(page.getByLabel('Your name')).toHaveValue('Ada Member');
  await expect(page.getByLabel('E-mail')).toHaveValue(shopper);
  await page.getByLabel('About').selectOption('shipping');
  await page.getByLabel('Your message').fill('Can you ship to a parcel locker in Germany?');
  await page.getByRole('button', { name: 'Send' }).click();
  // An account's ticket needs no private key: the account opens it.
  await expect(page).toHaveURL(/\/support\/tickets\/T-[A-Z0-9]{8}\?sent=1$/);
  await expect(page.getByTestId('received')).toContainText("we've received your message");
  const ticket = await shownTicket(page);
  await page.goto('/account/tickets');
  await hydrated(page);
  await expect(page.getByTestId('ticket-history')).toContainText(ticket);

  // Staff mark it resolved without answering.
  const staff = await adminPage(browser, 'resolves');
  await staff.goto(`/admin/tickets/${ticket}`);
  await hydrated(staff);
  await staff.getByLabel('Status', { exact: true }).selectOption('resolved');
  await staff.getByRole('button', { name: 'Change status' }).click();
  await expect(staff.getByTestId('staff-ticket-status')).toHaveText('Resolved');
  await staff.context().close();

  await page.getByTestId('ticket-history').getByRole('link', { name: ticket }).click();
  await expect(page.getByTestId('ticket-status')).toHaveText('Resolved');
  await expect(page.getByRole('heading', { name: 'Write again' })).toBeVisible();
});
