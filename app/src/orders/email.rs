//! The e-mails about an order, in HTML and plain text: the confirmation (items, totals,
//! address, shipping method and delivery estimate), shipped, cancelled and refunded. Each
//! links to the order with the private link it is given (`links`). Pure formatting; sending
//! is `mail`'s job.

use super::model::OrderDetail;
use super::tracking::Tracking;
use crate::mail::escape;
use crate::money::Money;
use crate::shop::StoreInfo;

/// How to reach customer care, closing every e-mail about an order.
fn help_line(store: &StoreInfo) -> String {
    format!(
        "Questions? Reply to {} or call {}.",
        store.support_email, store.support_phone
    )
}

/// Subject, plain text and HTML of the confirmation for `order`.
pub fn confirmation(
    order: &OrderDetail,
    store: &StoreInfo,
    order_url: &str,
) -> (String, String, String) {
    let subject = format!("Your {} order {} is confirmed", store.name, order.number);
    let t = &order.totals;
    let mut money_rows = vec![("Subtotal".to_owned(), t.subtotal.to_string())];
    if let Some(code) = &t.coupon {
        if !t.discount.is_zero() {
            money_rows.push((format!("Discount ({code})"), format!("-{}", t.discount)));
        }
    }
    let shipping = if t.shipping.is_zero() {
        "Free".to_owned()
    } else {
        t.shipping.to_string()
    };
    money_rows.push((order.method.label().to_owned(), shipping));
    money_rows.push(("Total".to_owned(), t.total.to_string()));
    let estimate = order.estimate.describe();
    let address = order.address.lines();
    let help = help_line(store);
    let note = "Delivery dates are estimates: promotions and public holidays can add a few days.";
    let find_url = format!("{}/orders/find", store.public_url);

    let mut text = format!(
        "Thank you for your order!\n\nOrder number: {}\nPaid with: {}\n\nItems\n",
        order.number, order.payment
    );
    for line in &order.lines {
        text.push_str(&format!(
            "- {} x {} ({}) {}\n",
            line.quantity,
            line.product_name,
            line.options,
            line.total()
        ));
    }
    text.push('\n');
    for (label, value) in &money_rows {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!(
        "\nShipping to\n{}\n\n{}: estimated delivery {estimate}.\n{note}\n\n\
         See your order, on any device: {order_url}\n\
         Once that link has expired, find it with its number and this e-mail address: {find_url}\n\n{help}\n",
        address.join("\n"),
        order.method.label()
    ));

    let items: String = order
        .lines
        .iter()
        .map(|line| {
            format!(
                "<tr><td>{} &times; {}<br><small>{}</small></td><td align=\"right\">{}</td></tr>",
                line.quantity,
                escape(&line.product_name),
                escape(&line.options),
                line.total()
            )
        })
        .collect();
    let totals: String = money_rows
        .iter()
        .map(|(label, value)| {
            format!(
                "<tr><td>{}</td><td align=\"right\">{}</td></tr>",
                escape(label),
                escape(value)
            )
        })
        .collect();
    let address_html = address
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("<br>");
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; color: #1a1a1a; max-width: 600px;\">\
         <h1>Thank you for your order!</h1>\
         <p>Order number: <strong>{number}</strong><br>Paid with: {payment}</p>\
         <table width=\"100%\" cellpadding=\"4\">{items}</table><hr>\
         <table width=\"100%\" cellpadding=\"4\">{totals}</table>\
         <h2>Shipping to</h2><p>{address_html}</p>\
         <p>{method}: estimated delivery <strong>{estimate}</strong>.<br><small>{note}</small></p>\
         <p><a href=\"{order_url}\">See your order</a> · \
         <a href=\"{find_url}\">Find it once the link has expired</a></p>\
         <p>{help}</p></body></html>",
        title = escape(&subject),
        number = escape(&order.number),
        payment = escape(&order.payment.to_string()),
        method = order.method.label(),
        help = escape(&help),
        order_url = escape(order_url),
        find_url = escape(&find_url),
    );
    (subject, text, html)
}

/// Subject, plain text and HTML of the e-mail that tells the shopper `order` is on its way.
pub fn shipped(
    order: &OrderDetail,
    tracking: &Tracking,
    store: &StoreInfo,
    order_url: &str,
) -> (String, String, String) {
    let subject = format!("Your {} order {} is on its way", store.name, order.number);
    let track_url = tracking.url();
    let estimate = order.estimate.describe();
    let help = help_line(store);
    let text = format!(
        "Good news: order {number} has shipped with {carrier}.\n\nTracking number: {tracking}\n         Track it: {track_url}\n\nEstimated delivery: {estimate}.\nSee your order: {order_url}\n\n{help}\n",
        number = order.number,
        carrier = tracking.carrier,
        tracking = tracking.number,
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; color: #1a1a1a; max-width: 600px;\">\
         <h1>Your order is on its way</h1>\
         <p>Order <strong>{number}</strong> has shipped with {carrier}.</p>\
         <p>Tracking number: <strong>{tracking}</strong><br><a href=\"{track_url}\">Track your parcel</a></p>\
         <p>Estimated delivery: <strong>{estimate}</strong>.</p>\
         <p><a href=\"{order_url}\">See your order</a></p><p>{help}</p></body></html>",
        title = escape(&subject),
        number = escape(&order.number),
        carrier = tracking.carrier,
        tracking = escape(&tracking.number),
        track_url = escape(&track_url),
        order_url = escape(order_url),
        help = escape(&help),
    );
    (subject, text, html)
}

