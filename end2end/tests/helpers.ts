import { test as base, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as zlib from 'node:zlib';

/**
 * Waits until the WASM has hydrated the page: clicks before that would be lost. A split page
 * waits for the app's bundle and its own chunk, which a loaded two-core machine running two
 * browsers and two shops can take longer than the usual ten seconds to fetch and compile.
 */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 20_000 });
}

/** Marks the current document, so a test can prove that no page load happened since. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

export async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}

/** Where the test server keeps its data; the shop writes e-mail to `outbox` inside it. */
export const dataDir = process.env.E2E_DATA_DIR ?? `/tmp/casefront-e2e-${process.env.E2E_PORT ?? 3100}`;
export const outboxDir = `${dataDir}/outbox`;

/**
 * Every test ends with axe on each of the shop's pages it has open (the shopper's and any
 * staff member's): no serious or critical violation, in the state the test left it.
 */
export const checked = base.extend<{ accessible: void }>({
  accessible: [
    // Named, the page is set up before this check and closed only after it.
    async ({ page, browser, baseURL, javaScriptEnabled }, use, testInfo) => {
      await use();
      // Axe is a script: a test of the pages without JavaScript leaves them unchecked here
      // (the same pages are checked with it by the other tests).
      if (testInfo.status !== testInfo.expectedStatus || javaScriptEnabled === false) return;
      const origin = new URL(baseURL!).origin;
      const pages = [page, ...browser.contexts().flatMap((context) => context.pages())];
      for (const open of [...new Set(pages)].filter((p) => !p.isClosed() && p.url().startsWith(origin))) {
        expect(await axeViolations(open), `axe on ${open.url()}`).toEqual([]);
      }
    },
    { auto: true },
  ],
});

/**
 * Every test gets a client address of its own (the test server trusts the loopback proxy's
 * X-Forwarded-For), so the shop's per-address rate limits see each test as its own visitor.
 */
export const test = checked.extend({
  extraHTTPHeaders: async ({}, use) => {
    const octet = () => Math.floor(Math.random() * 254) + 1;
    await use({ 'X-Forwarded-For': `198.18.${octet()}.${octet()}` });
  },
});

/**
 * Axe's serious and critical findings on the page as it is, one line each. Run in the page
 * itself (legacy mode): a page opened by `browser.newPage()` has no context of its own for
 * axe to open another in, and the one frame the shop embeds is Stripe's, not ours to check.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export function uniqueEmail(tag: string) {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** The bodies of a message as sent: quoted-printable soft breaks and escapes undone. */
function decoded(mail: string): string {
  return mail
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Every message in the outbox, decoded, oldest first. */
export function outbox(): string[] {
  if (!fs.existsSync(outboxDir)) return [];
  return fs
    .readdirSync(outboxDir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => path.join(outboxDir, f))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs)
    .map((f) => decoded(fs.readFileSync(f, 'utf8')));
}

/** Every message in the outbox addressed to `email`, decoded, oldest first. */
export function mailTo(email: string): string[] {
  return outbox().filter((m) => m.toLowerCase().includes(`to: ${email.toLowerCase()}`));
}

