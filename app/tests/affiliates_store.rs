//! The affiliate program against real SQLite and PostgreSQL: clicks, attribution decided once,
//! commission following the order (paid, delivered, approved after 30 days, refunds and
//! cancellation taking their share back, never below zero), and payouts paying each approved
//! commission exactly once, even when two runs are prepared at the same time.

mod support;

use support::shop::*;

use app::affiliates::partners::{self, Applied, PartnerRecord};
use app::affiliates::rules::{ClickCookie, APPROVAL_DELAY_SECS, CLICK_WINDOW_SECS};
use app::affiliates::{clicks, ledger, payouts, ApplicationForm, AUDIENCE_SIZES};
use app::checkout::service::place_order;
use app::db::Db;
use app::identity::Role;
use app::orders::fulfilment;
use app::orders::refunding;
use app::orders::refunds::RefundScope;
use app::orders::status::OrderAction;
use app::shop::ServerState;
use time::OffsetDateTime;

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// An approved partner named `name`, applying with `email`.
async fn partner(db: &Db, name: &str, email: &str) -> PartnerRecord {
    let form = ApplicationForm {
        name: name.into(),
        email: email.into(),
        channel: format!("instagram.com/{name}"),
        audience: AUDIENCE_SIZES[1].into(),
        promotion: "Reviews of phone cases in my stories.".into(),
        paypal_email: email.into(),
    };
    let application = form.validate().unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let Applied::Received(id) = partners::apply(&mut conn, &application, None, now())
        .await
        .unwrap()
    else {
        panic!("the application was not received");
    };
    assert!(partners::approve(&mut conn, id, now()).await.unwrap());
    partners::by_id(&mut conn, id).await.unwrap().unwrap()
}

/// The browser's cookie after following `partner`'s link at `at`.
async fn click(db: &Db, partner: &PartnerRecord, at: i64) -> ClickCookie {
    let code = partner.referral_code.as_ref().unwrap().to_string();
    clicks::follow(
        &db.pool,
        &code,
        "/products/signature-case",
        "10.9.9.9",
        OffsetDateTime::from_unix_timestamp(at).unwrap(),
    )
    .await
    .unwrap()
    .expect("an approved partner's link sets the cookie")
}

