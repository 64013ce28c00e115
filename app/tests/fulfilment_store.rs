//! Staff handling orders, against real SQLite and PostgreSQL: the status machine in turn and
//! out of turn, a cancellation by two staff at once, the staff search, promo codes made by
//! staff, the CSV export.

mod support;

use support::shop::*;

use app::admin::coupons::{check_coupon, CouponForm};
use app::cart::model::{CartLine, CartRequest};
use app::cart::pricing_service;
use app::coupons::repo as coupon_repo;
use app::db::Db;
use app::money::Money;
use app::orders::fulfilment;
use app::orders::repo as orders;
use app::orders::repo::ActionError;
use app::orders::staff_list;
use app::orders::status::{OrderAction, OrderStatus};
use app::orders::tracking::Tracking;
use app::pricing::coupon::CouponRejection;
use app::pricing::shipping::ShippingMethod;
use time::OffsetDateTime;

async fn an_order_is_prepared_shipped_and_delivered_and_refused_out_of_turn(db: &Db) {
    let outbox = new_outbox();
    let state = shop_mailing_to(db, outbox.clone()).await;
    let support = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let number = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let tracking = Tracking::parse("ups", "1Z999AA10123456784").unwrap();

    // Out of turn: shipping or delivering a paid order, or shipping without tracking.
    for (action, tracked) in [
        (OrderAction::Ship, true),
        (OrderAction::MarkDelivered, false),
    ] {
        let result = fulfilment::act(
            &state,
            &support,
            &number,
            action,
            tracked.then(|| tracking.clone()),
            now,
        )
        .await;
        assert!(
            matches!(result, Err(ActionError::Refused(_))),
            "{action:?}: {result:?}"
        );
    }
    fulfilment::act(
        &state,
        &support,
        &number,
        OrderAction::MarkProcessing,
        None,
        now,
    )
    .await
    .unwrap();
    let untracked = fulfilment::act(&state, &support, &number, OrderAction::Ship, None, now).await;
    assert!(matches!(untracked, Err(ActionError::Refused(_))));
    fulfilment::act(
        &state,
        &support,
        &number,
        OrderAction::Ship,
        Some(tracking.clone()),
        now,
    )
    .await
    .unwrap();
    assert_eq!(status_of(db, &number).await, OrderStatus::Shipped);
    // Once shipped, the order can no longer be cancelled.
    match fulfilment::act(&state, &support, &number, OrderAction::Cancel, None, now).await {
        Err(ActionError::Refused(why)) => {
            assert_eq!(why, "This order is shipped: it can't be cancelled.")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.tracking, Some(tracking.clone()));
    assert!(detail
        .events
        .iter()
        .any(|e| e.note.contains("1Z999AA10123456784")));
    let mail = delivered(&state, &outbox).await;
    assert!(mail
        .iter()
        .any(|m| m.contains("on its way") && m.contains("ups.com/track")));

    fulfilment::act(
        &state,
        &support,
        &number,
        OrderAction::MarkDelivered,
        None,
        now,
    )
    .await
    .unwrap();
    assert_eq!(status_of(db, &number).await, OrderStatus::Delivered);
    let again = fulfilment::act(
        &state,
        &support,
        &number,
        OrderAction::MarkDelivered,
        None,
        now,
    )
    .await;
    assert!(matches!(again, Err(ActionError::Refused(_))));

    // Every action is in the audit log, by whom, with the status before and after.
    let log = app::audit::list(&db.pool, &Default::default(), 0)
        .await
        .unwrap();
    let actions: Vec<(&str, &str, &str)> = log
        .entries
        .iter()
        .rev()
        .map(|e| (e.action.as_str(), e.before.as_str(), e.after.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("mark order processing", "paid", "processing"),
            (
                "ship order",
                "processing",
                "shipped (UPS 1Z999AA10123456784)"
            ),
            ("mark order delivered", "shipped", "delivered"),
        ]
    );
    assert!(log
        .entries
        .iter()
        .all(|e| e.actor_email == "sid@shop.test" && e.record == format!("order {number}")));
}

async fn cancelling_gives_the_stock_back_once_even_when_two_staff_click(db: &Db) {
    let state = shop(db).await;
    let ann = staff(db, "ann@shop.test", app::identity::Role::Admin).await;
    let bob = staff(db, "bob@shop.test", app::identity::Role::Support).await;
    let before = stock(db, CLEAR).await;
    let number = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 2)], None, card(VISA)).await,
        )
        .await,
    );
    assert_eq!(stock(db, CLEAR).await, before - 2);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (a, b) = tokio::join!(
        fulfilment::act(&state, &ann, &number, OrderAction::Cancel, None, now),
        fulfilment::act(&state, &bob, &number, OrderAction::Cancel, None, now),
    );
    let done = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(done, 1, "{a:?} {b:?}");
    // Refunded in full as it was cancelled, once.
    assert_eq!(status_of(db, &number).await, OrderStatus::Refunded);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM refunds WHERE state = 'succeeded'").await,
        1
    );
    assert_eq!(stock(db, CLEAR).await, before);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM stock_movements WHERE reason = 'cancelled'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            db,
            "SELECT CAST(COALESCE(SUM(quantity_change), 0) AS BIGINT) FROM stock_movements"
        )
        .await,
        0
    );
}

