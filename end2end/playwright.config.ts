import { defineConfig } from '@playwright/test';
import { dataDir } from './tests/helpers';

// The release server runs on its own port with a fresh SQLite database (see start-server.sh).
const port = Number(process.env.E2E_PORT ?? 3100);
// A second one takes real providers' payments: cards through Stripe (localstripe, which
// scripts/test.sh starts and names in LOCALSTRIPE_URL) and PayPal through its REST API (the
// stand-in started below).
const stripePort = Number(process.env.E2E_STRIPE_PORT ?? port + 1);
const localstripe = process.env.LOCALSTRIPE_URL ?? 'http://127.0.0.1:8420';
const paypalPort = Number(process.env.PAYPAL_STANDIN_PORT ?? 8430);
export const paypalStandin = `http://127.0.0.1:${paypalPort}`;
// Its data folder, where the tests make its admins (stripe.spec.ts names it by the port).
export const stripeDataDir = (stripeServerPort: number | string) => `/tmp/casefront-e2e-${stripeServerPort}`;

// Debian's Chromium; test tools cannot download browsers here.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [
    { name: 'desktop', testIgnore: /(stripe|paypal)\.spec/, use: { viewport: { width: 1280, height: 800 } } },
    { name: 'mobile', testIgnore: /(stripe|paypal)\.spec/, use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } },
    {
      name: 'providers',
      testMatch: /(stripe|paypal)\.spec/,
      use: { baseURL: `http://127.0.0.1:${stripePort}`, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
    },
  ],
  webServer: [
    {
      command: './start-server.sh',
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { E2E_DATA_DIR: dataDir },
    },
    {
      command: './start-server.sh',
      url: `http://127.0.0.1:${stripePort}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        E2E_PORT: String(stripePort),
        E2E_DATA_DIR: stripeDataDir(stripePort),
        SHOP_PAYMENTS: 'stripe,paypal',
        STRIPE_SECRET_KEY: 'sk_test_casefront',
        STRIPE_PUBLISHABLE_KEY: 'pk_test_casefront',
        STRIPE_WEBHOOK_SECRET: 'whsec_casefront',
        STRIPE_API_URL: localstripe,
        STRIPE_JS_URL: `${localstripe}/js.stripe.com/v3/`,
        // The stand-in's own credentials and webhook id (its Settings::default).
        PAYPAL_CLIENT_ID: 'standin-client',
        PAYPAL_CLIENT_SECRET: 'standin-secret',
        PAYPAL_WEBHOOK_ID: '8PT597110X687430LKGSTANDIN',
        PAYPAL_API_URL: paypalStandin,
      },
    },
    {
      command: './start-paypal.sh',
      port: paypalPort,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { PAYPAL_STANDIN_PORT: String(paypalPort), PAYPAL_WEBHOOK_URL: `http://127.0.0.1:${stripePort}/webhooks/paypal` },
    },
  ],
});
