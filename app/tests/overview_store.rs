//! The staff overview's figures against real SQLite and PostgreSQL: demo orders loaded once,
//! then counted per day, by status, by product and by promo code; low stock listed.

mod support;

use app::catalog::{demo::demo_catalog, editor, repo as catalog};
use app::coupons::demo as demo_coupons;
use app::db::Db;
use app::money::Money;
use app::orders::stats::DayFigures;
use app::orders::{demo, stats};
use support::shop::{count, store};

const DAY: i64 = 24 * 60 * 60;
/// 27 Nov 2026, 12:00 UTC.
const NOW: i64 = 1_795_780_800;

async fn demo_orders_load_once_and_add_up_in_the_overview(db: &Db) {
    catalog::seed_once(&db.pool, &demo_catalog()).await.unwrap();
    demo_coupons::seed_once(&db.pool).await.unwrap();
    let made = demo::seed_once(&db.pool, &store(), 4, NOW).await.unwrap();
    assert!(made >= 4 * 7 * 3, "{made}");
    assert_eq!(
        demo::seed_once(&db.pool, &store(), 4, NOW).await.unwrap(),
        0
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders").await,
        i64::from(made)
    );
    // Nothing in the future, and every order went through the status machine from payment.
    assert_eq!(
        count(
            db,
            &format!("SELECT COUNT(*) FROM orders WHERE placed_at > {NOW}")
        )
        .await,
        0
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.status = 'paid')").await,
        0
    );

    let first_day = NOW - NOW.rem_euclid(DAY) - 27 * DAY;
    let until = first_day + 28 * DAY;
    let daily: Vec<DayFigures> = stats::daily(&db.pool, first_day, 28).await.unwrap();
    assert_eq!(daily.len(), 28);
    assert!(daily.windows(2).all(|w| w[1].day == w[0].day + DAY));
    let orders: u32 = daily.iter().map(|d| d.orders).sum();
    assert_eq!(i64::from(orders), i64::from(made));
    let revenue: Money = daily.iter().map(|d| d.revenue).sum();
    assert_eq!(
        revenue.cents(),
        count(db, "SELECT CAST(SUM(total_cents) AS BIGINT) FROM orders").await
    );
    assert!(daily.iter().all(|d| d.orders > 0 && !d.revenue.is_zero()));

    let by_status = stats::by_status(&db.pool, first_day, until).await.unwrap();
    assert_eq!(by_status.iter().map(|(_, n)| *n).sum::<u32>(), orders);
    assert!(
        by_status.iter().filter(|(_, n)| *n > 0).count() >= 4,
        "{by_status:?}"
    );

    let top = stats::top_products(&db.pool, first_day, until, 5)
        .await
        .unwrap();
    assert_eq!(top.len(), 5);
    assert!(top.windows(2).all(|w| w[0].units >= w[1].units));
    let codes = stats::coupon_use(&db.pool, first_day, until).await.unwrap();
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].code, "WELCOME10");
    assert_eq!(
        i64::from(codes[0].orders),
        count(db, "SELECT COUNT(*) FROM coupon_redemptions").await
    );

    // A period before the demo holds nothing.
    let before = stats::daily(&db.pool, first_day - 7 * DAY, 7)
        .await
        .unwrap();
    assert!(before.iter().all(|d| d.orders == 0));

    // Low stock: the demo's sold-out variants first, then anything at or under its level.
    let low = editor::low_stock(&db.pool, 10).await.unwrap();
    assert!(!low.is_empty());
    assert!(low.windows(2).all(|w| w[0].stock <= w[1].stock));
    assert!(low.iter().all(|l| l.stock <= l.threshold));
}

on_both_backends!(demo_orders_load_once_and_add_up_in_the_overview);
