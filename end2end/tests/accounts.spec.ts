import { expect } from '@playwright/test';
import { fillSignUp, hydrated, mailTo, oneTimeLink, signUp, signUpLink, test, uniqueEmail, useOneTimeLink } from './helpers';

test('sign up through the e-mailed link, sign out, sign in again and change the password', async ({ page }) => {
  const email = uniqueEmail('ann');
  await signUp(page, 'Ann Example', email, 'correct horse battery');
  await expect(page.getByTestId('account-name')).toHaveText('Ann Example');
  await expect(page.getByRole('link', { name: 'Account' })).toBeVisible();

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'casefront_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  // The home page is a split route of the app's: the router draws it once its code arrives.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Protection that fits. Made by us.');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();

  await page.goto('/account/sign-in');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('wrong password here');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText("That e-mail address and password don't match an account.")).toBeVisible();
  await expect(page.getByLabel('E-mail')).toHaveValue(email);

  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('account-name')).toHaveText('Ann Example');

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel(/^New password/).fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your current password is not right.')).toBeVisible();
  await page.getByLabel('Current password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your password has been changed.')).toBeVisible();
});

test('signing in from the shop goes back there with the header showing the account', async ({ page }) => {
  const email = uniqueEmail('back');
  await signUp(page, 'Bea Back', email);
  await page.context().clearCookies();
  // The shop is in the main bundle: the page after the redirect appears at once, so the
  // header must refresh even though the sign-in page is gone before its answer is read.
  await page.goto('/account/sign-in?next=/shop');
  await hydrated(page);
  const banner = page.getByRole('banner');
  await expect(banner.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/shop$/);
  await expect(banner.getByRole('link', { name: 'Account' })).toBeVisible();
  await expect(banner.getByRole('link', { name: 'Sign in' })).toHaveCount(0);
});

test('sign-up explains every field, and never tells whether an address has an account', async ({ page }) => {
  const email = uniqueEmail('dup');
  await signUp(page, 'First', email, 'correct horse battery');
  await expect(page.getByTestId('account-name')).toHaveText('First');
  await page.context().clearCookies();

  await fillSignUp(page, '', 'not-an-email', 'short');
  await expect(page.getByText('Enter your name.')).toBeVisible();
  await expect(page.getByText('Enter an e-mail address like name@example.com.')).toBeVisible();
  await expect(page.getByText('Use at least 10 characters for your password.')).toBeVisible();

  // The same answer as for a new address; the owner is told by e-mail instead.
  await fillSignUp(page, 'Second', email.toUpperCase(), 'another long password');
  await expect(page).toHaveURL(/\/account\/check-email$/);
  await expect(page.getByRole('heading', { name: 'Check your e-mail' })).toBeVisible();
  await expect.poll(() => mailTo(email).some((m) => m.includes('You already have'))).toBe(true);
});

test('a sign-up link works once', async ({ page }) => {
  const email = uniqueEmail('once');
  await fillSignUp(page, 'Once Only', email, 'correct horse battery');
  const link = await signUpLink(email);
  await page.goto(link);
  await hydrated(page);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByTestId('account-name')).toHaveText('Once Only');
  await page.goto(link);
  await hydrated(page);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByText('This link has expired or was already used.')).toBeVisible();
});

test('repeated failed sign-ins are slowed down', async ({ page }) => {
  const email = uniqueEmail('locked');
  await page.goto('/account/sign-in');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(email);
  for (let i = 0; i < 5; i++) {
    await page.getByLabel('Password').fill(`wrong password ${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText("don't match an account")).toBeVisible();
  }
  await page.getByLabel('Password').fill('wrong password 6');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/Too many failed sign-ins. Try again in \d+ minutes/)).toBeVisible();
});

for (const next of ['/%09/evil.test', '/%5Cevil.test', '//evil.test', '/%2F%2Fevil.test', 'https://evil.test/']) {
  test(`signing in with next=${next} stays on the shop`, async ({ page, baseURL }) => {
    const email = uniqueEmail('next');
    await signUp(page, 'Nell Next', email);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
    await page.goto(`/account/sign-in?next=${encodeURIComponent(next)}`);
    await hydrated(page);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${baseURL}/account`);
    await expect(page.getByTestId('account-name')).toHaveText('Nell Next');
  });
}

