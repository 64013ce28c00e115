// Pages whose code is split from the app's bundle and loads on first visit: each must hydrate
// when opened directly, when reloaded, and when reached by a link from the home page (a page
// served as islands, so the link loads the page), render when the app's router follows a link
// to it from another page of the app, and then answer an interaction. A hydration mismatch or a chunk that fails to load shows up as a page
// error, an error in the console, or an interaction that reloads the page or does nothing.
import { expect, type Page } from '@playwright/test';
import {
  colourSwatch,
  expectSameDocument,
  fillContactAndAddress,
  hydrated,
  markDocument,
  openCheckout,
  savedCart,
  test,
  uniqueEmail,
} from './helpers';

type Arrival = 'direct' | 'reload' | 'from home' | 'by the router';
const arrivals: Arrival[] = ['direct', 'reload', 'from home', 'by the router'];

/**
 * Collects script errors, console errors and failed code downloads for the whole test. A page's
 * or a server function's own status (401 for a signed-out visitor) and a request cut short by
 * leaving the page are not among them, though the browser logs the status as an error.
 */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  const code = (url: string) => new URL(url).pathname.startsWith('/pkg/');
  page.on('requestfailed', (request) => {
    // A download the test cut short by moving on (reload, next page) is not a failure.
    const cut = request.failure()?.errorText === 'net::ERR_ABORTED';
    if (code(request.url()) && !cut) errors.push(`failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && code(response.url())) errors.push(`${response.status()}: ${response.url()}`);
  });
  return errors;
}

/** Opens `path` the way a shopper would arrive at it, and waits until the page has hydrated. */
async function arrive(page: Page, path: string, how: Arrival) {
  if (how === 'from home' || how === 'by the router') {
    // The home page is served as islands: its links load the page. Any page of the app's
    // bundle has the router, which follows a link without a page load.
    const from = how === 'from home' ? '/' : path.startsWith('/search') ? '/account/sign-in' : '/search';
    await page.goto(from);
    await hydrated(page);
    await page.evaluate((href) => {
      const link = document.createElement('a');
      link.href = href;
      link.textContent = 'Go';
      link.id = 'split-test-link';
      document.querySelector('main')!.prepend(link);
    }, path);
    await markDocument(page);
    await page.locator('#split-test-link').click();
    await expect(page).toHaveURL(new RegExp(`${path.replace(/[?]/g, '\\?')}$`));
    if (how === 'by the router') await expectSameDocument(page);
    else await hydrated(page);
  } else {
    await page.goto(path);
    if (how === 'reload') {
      await hydrated(page);
      await page.reload();
    }
    await hydrated(page);
  }
  await markDocument(page);
}

interface SplitPage {
  path: string;
  heading: string | RegExp;
  /** Something only a hydrated page does; it runs in the same document as the arrival. */
  interact: (page: Page) => Promise<void>;
  /**
   * Served as islands when it is loaded (app/src/islands.rs): a split page of the app's bundle
   * only when the app's router draws it, so its links load the next page when it was loaded.
   */
  islands?: true;
}

const followLink = (name: string, heading: string) => async (page: Page) => {
  await page.getByRole('main').getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
};

const pages: SplitPage[] = [
  { path: '/', heading: 'Protection that fits. Made by us.', islands: true, interact: followLink('Shop all products', 'All products') },
  {
    path: '/shop',
    heading: 'All products',
    islands: true,
    interact: async (page) => {
      await page.getByLabel('Category').selectOption('screen-protectors');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Screen protectors');
    },
  },
  {
    path: '/products/signature-case',
    heading: 'Signature Case',
    islands: true,
    interact: async (page) => {
      await page.getByLabel('Case type').selectOption('Slim');
      await colourSwatch(page, 'Ocean Blue').check();
      await expect(page.getByTestId('price')).toHaveText('$24.99');
    },
  },
  { path: '/cart', heading: 'Your cart', islands: true, interact: followLink('Browse products', 'All products') },
  { path: '/help', heading: 'Help center', islands: true, interact: followLink('Which countries do you ship to?', 'Which countries do you ship to?') },
  {
    path: '/help/cancel-an-order',
    heading: 'How do I cancel my order?',
    islands: true,
    interact: followLink('Find an order placed as a guest', 'Find your order'),
  },
  {
    path: '/search?q=clear',
    heading: 'Search',
    interact: async (page) => {
      await page.getByLabel('Products and help', { exact: true }).fill('warranty');
      await expect(page.getByTestId('search-answers')).toContainText('What does the warranty cover?');
    },
  },
  {
    path: '/support/new?topic=order',
    heading: 'Send us a message',
    interact: async (page) => {
      await expect(page.getByLabel('About')).toHaveValue('order');
      await page.getByLabel('Your message').fill('Too short');
      await page.getByRole('button', { name: 'Send' }).click();
      await expect(page.getByText('Tell us a little more: at least 10 characters.')).toBeVisible();
      await expect(page.getByLabel('Your message')).toHaveValue('Too short');
    },
  },
  {
    path: '/affiliates',
    heading: 'Partner program',
    interact: async (page) => {
      await page.getByLabel('Website or social channel').fill('instagram.com/casereviews');
      await page.getByRole('button', { name: 'Send my application' }).click();
      await expect(page.getByText("Enter your name or your brand's.")).toBeVisible();
      await expect(page.getByLabel('Website or social channel')).toHaveValue('instagram.com/casereviews');
    },
  },
  {
    path: '/affiliates/dashboard',
    heading: 'Partner dashboard',
    interact: async (page) => {
      await expect(page.getByText('Please sign in to continue.')).toBeVisible();
      await followLink('Sign in', 'Sign in')(page);
    },
  },
  { path: '/support/tickets/T-23456789', heading: 'Page not found', interact: followLink('Find it with its number and e-mail', 'Find your order') },
  {
    path: '/account/tickets',
    heading: 'Your messages to us',
    interact: async (page) => {
      await expect(page.getByText('Please sign in to continue.')).toBeVisible();
      await followLink('Sign in', 'Sign in')(page);
    },
  },
  {
    path: '/warranty/claim',
    heading: 'Claim under the warranty',
    interact: async (page) => {
      await page.getByLabel('Order number').fill('CF-23456789');
      await page.getByLabel('E-mail used for the order').fill('nobody@example.com');
      await page.getByRole('button', { name: 'Find my order' }).click();
      await expect(page.getByTestId('claim-order-error')).toContainText('We could not find that order for you.');
      await expect(page.getByLabel('Order number')).toHaveValue('CF-23456789');
    },
  },
  { path: '/warranty/claims/W-23456789', heading: 'Page not found', interact: followLink('Find it with its number and e-mail', 'Find your order') },
  {
    path: '/account/claims',
    heading: 'Your warranty claims',
    interact: async (page) => {
      await expect(page.getByText('Please sign in to continue.')).toBeVisible();
      await followLink('Sign in', 'Sign in')(page);
    },
  },
  {
    path: '/account/sign-in',
    heading: 'Sign in',
    interact: async (page) => {
      await page.getByLabel('E-mail').fill('not-an-address');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByText('Enter an e-mail address like name@example.com.')).toBeVisible();
      await expect(page.getByLabel('E-mail')).toHaveValue('not-an-address');
    },
  },
  {
    path: '/account/sign-up',
    heading: 'Create an account',
    interact: async (page) => {
      await page.getByLabel('Name').fill('Split Page');
      await page.getByLabel(/^Password/).fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect(page.getByText('Use at least 10 characters for your password.')).toBeVisible();
      await expect(page.getByLabel('Name')).toHaveValue('Split Page');
    },
  },
  { path: '/account/check-email', heading: 'Check your e-mail', interact: followLink('sign up again', 'Create an account') },
  {
    path: `/account/confirm?token=${'0'.repeat(64)}`,
    heading: 'Finish creating your account',
    interact: async (page) => {
      await page.getByRole('button', { name: 'Create my account' }).click();
      await expect(page.getByRole('alert').first()).toBeVisible();
      await expect(page).toHaveURL(/\/account\/confirm/);
    },
  },
  {
    path: '/account',
    heading: 'Your account',
    interact: async (page) => {
      await expect(page.getByText('Please sign in to see your account.')).toBeVisible();
      await followLink('Sign in', 'Sign in')(page);
    },
  },
  {
    path: '/account/orders',
    heading: 'Your orders',
    interact: async (page) => {
      await followLink('Sign in', 'Sign in')(page);
    },
  },
  {
    path: '/orders/find',
    heading: 'Find your order',
    islands: true,
    interact: async (page) => {
      await page.getByLabel('Order number').fill('CF-23456789');
      await page.getByLabel('E-mail').fill('nobody@example.com');
      await page.getByRole('button', { name: 'Find order' }).click();
      await expect(page.getByText("We couldn't find an order with that number and e-mail address.", { exact: false })).toBeVisible();
      await expect(page.getByLabel('Order number')).toHaveValue('CF-23456789');
    },
  },
  {
    path: '/account/forgot-password',
    heading: 'Forgot your password?',
    interact: async (page) => {
      await page.getByLabel('E-mail').fill('not-an-address');
      await page.getByRole('button', { name: 'Send the link' }).click();
      await expect(page.getByText('Enter an e-mail address like name@example.com.')).toBeVisible();
      await expect(page.getByLabel('E-mail')).toHaveValue('not-an-address');
    },
  },
  {
    path: `/account/set-password?token=${'0'.repeat(64)}`,
    heading: 'Choose your password',
    interact: async (page) => {
      await expect(page.getByText('This link has expired or was already used.', { exact: false })).toBeVisible();
      await followLink('Ask for a new password link', 'Forgot your password?')(page);
    },
  },
  ...[
    '/admin',
    '/admin/staff',
    '/admin/audit',
    '/admin/orders',
    '/admin/orders/CF-23456789',
    '/admin/products',
    '/admin/products/signature-case',
    '/admin/coupons',
    '/admin/coupons/WELCOME10',
    '/admin/tickets',
    '/admin/tickets/T-23456789',
    '/admin/mail',
    '/admin/holidays',
    '/admin/claims',
    '/admin/claims/W-23456789',
    '/admin/affiliates',
  ].map((path) => ({
    path,
    heading: {
      '/admin': 'Staff dashboard',
      '/admin/staff': 'Staff',
      '/admin/audit': 'Audit log',
      '/admin/orders': 'Orders',
      '/admin/orders/CF-23456789': 'Order',
      '/admin/products': 'Products',
      '/admin/products/signature-case': 'Product',
      '/admin/coupons': 'Promo codes',
      '/admin/coupons/WELCOME10': 'Promo code',
      '/admin/tickets': 'Tickets',
      '/admin/tickets/T-23456789': 'Ticket',
      '/admin/mail': 'E-mail',
      '/admin/holidays': 'Holidays',
      '/admin/claims': 'Warranty claims',
      '/admin/claims/W-23456789': 'Warranty claim',
      '/admin/affiliates': 'Affiliates',
    }[path]!,
    interact: async (page: Page) => {
      await expect(page.getByText('Please sign in to continue.')).toBeVisible();
      await followLink('Sign in', 'Sign in')(page);
    },
  })),
];

for (const { path, heading, interact, islands } of pages) {
  for (const how of arrivals) {
    test(`${path} hydrates (${how})`, async ({ page }) => {
      const errors = watchErrors(page);
      await arrive(page, path, how);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      const loaded = islands && how !== 'by the router';
      if (loaded) {
        // Nothing of the app's bundle arrives (first-load.spec checks what does).
        const code = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
        expect(code.filter((url) => url.startsWith('/pkg/storefront'))).toEqual([]);
      }
      await interact(page);
      if (!loaded) await expectSameDocument(page);
      expect(errors).toEqual([]);
    });
  }
}

test('checkout, the PayPal page and the order page hydrate however they are reached', async ({ page }) => {
  test.slow();
  const errors = watchErrors(page);
  await savedCart(page, [['SIG-IP17-MAG-OCEBLU', 1]]);

  // Checkout, reached from the home page, is served as islands: nothing of the app's bundle
  // arrives. Choosing PayPal hides the card fields.
  await arrive(page, '/checkout', 'from home');
  await expect(page.getByTestId('total')).toHaveText('$34.99');
  const code = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
  expect(code.filter((url) => url.startsWith('/pkg/storefront'))).toEqual([]);
  await fillContactAndAddress(page, uniqueEmail('split'));
  await page.getByLabel('PayPal').check();
  await expect(page.getByLabel('Card number')).toHaveCount(0);
  await expectSameDocument(page);

  // Checkout on a reload keeps what was typed and stays interactive.
  await page.reload();
  await openCheckout(page);
  await page.getByLabel('PayPal').check();
  await page.getByRole('button', { name: /Continue to PayPal/ }).click();
  await expect(page).toHaveURL(/\/pay\/paypal\/[^/]+$/);
  let paypal = new URL(page.url()).pathname;

  // The PayPal page, direct and reloaded: cancelling returns to checkout in the same document.
  for (const how of ['direct', 'reload'] as const) {
    await arrive(page, paypal, how);
    await expect(page.getByTestId('paypal-amount')).toHaveText('$34.99');
    await page.getByRole('button', { name: 'Cancel and return to the shop' }).click();
    await expect(page).toHaveURL(/\/checkout\?payment=paypal_cancelled$/);
    await expect(page.getByTestId('payment-error')).toContainText('You cancelled the PayPal payment');
    await expectSameDocument(page);
    // Each attempt is a new PayPal payment.
    await page.getByRole('button', { name: /Continue to PayPal/ }).click();
    await expect(page).toHaveURL(/\/pay\/paypal\/[^/]+$/);
    paypal = new URL(page.url()).pathname;
  }

  // Loaded with PayPal's answer in its address, the islands' checkout says it too.
  await page.goto('/checkout?payment=paypal_cancelled');
  await hydrated(page);
  await expect(page.getByTestId('payment-error')).toContainText('You cancelled the PayPal payment');
  await page.getByRole('button', { name: /Continue to PayPal/ }).click();
  await expect(page).toHaveURL(/\/pay\/paypal\/[^/]+$/);
  paypal = new URL(page.url()).pathname;

  // Reached from the home page, approving places the order.
  await arrive(page, paypal, 'from home');
  await page.getByRole('button', { name: 'Approve and pay' }).click();
  await expect(page).toHaveURL(/\/orders\/CF-[A-Z0-9]{8}\?placed=1$/);
  await expectSameDocument(page);
  const order = new URL(page.url()).pathname;

  // The order page, however it is reached. Loaded, it is served as islands: nothing of the
  // app's bundle arrives and its links load the next page. Drawn by the router, its links are
  // followed without a page load.
  for (const how of arrivals) {
    await arrive(page, order, how);
    await expect(page.getByTestId('order-total')).toHaveText('$34.99');
    if (how !== 'by the router') {
      const code = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
      expect(code.filter((url) => url.startsWith('/pkg/storefront'))).toEqual([]);
    }
    await page.getByRole('contentinfo').getByRole('link', { name: 'Help center' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Help center');
    if (how === 'by the router') await expectSameDocument(page);
  }
  expect(errors).toEqual([]);
});
