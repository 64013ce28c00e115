//! Refunds against real SQLite and PostgreSQL: by item and in full, never more than was paid
//! even by two staff at once, and one the gateway did not answer retried and made once.

mod support;

use support::faulty::{Fault, Faulty};
use support::shop::*;

use app::accounts::model::Customer;
use app::db::Db;
use app::money::Money;
use app::orders::fulfilment;
use app::orders::refunding::{self, RefundError};
use app::orders::refunds::{RefundScope, RefundState};
use app::orders::repo as orders;
use app::orders::status::{OrderAction, OrderStatus};
use app::orders::tracking::Tracking;
use app::shop::ServerState;
use time::OffsetDateTime;

/// A shipped order of two clear cases ($19.99) and a grip ($15.99), shipped free: $55.97.
async fn shipped_order(state: &ServerState, staff: &Customer) -> String {
    let number = placed(
        &checkout(
            state,
            &request(
                state,
                "ada@example.com",
                &[(CLEAR, 2), (GRIP, 1)],
                None,
                card(VISA),
            )
            .await,
        )
        .await,
    );
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let tracking = Tracking::parse("ups", "1Z999AA10123456784").unwrap();
    for (action, tracking) in [
        (OrderAction::MarkProcessing, None),
        (OrderAction::Ship, Some(tracking)),
    ] {
        fulfilment::act(state, staff, &number, action, tracking, now)
            .await
            .unwrap();
    }
    number
}

/// A refund of `quantities` of each (clear case, grip) of an order from `shipped_order`.
async fn items(db: &Db, number: &str, (clear, grip): (u32, u32)) -> RefundScope {
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), number)
        .await
        .unwrap()
        .unwrap();
    RefundScope::Items {
        quantities: detail
            .lines
            .iter()
            .map(|line| if line.sku == CLEAR { clear } else { grip })
            .collect(),
        shipping: false,
    }
}