test('the account page asks visitors to sign in', async ({ page }) => {
  const response = await page.goto('/account');
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('link', { name: 'Sign in' }).last()).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('forms come back with their messages and what was typed', async ({ page, baseURL }) => {
    await page.goto('/account/sign-up?next=/checkout');
    await page.getByLabel('Name').fill('Plain Form');
    await page.getByLabel('E-mail').fill('not-an-address');
    await page.getByLabel(/^Password/).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('Enter an e-mail address like name@example.com.')).toBeVisible();
    await expect(page.getByText('Use at least 10 characters for your password.')).toBeVisible();
    await expect(page.getByLabel('Name')).toHaveValue('Plain Form');
    await expect(page.getByLabel('E-mail')).toHaveValue('not-an-address');
    await expect(page.getByLabel(/^Password/)).toHaveValue('');

    const email = uniqueEmail('plain');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel(/^Password/).fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/account\/check-email$/);
    await page.goto(await signUpLink(email));
    await page.getByRole('button', { name: 'Create my account' }).click();
    await expect(page).toHaveURL(/\/checkout$/);

    await page.goto('/account');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/account/sign-in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText("That e-mail address and password don't match an account.")).toBeVisible();
    await expect(page.getByLabel('E-mail')).toHaveValue(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('account-name')).toHaveText('Plain Form');

    // A "return to" page that would leave the shop is refused without JavaScript too.
    await page.getByRole('button', { name: 'Sign out' }).click();
    for (const next of ['/%09/evil.test', '/%5Cevil.test', '//evil.test']) {
      await page.goto(`/account/sign-in?next=${encodeURIComponent(next)}`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page).toHaveURL(`${baseURL}/account`);
      await page.getByRole('button', { name: 'Sign out' }).click();
    }
  });

  test('an order lookup that finds nothing says so and keeps the number', async ({ page }) => {
    await page.goto('/orders/find');
    await page.getByLabel('Order number').fill('CF-23456789');
    await page.getByLabel('E-mail').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Find order' }).click();
    await expect(page.getByText("We couldn't find an order with that number and e-mail address.", { exact: false })).toBeVisible();
    await expect(page.getByLabel('Order number')).toHaveValue('CF-23456789');
  });
});

test('a forgotten password is replaced through an e-mailed link that works once', async ({ page, browser }) => {
  const email = uniqueEmail('forgot');
  await signUp(page, 'Fay Forgetful', email, 'the old passphrase');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto('/account/sign-in');
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forgot your password?');
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page).toHaveURL(/\/account\/check-email\?for=reset$/);
  await expect(page.getByText('If an account has the address you gave')).toBeVisible();

  // An address without an account gets the same answer, and no e-mail.
  const stranger = uniqueEmail('nobody');
  await page.goto('/account/forgot-password');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(stranger);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page).toHaveURL(/\/account\/check-email\?for=reset$/);
  expect(mailTo(stranger)).toEqual([]);

  const link = await oneTimeLink(email);
  await useOneTimeLink(page, link, 'short');
  await expect(page.getByText('Use at least 10 characters for your password.')).toBeVisible();
  await page.getByLabel(/^New password/).fill('a fresh passphrase');
  await page.getByRole('button', { name: 'Save password' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('account-name')).toHaveText('Fay Forgetful');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Account' })).toBeVisible();

  // The link works once.
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByText('This link has expired or was already used.', { exact: false })).toBeVisible();

  // The old password no longer signs in; the new one does.
  const other = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '198.19.0.9' } });
  const second = await other.newPage();
  await second.goto('/account/sign-in');
  await hydrated(second);
  await second.getByLabel('E-mail').fill(email);
  await second.getByLabel('Password').fill('the old passphrase');
  await second.getByRole('button', { name: 'Sign in' }).click();
  await expect(second.getByText("That e-mail address and password don't match an account.")).toBeVisible();
  await second.getByLabel('Password').fill('a fresh passphrase');
  await second.getByRole('button', { name: 'Sign in' }).click();
  await expect(second.getByTestId('account-name')).toHaveText('Fay Forgetful');
  await other.close();
});