/// A guest order of `quantity` clear cases ($19.99 each) by `email`, through `referral`.
async fn buy(
    state: &ServerState,
    email: &str,
    quantity: u32,
    coupon: Option<&str>,
    referral: Option<&ClickCookie>,
) -> String {
    let req = request(state, email, &[(CLEAR, quantity)], coupon, card(VISA)).await;
    placed(
        &place_order(
            state,
            &req,
            None,
            &client(),
            referral,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap(),
    )
}

/// (partner, commission, reversed) of order `number`'s referral, if any.
async fn referral(db: &Db, number: &str) -> Option<(i64, i64, i64)> {
    let mut conn = db.pool.acquire().await.unwrap();
    ledger::of_order(&mut conn, number)
        .await
        .unwrap()
        .map(|r| (r.partner_id, r.commission.cents(), r.reversed.cents()))
}

/// The sum of partner `id`'s commission entries in `state`.
async fn balance(db: &Db, id: i64, state: &str) -> i64 {
    count(
        db,
        &format!(
            "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM commission_entries \
             WHERE partner_id = {id} AND state = '{state}'"
        ),
    )
    .await
}

async fn a_click_counts_only_for_an_approved_partner(db: &Db) {
    let anna = partner(db, "Anna", "anna@partners.test").await;
    click(db, &anna, now()).await;
    let unknown = clicks::follow(
        &db.pool,
        "NOBODY123",
        "/",
        "10.9.9.9",
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    let malformed = clicks::follow(
        &db.pool,
        "<script>",
        "/",
        "10.9.9.9",
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    assert_eq!((unknown, malformed), (None, None));
    let mut conn = db.pool.acquire().await.unwrap();
    assert!(partners::set_suspended(&mut conn, anna.id, true)
        .await
        .unwrap());
    drop(conn);
    let suspended = clicks::follow(
        &db.pool,
        anna.referral_code.as_ref().unwrap().as_str(),
        "/",
        "10.9.9.9",
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    assert_eq!(suspended, None);
    assert_eq!(count(db, "SELECT COUNT(*) FROM partner_clicks").await, 1);
    // A click flood from one client is counted a few times only.
    let bella = partner(db, "Bella", "bella@partners.test").await;
    for _ in 0..30 {
        click(db, &bella, now()).await;
    }
    let counted = count(
        db,
        &format!(
            "SELECT COUNT(*) FROM partner_clicks WHERE partner_id = {}",
            bella.id
        ),
    )
    .await;
    assert!((1..30).contains(&counted), "{counted} clicks counted");
}

async fn an_order_is_attributed_once_by_code_or_last_click(db: &Db) {
    let state = shop(db).await;
    let anna = partner(db, "Anna", "anna@partners.test").await;
    let bella = partner(db, "Bella", "bella@partners.test").await;
    let anna_clicked = click(db, &anna, now() - 60).await;

    // A link click credits Anna: 10% of 2 x $19.99 = $4.00 (shipping excluded).
    let req = request(&state, "sam@example.com", &[(CLEAR, 2)], None, card(VISA)).await;
    let first = place_order(
        &state,
        &req,
        None,
        &client(),
        Some(&anna_clicked),
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    let number = placed(&first);
    assert_eq!(referral(db, &number).await, Some((anna.id, 400, 0)));
    // The same submission again (a retry) finds the order; a click for Bella in the meantime
    // changes nothing.
    let bella_clicked = click(db, &bella, now()).await;
    let again = place_order(
        &state,
        &req,
        None,
        &client(),
        Some(&bella_clicked),
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    assert_eq!(placed(&again), number);
    assert_eq!(referral(db, &number).await, Some((anna.id, 400, 0)));
    assert_eq!(count(db, "SELECT COUNT(*) FROM referrals").await, 1);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM commission_entries WHERE kind = 'earned'"
        )
        .await,
        1
    );

    // Bella's personal code beats Anna's click; the commission is on the discounted price:
    // 10% of ($39.98 - 10%) = $3.60.
    let code = bella.promo_code.clone().unwrap();
    let by_code = buy(
        &state,
        "tom@example.com",
        2,
        Some(&code),
        Some(&anna_clicked),
    )
    .await;
    assert_eq!(referral(db, &by_code).await, Some((bella.id, 360, 0)));

    // Nobody earns on their own order, by code or link.
    let own_link = buy(&state, "anna@partners.test", 1, None, Some(&anna_clicked)).await;
    let own_code = buy(&state, "bella@partners.test", 1, Some(&code), None).await;
    assert_eq!(referral(db, &own_link).await, None);
    assert_eq!(referral(db, &own_code).await, None);

    // A click older than the window credits nobody.
    let stale = ClickCookie {
        clicked_at: now() - CLICK_WINDOW_SECS - 10,
        ..anna_clicked.clone()
    };
    let late = buy(&state, "uma@example.com", 1, None, Some(&stale)).await;
    assert_eq!(referral(db, &late).await, None);

    // A suspended partner's code stops working and credits nobody.
    let mut conn = db.pool.acquire().await.unwrap();
    assert!(partners::set_suspended(&mut conn, bella.id, true)
        .await
        .unwrap());
    drop(conn);
    let req = request(
        &state,
        "val@example.com",
        &[(CLEAR, 1)],
        Some(&code),
        card(VISA),
    )
    .await;
    let refused = place_order(
        &state,
        &req,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    assert!(
        matches!(
            refused,
            app::checkout::model::CheckoutOutcome::CouponRefused(_)
        ),
        "{refused:?}"
    );
}

async fn commission_is_approved_30_days_after_delivery_and_a_cancellation_leaves_nothing(db: &Db) {
    let state = shop(db).await;
    let anna = partner(db, "Anna", "anna@partners.test").await;
    let cookie = click(db, &anna, now()).await;
    let delivered = buy(&state, "sam@example.com", 1, None, Some(&cookie)).await;
    let cancelled = buy(&state, "tom@example.com", 1, None, Some(&cookie)).await;
    assert_eq!(balance(db, anna.id, "pending").await, 400);
    let at = now();
    deliver(&state, &delivered, at).await;
    let sid = staff(db, "sid@shop.test", Role::Support).await;
    fulfilment::act(&state, &sid, &cancelled, OrderAction::Cancel, None, at)
        .await
        .unwrap();
    // The cancelled order's commission is taken back at once and leaves nothing owed.
    assert_eq!(referral(db, &cancelled).await, Some((anna.id, 200, 200)));
    assert_eq!(balance(db, anna.id, "pending").await, 200);

    let day_before = at + APPROVAL_DELAY_SECS - 1;
    ledger::approve_due(&db.pool, day_before).await.unwrap();
    assert_eq!(balance(db, anna.id, "pending").await, 200);
    assert_eq!(balance(db, anna.id, "approved").await, 0);
    // Two servers' jobs at once: each entry is approved once.
    let due = at + APPROVAL_DELAY_SECS;
    let (a, b) = tokio::join!(
        ledger::approve_due(&db.pool, due),
        ledger::approve_due(&db.pool, due)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(balance(db, anna.id, "pending").await, 0);
    assert_eq!(balance(db, anna.id, "approved").await, 200);
}

async fn concurrent_refunds_take_their_share_once_each_and_never_below_zero(db: &Db) {
    let state = shop(db).await;
    let anna = partner(db, "Anna", "anna@partners.test").await;
    let cookie = click(db, &anna, now()).await;
    // Four cases: $79.96 paid (shipping is free from $30), $8.00 commission.
    let number = buy(&state, "sam@example.com", 4, None, Some(&cookie)).await;
    deliver(&state, &number, now()).await;
    let sid = staff(db, "sid@shop.test", Role::Support).await;
    let zoe = staff(db, "zoe@shop.test", Role::Support).await;
    let one_case = RefundScope::Items {
        quantities: vec![1],
        shipping: false,
    };
    let (first, second) = tokio::join!(
        refunding::refund(&state, &sid, &number, &one_case, "scratched", now()),
        refunding::refund(&state, &zoe, &number, &one_case, "scratched", now()),
    );
    first.unwrap();
    second.unwrap();
    // Half refunded: half the commission taken back, in two entries of $2.00.
    assert_eq!(referral(db, &number).await, Some((anna.id, 800, 400)));
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM commission_entries WHERE kind = 'refund' AND amount_cents = -200"
        )
        .await,
        2
    );
    // The rest, and two more tries at once: all of it taken back, nothing more.
    let (rest, again) = tokio::join!(
        refunding::refund(&state, &sid, &number, &RefundScope::Full, "returned", now()),
        refunding::refund(&state, &zoe, &number, &RefundScope::Full, "returned", now()),
    );
    assert!(
        rest.is_ok() != again.is_ok(),
        "exactly one full refund goes through"
    );
    assert_eq!(referral(db, &number).await, Some((anna.id, 800, 800)));
    assert_eq!(balance(db, anna.id, "pending").await, 0);
}

async fn a_refund_after_approval_is_carried_by_the_next_payout(db: &Db) {
    let state = shop(db).await;
    let anna = partner(db, "Anna", "anna@partners.test").await;
    let cookie = click(db, &anna, now()).await;
    // A rate of her own, 50%: two orders of four cases ($79.96 each, shipped free) earn
    // $39.98 each.
    let mut conn = db.pool.acquire().await.unwrap();
    let half = app::affiliates::rules::Rate::parse_percent("50").unwrap();
    assert!(partners::set_rate(&mut conn, anna.id, Some(half))
        .await
        .unwrap());
    drop(conn);
    let first = buy(&state, "sam@example.com", 4, None, Some(&cookie)).await;
    let second = buy(&state, "tom@example.com", 4, None, Some(&cookie)).await;
    let at = now();
    deliver(&state, &first, at).await;
    deliver(&state, &second, at).await;
    let admin = staff(db, "ada@shop.test", Role::Admin).await;
    // Nothing is approved yet: nobody is due a payout.
    assert_eq!(prepare(db, admin.id).await, None);
    ledger::approve_due(&db.pool, at + APPROVAL_DELAY_SECS)
        .await
        .unwrap();
    let approved = balance(db, anna.id, "approved").await;
    assert_eq!(approved, 2 * 3998);
    // A refund of one case after approval: a negative approved entry of a quarter ($10.00).
    let one_case = RefundScope::Items {
        quantities: vec![1],
        shipping: false,
    };
    refunding::refund(&state, &admin, &first, &one_case, "scratched", at)
        .await
        .unwrap();
    assert_eq!(balance(db, anna.id, "approved").await, approved - 1000);

    // Two payout runs prepared at the same moment: one takes the balance, once.
    let (a, b) = tokio::join!(prepare(db, admin.id), prepare(db, admin.id));
    let runs: Vec<i64> = [a, b].into_iter().flatten().collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let mut conn = db.pool.acquire().await.unwrap();
    let run = payouts::find(&mut conn, runs[0]).await.unwrap().unwrap();
    assert_eq!(run.total().cents(), approved - 1000);
    let csv = payouts::mass_payment_csv(&run, "Test Cases");
    assert!(csv.starts_with("anna@partners.test,69.96,USD,"), "{csv}");
    drop(conn);

    // Marked paid twice at once: paid once.
    let (a, b) = tokio::join!(mark_paid(db, run.id), mark_paid(db, run.id));
    assert_eq!(a.len() + b.len(), 1);
    assert_eq!(balance(db, anna.id, "paid").await, approved - 1000);
    assert_eq!(balance(db, anna.id, "approved").await, 0);
    assert_eq!(prepare(db, admin.id).await, None);

    // What the dashboard reads, on both engines.
    let mut conn = db.pool.acquire().await.unwrap();
    let balances = ledger::balances(&mut conn, anna.id).await.unwrap();
    assert_eq!(balances.paid.cents(), approved - 1000);
    assert!(balances.pending.is_zero() && balances.approved.is_zero());
    let orders = ledger::referred_orders(&mut conn, anna.id, 10)
        .await
        .unwrap();
    assert_eq!(orders.len(), 2);
    assert!(orders
        .iter()
        .all(|o| o.state == app::affiliates::ReferralState::Paid));
    let per_day = ledger::orders_per_day(&mut conn, anna.id, 0).await.unwrap();
    assert_eq!(per_day.iter().map(|(_, n, _)| n).sum::<u32>(), 2);
    let clicks = clicks::per_day(&mut conn, anna.id, 0).await.unwrap();
    assert_eq!(clicks.iter().map(|(_, n)| n).sum::<u32>(), 1);
    assert_eq!(ledger::order_counts(&mut conn).await.unwrap()[&anna.id], 2);
}

async fn prepare(db: &Db, staff: i64) -> Option<i64> {
    let mut tx = app::db::begin(&db.pool).await.unwrap();
    let run = payouts::prepare(&mut tx, staff, now()).await.unwrap();
    tx.commit().await.unwrap();
    run
}

async fn mark_paid(db: &Db, run: i64) -> Vec<app::affiliates::PayoutLine> {
    let mut tx = app::db::begin(&db.pool).await.unwrap();
    let lines = payouts::mark_paid(&mut tx, run, now()).await.unwrap();
    tx.commit().await.unwrap();
    lines
}

on_both_backends!(
    a_click_counts_only_for_an_approved_partner,
    an_order_is_attributed_once_by_code_or_last_click,
    commission_is_approved_30_days_after_delivery_and_a_cancellation_leaves_nothing,
    concurrent_refunds_take_their_share_once_each_and_never_below_zero,
    a_refund_after_approval_is_carried_by_the_next_payout,
);
