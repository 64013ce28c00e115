// After the sale, as the shopper does it: cancelling an order while the policy allows, and
// seeing the refund.
import { expect } from '@playwright/test';
import { fillContactAndAddress, hydrated, mailTo, openCheckout, savedCart, test, uniqueEmail } from './helpers';

test('a guest cancels a paid order and sees the refund on its way', async ({ page }) => {
  test.slow();
  await savedCart(page, [['SIG-IP17PM-CLR-CRYCLE', 2]]);
  await openCheckout(page);
  const shopper = uniqueEmail('cancels');
  await fillContactAndAddress(page, shopper);
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('Security code').fill('123');
  await page.getByRole('button', { name: /^Pay \$/ }).click();
  await expect(page).toHaveURL(/\/orders\/CF-[A-Z0-9]{8}\?placed=1$/);
  const number = (await page.getByTestId('order-number').textContent())!.trim();

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
});