async fn staff_find_orders_by_status_day_email_and_number(db: &Db) {
    use app::orders::model::OrderFilter;
    let state = shop(db).await;
    let first = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let second = placed(
        &checkout(
            &state,
            &request(&state, "bob@example.com", &[(GRIP, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let support = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let now = OffsetDateTime::now_utc();
    fulfilment::act(
        &state,
        &support,
        &second,
        OrderAction::MarkProcessing,
        None,
        now.unix_timestamp(),
    )
    .await
    .unwrap();
    let list = |filter: OrderFilter| {
        let pool = db.pool.clone();
        async move {
            let query = staff_list::StaffQuery::from_filter(&filter).unwrap();
            staff_list::staff_list(&pool, &query, 1)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.number)
                .collect::<Vec<_>>()
        }
    };
    // A declined card leaves an attempt, not an order: listed only when asked for.
    checkout(
        &state,
        &request(
            &state,
            "cy@example.com",
            &[(GRIP, 1)],
            None,
            card("4000000000000002"),
        )
        .await,
    )
    .await;
    assert_eq!(
        list(OrderFilter::default()).await,
        vec![second.clone(), first.clone()]
    );
    let failed = OrderFilter {
        status: "payment_failed".into(),
        ..Default::default()
    };
    assert_eq!(list(failed).await.len(), 1);
    let everything = OrderFilter {
        status: app::orders::model::WITH_UNPAID.into(),
        ..Default::default()
    };
    assert_eq!(list(everything).await.len(), 3);
    let processing = OrderFilter {
        status: "processing".into(),
        ..Default::default()
    };
    assert_eq!(list(processing).await, vec![second.clone()]);
    let by_email = OrderFilter {
        email: "ADA@".into(),
        ..Default::default()
    };
    assert_eq!(list(by_email).await, vec![first.clone()]);
    let by_number = OrderFilter {
        number: first[3..].to_lowercase(),
        ..Default::default()
    };
    assert_eq!(list(by_number).await, vec![first.clone()]);
    let today = now.date().to_string();
    let today_only = OrderFilter {
        from: today.clone(),
        to: today,
        ..Default::default()
    };
    assert_eq!(list(today_only).await.len(), 2);
    let tomorrow = (now.date() + time::Duration::days(1)).to_string();
    let later = OrderFilter {
        from: tomorrow,
        ..Default::default()
    };
    assert!(list(later).await.is_empty());
    for bad in [
        OrderFilter {
            status: "lost".into(),
            ..Default::default()
        },
        OrderFilter {
            from: "28/11/2026".into(),
            ..Default::default()
        },
        OrderFilter {
            from: "2026-11-29".into(),
            to: "2026-11-28".into(),
            ..Default::default()
        },
    ] {
        assert!(
            staff_list::StaffQuery::from_filter(&bad).is_err(),
            "{bad:?}"
        );
    }
}

async fn a_code_made_by_staff_discounts_checkout_until_disabled(db: &Db) {
    let state = shop(db).await;
    let form = CouponForm {
        code: "winter15".into(),
        kind: "percent".into(),
        value: "15".into(),
        cases: Some("on".into()),
        ..Default::default()
    };
    let (offer, terms) = check_coupon(&form).unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let id = coupon_repo::create(&mut conn, &offer, &terms)
        .await
        .unwrap();
    drop(conn);
    // 15% off the clear case ($19.99) only, not the grip: $3.00 off.
    let req = request(
        &state,
        "ada@example.com",
        &[(CLEAR, 1), (GRIP, 1)],
        Some("WINTER15"),
        card(VISA),
    )
    .await;
    let number = placed(&checkout(&state, &req).await);
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.totals.discount, Money::from_cents(300));
    let mut conn = db.pool.acquire().await.unwrap();
    let used = coupon_repo::redemptions(&mut conn, id).await.unwrap();
    assert_eq!(used.len(), 1);
    assert_eq!(
        (used[0].order_number.as_str(), used[0].email.as_str()),
        (number.as_str(), "ada@example.com")
    );
    let listed = coupon_repo::staff_list(&db.pool).await.unwrap();
    let row = listed.iter().find(|r| r.code == "WINTER15").unwrap();
    assert_eq!(
        (row.redemptions, row.active, row.offer.as_str()),
        (1, true, "15% off phone cases")
    );

    // Disabled, the code is unknown to the cart; the staff still find it.
    coupon_repo::update(&mut conn, id, &offer, &terms, false)
        .await
        .unwrap();
    let (_, active) = coupon_repo::find_any(&mut conn, &offer.code)
        .await
        .unwrap()
        .unwrap();
    assert!(!active);
    drop(conn);
    let now = OffsetDateTime::now_utc();
    let cart = CartRequest {
        lines: vec![CartLine {
            sku: CLEAR.into(),
            quantity: 1,
        }],
        coupon: Some("WINTER15".into()),
        method: ShippingMethod::Standard,
    };
    let priced =
        pricing_service::price_cart(&db.pool, &state.store, &cart, now.unix_timestamp(), None)
            .await
            .unwrap();
    assert!(
        matches!(priced.coupon, Some(Err(CouponRejection::Unknown(_)))),
        "{:?}",
        priced.coupon
    );
}

async fn the_export_lists_the_orders_placed_in_its_days(db: &Db) {
    let state = shop(db).await;
    let first = placed(
        &checkout(
            &state,
            &request(
                &state,
                "ada@example.com",
                &[(CLEAR, 2), (GRIP, 1)],
                Some("SAVE5"),
                card(VISA),
            )
            .await,
        )
        .await,
    );
    let second = placed(
        &checkout(
            &state,
            &request(&state, "bob@example.com", &[(GRIP, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let now = OffsetDateTime::now_utc();
    let (from, until) =
        app::admin::export::range(&now.date().to_string(), &now.date().to_string()).unwrap();
    let rows = staff_list::export_rows(&db.pool, from, until)
        .await
        .unwrap();
    let numbers: Vec<&str> = rows.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers, vec![first.as_str(), second.as_str()]);
    assert_eq!(rows[0].item_count, 3);
    assert_eq!(rows[0].coupon.as_deref(), Some("SAVE5"));
    assert_eq!(rows[0].total, Money::from_cents(5597 - 500));
    assert_eq!(rows[0].payment, "Visa ending in 4242");
    assert!(
        rows[0].items.contains("2 × Signature Case"),
        "{}",
        rows[0].items
    );
    let text = String::from_utf8(app::admin::export::write_csv(&rows).unwrap()).unwrap();
    assert_eq!(
        csv::Reader::from_reader(text.as_bytes()).records().count(),
        2
    );
    // The day before holds none of them.
    let yesterday = (now.date() - time::Duration::days(1)).to_string();
    let (from, until) = app::admin::export::range(&yesterday, &yesterday).unwrap();
    assert!(staff_list::export_rows(&db.pool, from, until)
        .await
        .unwrap()
        .is_empty());
}

/// Staff cancel an order while it is being prepared (refunded in full, the shopper told it is
/// cancelled), and settle a package lost in the post by a free replacement, once, or a refund;
/// the staff timeline names who did what in staff's words.
async fn staff_cancel_while_preparing_and_settle_a_lost_package(db: &Db) {
    use app::orders::lost;
    use app::orders::refunding;
    use app::orders::refunds::RefundScope;
    let outbox = new_outbox();
    let state = shop_mailing_to(db, outbox.clone()).await;
    let sid = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let tracking = Tracking::parse("ups", "1Z999AA10123456784").unwrap();
    let order = |email: &'static str| {
        let state = state.clone();
        async move {
            placed(
                &checkout(
                    &state,
                    &request(&state, email, &[(CLEAR, 1), (GRIP, 2)], None, card(VISA)).await,
                )
                .await,
            )
        }
    };
    let step = |number: String, action: OrderAction, tracked: bool| {
        let (state, sid, tracking) = (state.clone(), sid.clone(), tracking.clone());
        async move {
            fulfilment::act(
                &state,
                &sid,
                &number,
                action,
                tracked.then_some(tracking),
                now,
            )
            .await
            .unwrap()
        }
    };

    // Cancelled while being prepared: stock back, refunded, the shopper told it is cancelled.
    let preparing = order("ada@example.com").await;
    step(preparing.clone(), OrderAction::MarkProcessing, false).await;
    let clear_before = stock(db, CLEAR).await;
    step(preparing.clone(), OrderAction::Cancel, false).await;
    assert_eq!(stock(db, CLEAR).await, clear_before + 1);
    assert_eq!(status_of(db, &preparing).await, OrderStatus::Refunded);
    let mail = delivered(&state, &outbox).await;
    assert!(mail
        .iter()
        .any(|m| m.contains(&format!("order {preparing} is cancelled"))));
    let timeline = orders::staff_timeline(&db.pool, &preparing).await.unwrap();
    let cancelled = timeline
        .iter()
        .find(|s| s.status == OrderStatus::Cancelled)
        .unwrap();
    assert!(
        cancelled.note.starts_with("Cancelled by staff"),
        "{cancelled:?}"
    );
    assert_eq!(cancelled.by.as_deref(), Some("sid@shop.test"));
    assert!(
        timeline
            .iter()
            .any(|s| s.note == "Marked as being prepared."
                && s.by.as_deref() == Some("sid@shop.test"))
    );

    // Lost in the post: the same items again, free, once.
    let lost_one = order("bo@example.com").await;
    step(lost_one.clone(), OrderAction::MarkProcessing, false).await;
    let paid = lost::replace(&state, &sid, &lost_one, now).await;
    assert!(matches!(paid, Err(ActionError::Refused(_))), "{paid:?}");
    step(lost_one.clone(), OrderAction::Ship, true).await;
    let grip_before = stock(db, GRIP).await;
    let (first, second) = tokio::join!(
        lost::replace(&state, &sid, &lost_one, now),
        lost::replace(&state, &sid, &lost_one, now),
    );
    let new = match (first, second) {
        (Ok(new), Err(ActionError::Refused(why))) | (Err(ActionError::Refused(why)), Ok(new)) => {
            assert_eq!(
                why,
                format!("A replacement was already sent for this order: {new}.")
            );
            new
        }
        other => panic!("one replacement expected: {other:?}"),
    };
    assert_eq!(stock(db, GRIP).await, grip_before - 2);
    assert_eq!(status_of(db, &new).await, OrderStatus::Paid);
    let (replacement, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &new)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replacement.totals.total, Money::ZERO);
    assert_eq!(replacement.lines.len(), 2);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM stock_movements WHERE reason = 'lost_replacement'"
        )
        .await,
        2
    );
    assert_eq!(
        lost::replaced_by(&mut db.pool.acquire().await.unwrap(), &lost_one)
            .await
            .unwrap(),
        Some(new.clone())
    );
    let timeline = orders::staff_timeline(&db.pool, &lost_one).await.unwrap();
    assert!(timeline.iter().any(|s| s.note
        == format!("Package lost: replacement sent as order {new}.")
        && s.by.as_deref() == Some("sid@shop.test")));
    let (shopper_view, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &lost_one)
        .await
        .unwrap()
        .unwrap();
    assert!(shopper_view
        .events
        .iter()
        .any(|e| e.note.contains(&format!("for free, as order {new}"))));

    // Out of stock: nothing is sent, nothing kept.
    let short = order("cy@example.com").await;
    step(short.clone(), OrderAction::MarkProcessing, false).await;
    step(short.clone(), OrderAction::Ship, true).await;
    sqlx::query("UPDATE skus SET stock = 0 WHERE code = $1")
        .bind(GRIP)
        .execute(&db.pool)
        .await
        .unwrap();
    let refused = lost::replace(&state, &sid, &short, now).await;
    assert!(
        matches!(&refused, Err(ActionError::Refused(why)) if why.contains("out of stock")),
        "{refused:?}"
    );
    assert_eq!(
        lost::replaced_by(&mut db.pool.acquire().await.unwrap(), &short)
            .await
            .unwrap(),
        None
    );
    // Refunded in full instead: the shipped order becomes Refunded.
    refunding::refund(
        &state,
        &sid,
        &short,
        &RefundScope::Full,
        "Lost in the post",
        now,
    )
    .await
    .unwrap();
    assert_eq!(status_of(db, &short).await, OrderStatus::Refunded);
    let timeline = orders::staff_timeline(&db.pool, &short).await.unwrap();
    // Found by its note: the refund's steps and the shipping step may share a second.
    let refunded = timeline
        .iter()
        .find(|e| e.status == OrderStatus::Refunded && e.note.contains("(Lost in the post)"))
        .unwrap_or_else(|| panic!("no refund step in {timeline:?}"));
    assert_eq!(refunded.by.as_deref(), Some("sid@shop.test"));
}

/// A guest who bought without an account is a customer of the staff list, by e-mail address
/// (any case), with the orders placed (not the declined attempts) and what they came to.
async fn guests_are_customers_with_their_orders(db: &Db) {
    use app::accounts::model::{Buyer, BuyerRef};
    use app::accounts::repo as accounts;
    let state = shop(db).await;
    let first = placed(
        &checkout(
            &state,
            &request(&state, "Gus@Example.com", &[(GRIP, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let second = placed(
        &checkout(
            &state,
            &request(&state, "gus@example.com", &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    checkout(
        &state,
        &request(
            &state,
            "gus@example.com",
            &[(CLEAR, 1)],
            None,
            card("4000000000000002"),
        )
        .await,
    )
    .await;
    let total = |number: String| async move {
        orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
            .await
            .unwrap()
            .unwrap()
            .0
            .totals
            .total
    };
    let spent = total(first.clone()).await + total(second.clone()).await;

    let list = accounts::customer_list(&db.pool, "GUS@", 1).await.unwrap();
    assert_eq!(list.count, 1, "{list:?}");
    let row = &list.rows[0];
    assert_eq!(row.buyer, Buyer::Guest);
    assert_eq!(row.email, "gus@example.com");
    assert_eq!((row.orders, row.spent), (2, spent));
    assert_eq!(row.href(), "/admin/customers/guest?email=gus%40example.com");
    assert_eq!(
        accounts::guest_row(&db.pool, "GUS@example.com")
            .await
            .unwrap()
            .as_ref(),
        Some(row)
    );
    assert_eq!(
        accounts::guest_row(&db.pool, "nobody@example.com")
            .await
            .unwrap(),
        None
    );
    let history = orders::history(&db.pool, BuyerRef::Guest("Gus@example.com"), 1)
        .await
        .unwrap();
    let numbers: Vec<_> = history.orders.iter().map(|o| o.number.clone()).collect();
    assert_eq!(numbers, vec![second, first]);
    // An account is listed as one, beside the guests.
    let ann = staff(db, "ann@shop.test", app::identity::Role::Support).await;
    let everyone = accounts::customer_list(&db.pool, "", 1).await.unwrap();
    assert!(everyone.rows.iter().any(|r| r.buyer
        == Buyer::Account {
            id: ann.id,
            role: app::identity::Role::Support
        }));
    assert!(everyone.rows.iter().any(|r| r.buyer == Buyer::Guest));
}

on_both_backends!(
    an_order_is_prepared_shipped_and_delivered_and_refused_out_of_turn,
    cancelling_gives_the_stock_back_once_even_when_two_staff_click,
    staff_find_orders_by_status_day_email_and_number,
    a_code_made_by_staff_discounts_checkout_until_disabled,
    the_export_lists_the_orders_placed_in_its_days,
    staff_cancel_while_preparing_and_settle_a_lost_package,
    guests_are_customers_with_their_orders,
);