async fn refunds_per_item_then_in_full_give_back_exactly_what_was_paid(db: &Db) {
    let outbox = new_outbox();
    let state = shop_mailing_to(db, outbox.clone()).await;
    let sid = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    // A paid order is not refunded: cancelling it refunds it.
    let paid = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    match refunding::refund(&state, &sid, &paid, &RefundScope::Full, "asked", now).await {
        Err(RefundError::Refused(why)) => {
            assert!(why.contains("only a cancelled, shipped or delivered"))
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    let number = shipped_order(&state, &sid).await;
    let one_case = refunding::refund(
        &state,
        &sid,
        &number,
        &items(db, &number, (1, 0)).await,
        "scratched",
        now,
    )
    .await
    .unwrap();
    assert_eq!(one_case, Money::from_cents(1999));
    assert_eq!(refunded_cents(db, &number).await, (1999, 1999));
    assert_eq!(status_of(db, &number).await, OrderStatus::Shipped);
    match refunding::refund(
        &state,
        &sid,
        &number,
        &items(db, &number, (2, 0)).await,
        "again",
        now,
    )
    .await
    {
        Err(RefundError::Refused(why)) => assert!(why.starts_with("Only 1 of item"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let rest = refunding::refund(&state, &sid, &number, &RefundScope::Full, "cancelled", now)
        .await
        .unwrap();
    assert_eq!(rest, Money::from_cents(5597 - 1999));
    assert_eq!(refunded_cents(db, &number).await, (5597, 5597));
    assert_eq!(status_of(db, &number).await, OrderStatus::Refunded);
    assert!(matches!(
        refunding::refund(&state, &sid, &number, &RefundScope::Full, "more", now).await,
        Err(RefundError::Refused(_))
    ));

    // The shopper's order shows both refunds with the gateway's references, and got e-mails.
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    let refunds: Vec<(Money, RefundState, bool)> = detail
        .refunds
        .iter()
        .map(|r| {
            (
                r.amount,
                r.state,
                r.reference.as_deref().is_some_and(|x| x.starts_with("re_")),
            )
        })
        .collect();
    assert_eq!(
        refunds,
        vec![
            (Money::from_cents(1999), RefundState::Succeeded, true),
            (Money::from_cents(3598), RefundState::Succeeded, true),
        ]
    );
    let mail = delivered(&state, &outbox).await;
    assert_eq!(
        mail.iter()
            .filter(|m| m.contains("5-14 working days"))
            .count(),
        2
    );
    let log = app::audit::list(&db.pool, &Default::default(), 0)
        .await
        .unwrap();
    let refund_entries: Vec<&str> = log
        .entries
        .iter()
        .rev()
        .filter(|e| e.action == "refund order")
        .map(|e| e.after.as_str())
        .collect();
    assert_eq!(
        refund_entries,
        vec![
            "$19.99 refunded ($19.99 now: scratched)",
            "$55.97 refunded ($35.98 now: cancelled)"
        ]
    );
}

async fn two_staff_refunding_at_once_never_give_back_more_than_was_paid(db: &Db) {
    let state = shop(db).await;
    let ann = staff(db, "ann@shop.test", app::identity::Role::Admin).await;
    let bob = staff(db, "bob@shop.test", app::identity::Role::Support).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    for (first, second) in [
        (None, None),
        (Some((2, 1)), None),
        (Some((1, 0)), Some((2, 0))),
    ] {
        let number = shipped_order(&state, &ann).await;
        let first = match first {
            Some(q) => items(db, &number, q).await,
            None => RefundScope::Full,
        };
        let second = match second {
            Some(q) => items(db, &number, q).await,
            None => RefundScope::Full,
        };
        let (a, b) = tokio::join!(
            refunding::refund(&state, &ann, &number, &first, "a", now),
            refunding::refund(&state, &bob, &number, &second, "b", now),
        );
        let given: Money = [&a, &b]
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .copied()
            .sum();
        let (shop, gateway) = refunded_cents(db, &number).await;
        assert!(shop <= 5597, "{a:?} {b:?}");
        assert_eq!(shop, given.cents(), "{a:?} {b:?}");
        assert_eq!(gateway, shop);
        assert!(a.is_ok() || b.is_ok(), "{a:?} {b:?}");
        assert!(
            [&a, &b]
                .iter()
                .all(|r| matches!(r, Ok(_) | Err(RefundError::Refused(_)))),
            "{a:?} {b:?}"
        );
    }
}

async fn a_refund_the_gateway_did_not_answer_is_retried_and_made_once(db: &Db) {
    let state = shop(db).await;
    let sid = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let number = shipped_order(&state, &sid).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let outage = Faulty::shop(&state, Fault::Unreachable(number.clone()));
    match refunding::refund(&outage, &sid, &number, &RefundScope::Full, "cancelled", now).await {
        Err(RefundError::Pending(amount)) => assert_eq!(amount, Money::from_cents(5597)),
        other => panic!("expected a pending refund, got {other:?}"),
    }
    // The amount stays reserved while pending: nothing more can be refunded meanwhile.
    assert_eq!(refunded_cents(db, &number).await, (5597, 0));
    assert!(matches!(
        refunding::refund(
            &state,
            &sid,
            &number,
            &items(db, &number, (1, 0)).await,
            "twice",
            now
        )
        .await,
        Err(RefundError::Refused(_))
    ));
    // Not yet due, or still unreachable: it stays pending.
    assert_eq!(refunding::retry_pending(&state, now).await.unwrap(), 0);
    let later = now + refunding::RETRY_AFTER_SECONDS + 1;
    assert_eq!(refunding::retry_pending(&outage, later).await.unwrap(), 0);
    assert_eq!(refunding::retry_pending(&state, later).await.unwrap(), 1);
    assert_eq!(refunding::retry_pending(&state, later).await.unwrap(), 0);
    assert_eq!(refunded_cents(db, &number).await, (5597, 5597));
    assert_eq!(status_of(db, &number).await, OrderStatus::Refunded);
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_refunds").await, 1);
}

on_both_backends!(
    refunds_per_item_then_in_full_give_back_exactly_what_was_paid,
    two_staff_refunding_at_once_never_give_back_more_than_was_paid,
    a_refund_the_gateway_did_not_answer_is_retried_and_made_once,
);