/// An item of an order changed by its shopper: the product, and its options before and after.
pub struct ItemChange<'a> {
    pub product: &'a str,
    pub before: &'a str,
    pub after: &'a str,
}

/// Subject, plain text and HTML of the notice that an item of `order` was changed.
pub fn item_changed(
    order: &OrderDetail,
    change: &ItemChange<'_>,
    store: &StoreInfo,
    order_url: &str,
) -> (String, String, String) {
    let subject = format!("Your {} order {}: item changed", store.name, order.number);
    let help = help_line(store);
    let what = format!(
        "{}: {} instead of {}",
        change.product, change.after, change.before
    );
    let text = format!(
        "As you asked, order {number} now has {what}. The price and the shipping stay the same.\n\n\
         See your order: {order_url}\n\n{help}\n",
        number = order.number,
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; color: #1a1a1a; max-width: 600px;\">\
         <h1>Your item is changed</h1>\
         <p>As you asked, order <strong>{number}</strong> now has {what}. The price and the shipping stay the same.</p>\
         <p><a href=\"{order_url}\">See your order</a></p><p>{help}</p></body></html>",
        title = escape(&subject),
        number = escape(&order.number),
        what = escape(&what),
        order_url = escape(order_url),
        help = escape(&help),
    );
    (subject, text, html)
}

/// Subject, plain text and HTML of the notice that `order` is cancelled, with the refund of
/// `refund` started (none when nothing was paid).
pub fn cancelled(
    order: &OrderDetail,
    refund: Option<Money>,
    store: &StoreInfo,
    order_url: &str,
) -> (String, String, String) {
    let subject = format!("Your {} order {} is cancelled", store.name, order.number);
    let help = help_line(store);
    let money = match refund {
        Some(amount) => format!(
            "We're refunding {amount} to {}. It can take 5-14 working days to appear, \
             depending on your bank or card issuer.",
            order.payment
        ),
        None => "Nothing was paid, so there is nothing to refund.".to_owned(),
    };
    let text = format!(
        "Order {number} is cancelled, and nothing will be shipped.\n{money}\n\n\
         See your order: {order_url}\n\n{help}\n",
        number = order.number,
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; color: #1a1a1a; max-width: 600px;\">\
         <h1>Your order is cancelled</h1>\
         <p>Order <strong>{number}</strong> is cancelled, and nothing will be shipped.</p>\
         <p>{money}</p><p><a href=\"{order_url}\">See your order</a></p><p>{help}</p></body></html>",
        title = escape(&subject),
        number = escape(&order.number),
        money = escape(&money),
        order_url = escape(order_url),
        help = escape(&help),
    );
    (subject, text, html)
}

