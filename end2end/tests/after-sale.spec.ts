// After the sale, as the shopper does it: cancelling an order while the policy allows, and
// seeing the refund.
import { expect } from '@playwright/test';
import { hydrated, mailTo, openCheckout, payByCard, savedCart, test, uniqueEmail } from './helpers';

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
});
