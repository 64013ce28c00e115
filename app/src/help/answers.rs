//! The help center's answers (server only), written from the shop's settings and the rules'
//! own constants, so a figure changed in one place changes here too. Search reads them as
//! well (`crate::search`).

use super::{HelpAnswer, HelpBlock, HelpLink, HelpTopic};
use crate::orders::tracking::TRACKING_UPDATE_HOURS;
use crate::orders::windows::{
    CHANGE_WINDOW_HOURS, PROBLEM_REPORT_BUSINESS_DAYS, QUALITY_CONCERN_DAYS,
};
use crate::pricing::shipping::Country;
use crate::shop::StoreInfo;
use crate::support::TicketTopic;
use crate::warranty::Exclusion;

fn p(text: impl Into<String>) -> HelpBlock {
    HelpBlock::Paragraph(text.into())
}

fn steps(items: &[&str]) -> HelpBlock {
    HelpBlock::List {
        numbered: true,
        items: items.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn bullets(items: Vec<String>) -> HelpBlock {
    HelpBlock::List {
        numbered: false,
        items,
    }
}

fn link(label: &str, href: impl Into<String>) -> HelpLink {
    HelpLink {
        label: label.to_owned(),
        href: href.into(),
    }
}

fn ticket(label: &str, topic: TicketTopic) -> HelpLink {
    link(label, format!("/support/new?topic={}", topic.slug()))
}

fn my_orders() -> Vec<HelpLink> {
    vec![
        link("Open my orders", "/account/orders"),
        link("Find an order placed as a guest", "/orders/find"),
    ]
}

fn answer(
    slug: &str,
    topic: HelpTopic,
    question: &str,
    summary: String,
    blocks: Vec<HelpBlock>,
    actions: Vec<HelpLink>,
) -> HelpAnswer {
    HelpAnswer {
        slug: slug.to_owned(),
        topic,
        question: question.to_owned(),
        summary,
        blocks,
        actions,
    }
}

/// Every answer, in topic order.
pub fn all(store: &StoreInfo) -> Vec<HelpAnswer> {
    let mut answers = Vec::new();
    answers.extend(paying(store));
    answers.extend(promo_codes(store));
    answers.extend(shipping(store));
    answers.extend(after_ordering(store));
    answers.extend(tracking_and_problems(store));
    answers.extend(warranty(store));
    answers.extend(affiliates_and_contact(store));
    answers
}

fn paying(store: &StoreInfo) -> Vec<HelpAnswer> {
    vec![
        answer(
            "payment-methods",
            HelpTopic::Paying,
            "How can I pay?",
            "We accept Visa, Mastercard and American Express debit and credit cards, and PayPal."
                .into(),
            vec![
                p("We accept debit and credit cards from Visa, Mastercard and American Express, and PayPal. You choose at checkout."),
                p("You are charged once per order, even if you click twice, retry or reload the page."),
            ],
            vec![link("Go to my cart", "/cart")],
        ),
        answer(
            "payment-failed",
            HelpTopic::Paying,
            "My payment failed. What can I do?",
            "Your cart and details are kept: check the card, try another card or PayPal, then ask your card issuer or us.".into(),
            vec![
                p("Nothing is lost when a payment fails: your cart and everything you typed at checkout stay as they were, and you are not charged. The checkout page says why the payment failed, as far as the payment provider tells us. Then:"),
                steps(&[
                    "Check the card details: the number, the expiry date and the security code.",
                    "Try another card, or PayPal.",
                    "Contact your card issuer, quoting the error message shown.",
                    "If it still fails, contact us with that error message.",
                ]),
                p(format!("You can reach us at {} or {}.", store.support_email, store.support_phone)),
            ],
            vec![
                link("Back to checkout", "/checkout"),
                ticket("Ask us about a payment", TicketTopic::Payment),
            ],
        ),
    ]
}

fn promo_codes(store: &StoreInfo) -> Vec<HelpAnswer> {
    vec![
        answer(
            "using-a-promo-code",
            HelpTopic::PromoCodes,
            "How do I use a promo code?",
            "Enter it on the cart or checkout page; one code per order.".into(),
            vec![
                p("Enter the code on the cart page or on the checkout page; the discount shows in the totals at once."),
                p("One code applies per order. If you enter a second code, we ask before it replaces the first: an order never carries two codes."),
            ],
            vec![link("Go to my cart", "/cart")],
        ),
        answer(
            "promo-code-not-working",
            HelpTopic::PromoCodes,
            "Why doesn't my promo code work?",
            "The message under the code says why: unknown, expired, not started, minimum spend, usage limit, or already used.".into(),
            vec![
                p("The message under the code field says exactly why a code was not applied:"),
                bullets(vec![
                    "we do not know the code (check its spelling);".into(),
                    "it has expired, or it has not started yet;".into(),
                    "the minimum spend for the code is not met yet;".into(),
                    "the code's usage limit is reached;".into(),
                    "you have already used it as many times as it allows.".into(),
                ]),
                p(format!("If it still fails, contact us at {} with the code.", store.support_email)),
            ],
            vec![ticket("Ask us about a code", TicketTopic::Payment)],
        ),
    ]
}

fn shipping(store: &StoreInfo) -> Vec<HelpAnswer> {
    let rates = &store.shipping;
    let times = &store.delivery;
    let countries: Vec<String> = Country::ALL.iter().map(|c| c.name().to_owned()).collect();
    vec![
        answer(
            "shipping-countries",
            HelpTopic::Shipping,
            "Which countries do you ship to?",
            format!("We ship to {}.", countries.join(", ")),
            vec![
                p("We ship to these countries:"),
                bullets(countries.clone()),
                p(format!("Checkout refuses an address in any other country. If you live elsewhere, write to {} and we will tell you when we can ship to you.", store.support_email)),
            ],
            vec![link("Shop now", "/shop")],
        ),
        answer(
            "shipping-costs",
            HelpTopic::Shipping,
            "How much does shipping cost?",
            format!(
                "Standard shipping is {} under {}, free from {}; express by DHL is {}.",
                rates.standard_fee, rates.free_standard_from, rates.free_standard_from, rates.express_fee
            ),
            vec![
                bullets(vec![
                    format!("Standard shipping: {} when your merchandise total (after any promo code) is under {}; free from {}.", rates.standard_fee, rates.free_standard_from, rates.free_standard_from),
                    format!("Express by DHL: {}.", rates.express_fee),
                ]),
                p("The cart shows the shipping cost and the total as you shop, before you check out."),
            ],
            vec![link("See my cart's total", "/cart")],
        ),
        answer(
            "delivery-times",
            HelpTopic::Shipping,
            "How long does delivery take?",
            format!(
                "We dispatch in {}-{} business days; standard delivery takes {}-{} business days, express {}-{}.",
                times.dispatch.min, times.dispatch.max, times.standard.min, times.standard.max, times.express.min, times.express.max
            ),
            vec![
                p(format!("We dispatch orders {}-{} business days after purchase. Then:", times.dispatch.min, times.dispatch.max)),
                bullets(vec![
                    format!("standard (global) delivery takes {}-{} business days after dispatch;", times.standard.min, times.standard.max),
                    format!("express by DHL takes {}-{} business days after dispatch.", times.express.min, times.express.max),
                ]),
                p("Checkout shows the expected delivery dates, skipping weekends and our public holidays, which it names beside the dates. They are estimates: promotions can add time."),
            ],
            vec![link("Track an order", "/orders/find")],
        ),
    ]
}

fn after_ordering(store: &StoreInfo) -> Vec<HelpAnswer> {
    vec![
        answer(
            "change-an-order",
            HelpTopic::OrderChanges,
            "Can I change my order?",
            format!("Within {CHANGE_WINDOW_HOURS} hours, before we process it, you can change an item's phone model, type or colour."),
            vec![
                p(format!("Within {CHANGE_WINDOW_HOURS} hours of placing your order, and while we have not started processing it, you can change the phone model, case type or colour of an item yourself, from the order's page: to another variant of the same product, at the same price, that is in stock.")),
                p("The shipping method cannot be changed once the order is placed."),
                p("After that, or once we are preparing the order, the order page tells you why it can no longer be changed; contact us and we will see what we can do."),
            ],
            {
                let mut actions = my_orders();
                actions.push(ticket("Ask us to change an order", TicketTopic::Order));
                actions
            },
        ),
        answer(
            "cancel-an-order",
            HelpTopic::Cancellation,
            "How do I cancel my order?",
            "Until we start preparing it, cancel it from the order's page; you are refunded in full.".into(),
            vec![
                p("Until we start preparing your order for shipping, you can cancel it yourself from the order's page. You are refunded in full to the card or PayPal account that paid, and we e-mail you when the refund is made."),
                p(format!("Once we are preparing it, the order can no longer be cancelled. Contact us at {} if something is wrong with it.", store.support_email)),
            ],
            my_orders(),
        ),
        answer(
            "refunds",
            HelpTopic::Refunds,
            "When will I get my refund?",
            "Refunds go back to the card or PayPal account that paid, and take about 5-14 working days to show.".into(),
            vec![
                p("A refund goes back to the payment method that paid: the same card, or the same PayPal account."),
                p("It shows on the order's page with its amount and date, and we e-mail you. The money takes about 5-14 working days to reach you, depending on your bank or card issuer."),
            ],
            my_orders(),
        ),
    ]
}

fn tracking_and_problems(store: &StoreInfo) -> Vec<HelpAnswer> {
    vec![
        answer(
            "track-my-package",
            HelpTopic::Tracking,
            "How do I track my package?",
            "Once shipped, the order page and the shipping e-mail show the carrier, tracking number and a tracking link.".into(),
            vec![
                p("Once your order ships, its page and the shipping e-mail show the carrier, the tracking number and a link to the carrier's tracking."),
                p(format!("Tracking can take 24-{TRACKING_UPDATE_HOURS} hours to update. If nothing has changed {TRACKING_UPDATE_HOURS} hours after shipping, contact us with your order number.")),
            ],
            {
                let mut actions = my_orders();
                actions.push(ticket("Tracking has not updated", TicketTopic::LostPackage));
                actions
            },
        ),
        answer(
            "lost-or-delayed-package",
            HelpTopic::Tracking,
            "My package is lost or late. What now?",
            "Report it from the order's page, or send us a ticket with your order number; support looks into it.".into(),
            vec![
                p("Report a lost or delayed package from the page of the shipped order, or send us a ticket with your order number. Our support team looks into it with the carrier and answers you."),
                p("Delivery dates are estimates: promotions and public holidays can add a few days."),
            ],
            {
                let mut actions = my_orders();
                actions.push(ticket("Report a lost package", TicketTopic::LostPackage));
                actions
            },
        ),
        answer(
            "problem-after-delivery",
            HelpTopic::DeliveryProblems,
            "Something is wrong with my delivery",
            format!("Report a damaged item, wrong or missing items, or a package not received within {PROBLEM_REPORT_BUSINESS_DAYS} business days of delivery."),
            vec![
                p(format!("Tell us within {PROBLEM_REPORT_BUSINESS_DAYS} business days of delivery, from the order's page, with a description of the problem:")),
                bullets(vec![
                    "an item arrived damaged;".into(),
                    "items are wrong or missing;".into(),
                    "the package is marked delivered but you did not receive it.".into(),
                ]),
                p(format!("Reports made later than {PROBLEM_REPORT_BUSINESS_DAYS} business days after delivery are refused. A defect that shows later is covered by the warranty.")),
                p(format!("Questions? {} · {}", store.support_email, store.support_phone)),
            ],
            my_orders(),
        ),
    ]
}

fn warranty(_store: &StoreInfo) -> Vec<HelpAnswer> {
    vec![
        answer(
            "warranty",
            HelpTopic::Warranty,
            "What does the warranty cover?",
            "Everything bought from us has a limited lifetime warranty against defects in material or workmanship.".into(),
            vec![
                p("Every case, screen protector and accessory bought directly from us has a limited lifetime warranty against defects in material or workmanship."),
                p(format!("A concern about the quality of a new delivery is taken within {QUALITY_CONCERN_DAYS} days of receiving it, through the same claim.")),
                p("An approved claim is settled with a new item of the same model, free of charge. Nothing is accepted back without an approved claim first, so please do not send anything before we approve it."),
                p("We have the final word on these terms."),
            ],
            vec![link("Make a warranty claim", "/warranty/claim")],
        ),
        answer(
            "warranty-exclusions",
            HelpTopic::Warranty,
            "What does the warranty not cover?",
            "Drops, installation failures, wear and tear, modification, misuse, external causes, items not sold by us, theft or loss.".into(),
            vec![
                p("The warranty does not cover:"),
                bullets(
                    Exclusion::ALL
                        .iter()
                        .map(|e| e.label().to_owned())
                        .collect(),
                ),
            ],
            vec![link("What the warranty covers", "/help/warranty")],
        ),
        answer(
            "warranty-claim",
            HelpTopic::Warranty,
            "How do I make a warranty claim?",
            "Send your order number and at least 2 photos showing the defect.".into(),
            vec![
                p("A claim needs your order number and at least 2 photos that show the defect: take them with your phone on the claim form, or choose them from your gallery or computer. We review it and answer by e-mail; if we approve it, we send you a new item of the same model, free of charge."),
            ],
            vec![link("Make a warranty claim", "/warranty/claim")],
        ),
    ]
}

fn affiliates_and_contact(store: &StoreInfo) -> Vec<HelpAnswer> {
    vec![
        answer(
            "affiliates",
            HelpTopic::Affiliates,
            "Can I become an affiliate?",
            "Joining is free for approved partners, who earn a commission on the orders they refer.".into(),
            vec![
                p("Our affiliate programme is free to join for approved partners, who earn a commission on the orders they refer."),
                p("Joining is an application that we review. An approved partner gets a referral link and sees the clicks, orders and commission it earned."),
                p("Integration takes 10 minutes: your dashboard has ready links to any page, a QR code, our banners with the code to embed them, and a personal promo code for your audience."),
            ],
            vec![link("Join now: the partner program", "/affiliates")],
        ),
        answer(
            "contact-us",
            HelpTopic::Contact,
            "How do I contact you?",
            format!("E-mail {}, call {}, or send a ticket from the help center.", store.support_email, store.support_phone),
            vec![
                p(format!("E-mail us at {} or call {}.", store.support_email, store.support_phone)),
                p("Or send us a ticket: you can follow our answers in your account, or through the private link we e-mail you if you have no account."),
            ],
            vec![link("Send us a ticket", "/support/new")],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn store() -> StoreInfo {
        StoreInfo::for_tests()
    }

    fn text(answer: &HelpAnswer) -> String {
        let mut text = answer.summary.clone();
        for block in &answer.blocks {
            match block {
                HelpBlock::Paragraph(p) => text.push_str(p),
                HelpBlock::List { items, .. } => items.iter().for_each(|i| text.push_str(i)),
            }
        }
        text
    }

    #[test]
    fn every_answer_has_its_own_address_and_every_topic_an_answer() {
        let answers = all(&store());
        let mut slugs: Vec<_> = answers.iter().map(|a| a.slug.as_str()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), answers.len());
        for topic in HelpTopic::ALL {
            assert!(answers.iter().any(|a| a.topic == topic), "{topic:?}");
        }
        for answer in &answers {
            assert!(answer
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'));
            assert!(
                !answer.actions.is_empty(),
                "{} links to its action",
                answer.slug
            );
        }
    }

    #[test]
    fn figures_come_from_the_settings() {
        let mut shop = store();
        shop.shipping.standard_fee = Money::from_dollars(7);
        shop.shipping.free_standard_from = Money::from_dollars(45);
        shop.shipping.express_fee = Money::from_dollars(19);
        shop.support_email = "help@cases.example".into();
        let answers = all(&shop);
        let costs = answers.iter().find(|a| a.slug == "shipping-costs").unwrap();
        let costs = text(costs);
        assert!(costs.contains("$7.00") && costs.contains("$45.00") && costs.contains("$19.00"));
        assert!(!costs.contains("$5.00"));
        let contact = answers.iter().find(|a| a.slug == "contact-us").unwrap();
        assert!(text(contact).contains("help@cases.example"));
        let countries = text(
            answers
                .iter()
                .find(|a| a.slug == "shipping-countries")
                .unwrap(),
        );
        for country in Country::ALL {
            assert!(countries.contains(country.name()));
        }
    }

    #[test]
    fn searching_the_help_center_finds_the_answer_with_the_words_in_its_question_first() {
        let answers = all(&store());
        let found =
            crate::search::matching_answers(&answers, &crate::search::terms("shipping cost"));
        assert_eq!(found[0].slug, "shipping-costs");
        let found = crate::search::matching_answers(&answers, &crate::search::terms("cancel"));
        assert!(found.iter().any(|a| a.slug == "cancel-an-order"));
        assert!(
            crate::search::matching_answers(&answers, &crate::search::terms("zeppelin")).is_empty()
        );
    }

    #[test]
    fn every_exclusion_is_listed() {
        let answers = all(&store());
        let exclusions = text(
            answers
                .iter()
                .find(|a| a.slug == "warranty-exclusions")
                .unwrap(),
        );
        for exclusion in Exclusion::ALL {
            assert!(exclusions.contains(exclusion.label()), "{exclusion:?}");
        }
    }

    #[test]
    fn windows_are_quoted_from_the_rules() {
        let answers = all(&store());
        let change = text(
            answers
                .iter()
                .find(|a| a.slug == "change-an-order")
                .unwrap(),
        );
        assert!(change.contains(&format!("{CHANGE_WINDOW_HOURS} hours")));
        let problem = text(
            answers
                .iter()
                .find(|a| a.slug == "problem-after-delivery")
                .unwrap(),
        );
        assert!(problem.contains(&format!("{PROBLEM_REPORT_BUSINESS_DAYS} business days")));
    }
}