/// Subject, plain text and HTML of the notice that `amount` of `order` was refunded.
pub fn refunded(
    order: &OrderDetail,
    amount: Money,
    store: &StoreInfo,
    order_url: &str,
) -> (String, String, String) {
    let subject = format!("Your {} refund for order {}", store.name, order.number);
    let help = help_line(store);
    let timing = "It can take 5-14 working days to appear, depending on your bank or card issuer.";
    let text = format!(
        "We've refunded {amount} for order {number} to {payment}.\n{timing}\n\n\
         See your order: {order_url}\n\n{help}\n",
        number = order.number,
        payment = order.payment,
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; color: #1a1a1a; max-width: 600px;\">\
         <h1>Your refund is on its way</h1>\
         <p>We've refunded <strong>{amount}</strong> for order <strong>{number}</strong> to {payment}.</p>\
         <p>{timing}</p><p><a href=\"{order_url}\">See your order</a></p><p>{help}</p></body></html>",
        title = escape(&subject),
        number = escape(&order.number),
        payment = escape(&order.payment.to_string()),
        order_url = escape(order_url),
        help = escape(&help),
    );
    (subject, text, html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::address::ShippingAddress;
    use crate::checkout::model::PaymentSummary;
    use crate::money::Money;
    use crate::orders::model::{OrderLine, OrderTotals};
    use crate::orders::status::OrderStatus;
    use crate::payments::card::CardBrand;
    use crate::pricing::delivery::DeliveryEstimate;
    use crate::pricing::shipping::{Country, ShippingMethod};
    use time::macros::date;

    fn order() -> OrderDetail {
        OrderDetail {
            number: "CF-ABCD2345".into(),
            status: OrderStatus::Paid,
            email: "ada@example.com".into(),
            placed_at: 0,
            address: ShippingAddress {
                name: "Ada <script>".into(),
                line1: "1 Main St".into(),
                line2: String::new(),
                city: "Springfield".into(),
                region: "IL".into(),
                postcode: "62701".into(),
                country: Country::UnitedStates,
                phone: String::new(),
            },
            method: ShippingMethod::Express,
            payment: PaymentSummary::Card {
                brand: CardBrand::Visa,
                last4: "4242".into(),
            },
            lines: vec![OrderLine {
                sku: "SKU".into(),
                product_name: "Slim Case".into(),
                options: "iPhone 17 · Ocean Blue".into(),
                image: String::new(),
                unit_price: Money::from_cents(2499),
                quantity: 2,
            }],
            totals: OrderTotals {
                subtotal: Money::from_cents(4998),
                discount: Money::from_cents(500),
                coupon: Some("SAVE5".into()),
                shipping: Money::from_cents(1500),
                total: Money::from_cents(5998),
            },
            estimate: DeliveryEstimate {
                earliest: date!(2026 - 12 - 03),
                latest: date!(2026 - 12 - 10),
            },
            events: vec![],
            refunds: vec![],
            tracking_hint: None,
            report_deadline: None,
            tracking: None,
        }
    }

    fn store() -> StoreInfo {
        StoreInfo {
            name: "Casefront".into(),
            public_url: "https://shop.example".into(),
            support_email: "care@example.com".into(),
            support_phone: "+1 555".into(),
            ..StoreInfo::for_tests()
        }
    }

    /// The private link the e-mails are given.
    const LINK: &str = "https://shop.example/orders/CF-ABCD2345?key=0123abcd";

    #[test]
    fn both_bodies_carry_items_totals_address_method_and_estimate() {
        let store = store();
        let order = order();
        let (subject, text, html) = confirmation(&order, &store, LINK);
        assert!(subject.contains("CF-ABCD2345"));
        let estimate = order.estimate.describe();
        for body in [&text, &html] {
            for expected in [
                "CF-ABCD2345",
                "Slim Case",
                "$49.98",
                "SAVE5",
                "$59.98",
                "Springfield",
                "Express by DHL",
                estimate.as_str(),
                "Visa ending in 4242",
                "care@example.com",
                "https://shop.example/orders/CF-ABCD2345?key=0123abcd",
                "https://shop.example/orders/find",
            ] {
                assert!(body.contains(expected), "{expected} missing");
            }
        }
        assert!(html.contains("Ada &lt;script&gt;") && !html.contains("<script>"));
    }

    #[test]
    fn the_shipping_mail_carries_the_carrier_and_its_tracking_link() {
        let tracking = Tracking::parse("ups", "1Z999AA10123456784").unwrap();
        let (subject, text, html) = shipped(&order(), &tracking, &store(), LINK);
        assert!(subject.contains("CF-ABCD2345") && subject.contains("on its way"));
        for body in [&text, &html] {
            assert!(body.contains("UPS") && body.contains("1Z999AA10123456784"));
            assert!(body.contains("https://www.ups.com/track?tracknum=1Z999AA10123456784"));
            assert!(body.contains(LINK));
        }
    }

    #[test]
    fn the_change_mail_says_what_the_item_was_and_is() {
        let change = ItemChange {
            product: "Slim Case",
            before: "iPhone 17 · Black",
            after: "iPhone 17 · Sand",
        };
        let (subject, text, html) = item_changed(&order(), &change, &store(), LINK);
        assert_eq!(subject, "Your Casefront order CF-ABCD2345: item changed");
        for body in [&text, &html] {
            assert!(body.contains("Slim Case: iPhone 17 · Sand instead of iPhone 17 · Black"));
            assert!(body.contains(LINK));
        }
    }

    #[test]
    fn the_cancellation_mail_says_the_order_is_cancelled_and_what_comes_back() {
        let (subject, text, html) =
            cancelled(&order(), Some(Money::from_cents(5998)), &store(), LINK);
        assert_eq!(subject, "Your Casefront order CF-ABCD2345 is cancelled");
        for body in [&text, &html] {
            assert!(body.contains("is cancelled, and nothing will be shipped"));
            assert!(body.contains("refunding $59.98 to Visa ending in 4242"));
            assert!(body.contains("5-14 working days"));
        }
        let (_, free, _) = cancelled(&order(), None, &store(), LINK);
        assert!(free.contains("nothing to refund"));
    }
}