/** The path and query of order `number`'s private link, once an e-mail to `email` carries it. */
export async function orderLink(email: string, number: string): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]+/orders/${number}\\?key=[0-9a-f]{64}`);
  let link = '';
  await expect
    .poll(() => {
      link = mailTo(email).map((m) => m.match(pattern)?.[0] ?? '').find(Boolean) ?? '';
      return link;
    })
    .not.toBe('');
  const url = new URL(link);
  return url.pathname + url.search;
}

/** The sign-up link e-mailed to `email`. */
export async function signUpLink(email: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(() => {
      link = mailTo(email)
        .map((m) => m.match(/https?:\/\/[^\s"<>]+\/account\/confirm\?token=[0-9a-f]{64}/)?.[0])
        .find(Boolean);
      return link;
    })
    .toBeTruthy();
  return new URL(link!).pathname + new URL(link!).search;
}

/** Fills in and sends the sign-up form. */
export async function fillSignUp(page: Page, name: string, email: string, password: string) {
  await page.goto('/account/sign-up');
  await hydrated(page);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Signs up and finishes through the e-mailed link, ending signed in on the account page. */
export async function signUp(page: Page, name: string, email: string, password = 'correct horse battery') {
  await fillSignUp(page, name, email, password);
  await expect(page).toHaveURL(/\/account\/check-email$/);
  await page.goto(await signUpLink(email));
  await hydrated(page);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

/** What the shop keeps in localStorage for a cart (the text format of `Cart::encode`). */
export function storedCart(lines: [string, number][], extra: { coupon?: string; country?: string; method?: 'standard' | 'express' } = {}) {
  const rows = ['cart 2', `method ${extra.method ?? 'standard'}`];
  if (extra.country) rows.push(`country ${extra.country}`);
  if (extra.coupon) rows.push(`coupon ${extra.coupon}`);
  for (const [sku, quantity] of lines) rows.push(`line ${sku} ${quantity}`);
  return rows.join('\n');
}

/** Puts a cart into localStorage before the first page load, as an earlier visit would. */
export async function savedCart(page: Page, lines: [string, number][], extra: Parameters<typeof storedCart>[1] = {}) {
  await page.addInitScript((value) => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('casefront.cart', value);
      sessionStorage.setItem('seeded', '1');
    }
  }, storedCart(lines, extra));
}

export async function openCheckout(page: Page) {
  await page.goto('/checkout');
  await hydrated(page);
  await expect(page.getByTestId('total')).toBeVisible();
}

export async function fillContactAndAddress(page: Page, email: string) {
  await page.getByLabel('E-mail for your confirmation').fill(email);
  await page.getByLabel('Full name').fill('Grace Hopper');
  await page.getByLabel('Street address').fill('1 Compiler Way');
  await page.getByLabel('City', { exact: true }).fill('Arlington');
  await page.getByLabel('State', { exact: true }).selectOption('VA');
  await page.getByLabel('ZIP code').fill('22201');
}

/** Pays the open checkout with the test Visa card as `email`; returns the placed order's number. */
export async function payByCard(page: Page, email: string): Promise<string> {
  await fillContactAndAddress(page, email);
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('Security code').fill('123');
  await page.getByRole('button', { name: /^Pay \$/ }).click();
  await expect(page).toHaveURL(/\/orders\/CF-[A-Z0-9]{8}\?placed=1$/);
  return (await page.getByTestId('order-number').textContent())!.trim();
}

/**
 * Makes `email` an admin the documented way (`server create-admin EMAIL`, on the test server's
 * database) and returns the path of the one-time link it prints.
 */
export function createAdminLink(email: string, data = dataDir): string {
  const target = process.env.CARGO_TARGET_DIR ?? path.join(__dirname, '..', '..', 'target');
  const printed = execFileSync(path.join(target, 'release', 'server'), ['create-admin', email], {
    env: { ...process.env, SHOP_DATA_DIR: data, RUST_LOG: 'warn' },
    encoding: 'utf8',
  });
  const link = printed.match(/https?:\/\/\S+\/account\/set-password\?token=[0-9a-f]{64}/)?.[0];
  expect(link, printed).toBeTruthy();
  return new URL(link!).pathname + new URL(link!).search;
}

/** The newest one-time link (password reset or invitation) e-mailed to `email`. */
export async function oneTimeLink(email: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(() => {
      link = mailTo(email)
        .map((m) => m.match(/https?:\/\/[^\s"<>]+\/account\/set-password\?token=[0-9a-f]{64}/)?.[0])
        .filter(Boolean)
        .pop();
      return link;
    })
    .toBeTruthy();
  return new URL(link!).pathname + new URL(link!).search;
}

/** Opens a one-time link and chooses `password` (and `name`, for a new account). */
export async function useOneTimeLink(page: Page, link: string, password: string, name?: string) {
  await page.goto(link);
  await hydrated(page);
  if (name) await page.getByLabel('Your name').fill(name);
  await page.getByLabel(/^New password/).fill(password);
  await page.getByRole('button', { name: 'Save password' }).click();
}

/**
 * A new admin, signed in in a browser of their own (with a client address of its own), on the
 * test server whose data folder is `data`.
 */
export async function adminPage(browser: Browser, tag: string, data = dataDir): Promise<Page> {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': `198.19.${octet()}.${octet()}` } });
  const page = await context.newPage();
  await useOneTimeLink(page, createAdminLink(uniqueEmail(tag), data), 'admin password 123', 'Ada Admin');
  await expect(page).toHaveURL(/\/admin$/);
  return page;
}

/**
 * Opens the staff dashboard's section `name` from its side navigation, which a phone folds
 * behind the "Menu" button.
 */
export async function staffSection(staff: Page, name: string) {
  const menu = staff.getByRole('button', { name: 'Menu' });
  // The navigation comes with the staff member's session; only then can its button be seen.
  await staff.locator('#staff-nav').waitFor({ state: 'attached' });
  if (await menu.isVisible()) {
    await hydrated(staff);
    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
  }
  await staff.getByRole('navigation', { name: 'Staff dashboard' }).getByRole('link', { name, exact: true }).click();
}

/** Staff (`staff`, an admin's page) prepare, ship and deliver order `number`. */
export async function deliverOrder(staff: Page, number: string) {
  await shipOrder(staff, number);
  await staff.getByRole('button', { name: 'Mark as delivered' }).click();
  await expect(staff.getByTestId('staff-order-status')).toHaveText('Delivered');
}

/** Staff (`staff`, an admin's page) prepare and ship order `number` with DHL. */
export async function shipOrder(staff: Page, number: string) {
  await staff.goto(`/admin/orders/${number}`);
  await hydrated(staff);
  await staff.getByRole('button', { name: 'Mark as being prepared' }).click();
  await expect(staff.getByTestId('staff-order-status')).toHaveText('Being prepared');
  await staff.getByLabel('Carrier').selectOption('dhl');
  await staff.getByLabel('Tracking number').fill('JD014600003828');
  await staff.getByRole('button', { name: 'Ship' }).click();
  await expect(staff.getByTestId('staff-order-status')).toHaveText('Shipped');
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A real PNG photo, `width` × `height`, in a colour of its own: what a test uploads. */
export function pngPhoto(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (kind: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(kind, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([(r + x) & 0xff, g, (b + x * 2) & 0xff], 1 + x * 3);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The photo in the form named `name`, once the shop has kept it. */
export async function expectAdded(page: Page, name: string) {
  const item = page.getByTestId('photo-item').filter({ hasText: name });
  await expect(item.getByRole('status')).toHaveText('Added');
  await expect(item.getByRole('progressbar', { name: `Upload of ${name}` })).toHaveJSProperty('value', 100);
  await expect(item.getByRole('img', { name: `Preview of ${name}` })).toBeVisible();
}

/** The page shows `count` photos, each one loaded (the shop served it to this reader). */
export async function expectPhotosShown(page: Page, count: number) {
  const photos = page.getByTestId('photos').getByRole('img');
  await expect(photos).toHaveCount(count);
  for (const photo of await photos.all()) {
    await photo.scrollIntoViewIfNeeded();
    await expect(photo).toHaveJSProperty('complete', true);
    expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  }
}

/** The product page's colour swatch named `name` (a sold-out one's name ends "(sold out)"). */
export function colourSwatch(page: Page, name: string) {
  return page.getByRole('group', { name: 'Colour' }).getByRole('radio', { name });
}
