//! The catalog's storage, run against real SQLite and real PostgreSQL databases.

mod support;

use app::catalog::demo::demo_catalog;
use app::catalog::model::{CatalogFilter, Category};
use app::catalog::repo;
use app::db::Db;
use app::money::Money;
use sqlx::Row;

async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

async fn seeded(db: &Db) {
    assert!(repo::seed_once(&db.pool, &demo_catalog()).await.unwrap());
}

async fn demo_catalog_loads_once(db: &Db) {
    let expected_skus: usize = demo_catalog().products.iter().map(|p| p.skus.len()).sum();
    seeded(db).await;
    assert_eq!(count(db, "skus").await, expected_skus as i64);
    assert!(count(db, "phone_models").await >= 12);

    assert!(!repo::seed_once(&db.pool, &demo_catalog()).await.unwrap());
    assert_eq!(count(db, "skus").await, expected_skus as i64);

    // Even an emptied catalog is not refilled behind the shop's back.
    sqlx::query("DELETE FROM skus")
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(!repo::seed_once(&db.pool, &demo_catalog()).await.unwrap());
    assert_eq!(count(db, "skus").await, 0);
}

async fn concurrent_first_starts_load_one_copy(db: &Db) {
    let catalog = demo_catalog();
    let (a, b) = tokio::join!(
        repo::seed_once(&db.pool, &catalog),
        repo::seed_once(&db.pool, &catalog)
    );
    let loaded = [a, b].into_iter().filter(|r| matches!(r, Ok(true))).count();
    assert_eq!(loaded, 1, "exactly one start loads the catalog");
    assert_eq!(count(db, "products").await, catalog.products.len() as i64);
}

async fn listing_filters_by_category_and_model(db: &Db) {
    seeded(db).await;
    let all = repo::product_summaries(&db.pool, &CatalogFilter::default(), false)
        .await
        .unwrap();
    assert_eq!(all.len(), demo_catalog().products.len());

    for category in Category::ALL {
        let filter = CatalogFilter {
            category: Some(category),
            model: None,
        };
        let found = repo::product_summaries(&db.pool, &filter, false)
            .await
            .unwrap();
        assert!(!found.is_empty());
        assert!(found.iter().all(|p| p.category == category));
    }

    // A phone model keeps its own products and the universal accessories.
    let pixel = CatalogFilter {
        category: None,
        model: Some("pixel-9a".into()),
    };
    let found = repo::product_summaries(&db.pool, &pixel, false)
        .await
        .unwrap();
    assert_eq!(found.len(), all.len());
    sqlx::query(
        "DELETE FROM skus WHERE phone_model_id = (SELECT id FROM phone_models WHERE slug = 'pixel-9a') \
         AND product_id = (SELECT id FROM products WHERE slug = 'eco-case')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let found = repo::product_summaries(&db.pool, &pixel, false)
        .await
        .unwrap();
    assert!(found.iter().all(|p| p.slug != "eco-case"));
    assert!(found.iter().any(|p| p.category == Category::Accessory));

    let unknown = CatalogFilter {
        category: None,
        model: Some("nokia-3310".into()),
    };
    let found = repo::product_summaries(&db.pool, &unknown, false)
        .await
        .unwrap();
    assert!(found.iter().all(|p| p.category == Category::Accessory));
}

async fn summaries_carry_lowest_price_and_stock(db: &Db) {
    seeded(db).await;
    let all = repo::product_summaries(&db.pool, &CatalogFilter::default(), false)
        .await
        .unwrap();
    let signature = all.iter().find(|p| p.slug == "signature-case").unwrap();
    assert_eq!(signature.from_price, Money::from_cents(1999));
    assert!(!signature.single_price);
    let charger = all.iter().find(|p| p.slug == "usb-c-charger-30w").unwrap();
    assert_eq!(charger.from_price, Money::from_cents(2499));
    assert!(charger.single_price);

    sqlx::query(
        "UPDATE skus SET stock = 0 WHERE product_id = (SELECT id FROM products WHERE slug = 'usb-c-charger-30w')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let all = repo::product_summaries(&db.pool, &CatalogFilter::default(), false)
        .await
        .unwrap();
    assert!(
        !all.iter()
            .find(|p| p.slug == "usb-c-charger-30w")
            .unwrap()
            .in_stock
    );
    assert!(
        all.iter()
            .find(|p| p.slug == "signature-case")
            .unwrap()
            .in_stock
    );

    let featured = repo::product_summaries(&db.pool, &CatalogFilter::default(), true)
        .await
        .unwrap();
    let expected: Vec<_> = demo_catalog()
        .products
        .iter()
        .filter(|p| p.featured)
        .map(|p| p.slug.to_owned())
        .collect();
    assert_eq!(
        featured.iter().map(|p| p.slug.clone()).collect::<Vec<_>>(),
        expected
    );
}

async fn product_record_groups_every_variant_by_phone(db: &Db) {
    seeded(db).await;
    let demo = demo_catalog();
    let demo_product = demo
        .products
        .iter()
        .find(|p| p.slug == "signature-case")
        .unwrap();
    let record = repo::product_record(&db.pool, "signature-case")
        .await
        .unwrap()
        .expect("the product exists");
    assert_eq!(record.info.name, demo_product.name);
    assert_eq!(record.info.style_label, "Case type");
    // Every SKU once, in catalog order, under its own phone.
    let listed: Vec<(Option<&str>, &str)> = record
        .offers
        .iter()
        .flat_map(|o| {
            o.variants
                .iter()
                .map(|v| (o.model.as_deref(), v.sku.as_str()))
        })
        .collect();
    let expected: Vec<(Option<&str>, &str)> = demo_product
        .skus
        .iter()
        .map(|s| (s.model, s.code.as_str()))
        .collect();
    assert_eq!(listed, expected);
    let models: Vec<Option<&str>> = record
        .models
        .iter()
        .map(|m| Some(m.slug.as_str()))
        .collect();
    let offered: Vec<Option<&str>> = record.offers.iter().map(|o| o.model.as_deref()).collect();
    assert_eq!(models, offered);
    for sku in &demo_product.skus {
        let variant = record
            .offers
            .iter()
            .flat_map(|o| &o.variants)
            .find(|v| v.sku == sku.code)
            .unwrap();
        assert_eq!(variant.price, sku.price);
        assert_eq!(variant.stock, sku.stock);
    }

    // The page carries one phone's variants: the SKU's phone, else the one asked for.
    let page = record.page_for(Some("pixel-10"), None);
    assert_eq!(page.offer.model.as_deref(), Some("pixel-10"));
    assert!(page
        .offer
        .variants
        .iter()
        .all(|v| v.sku.starts_with("SIG-PX10-")));
    let page = record.page_for(Some("pixel-10"), Some("SIG-IP17PM-SLM-OCEBLU"));
    assert_eq!(page.offer.model.as_deref(), Some("iphone-17-pro-max"));
    let page = record.page_for(Some("no-such-phone"), None);
    assert_eq!(page.offer.model, offered[0].map(str::to_owned));

    let accessory = repo::product_record(&db.pool, "magnetic-grip")
        .await
        .unwrap()
        .unwrap();
    assert!(accessory.models.is_empty());
    assert_eq!(accessory.offers.len(), 1);
    assert_eq!(accessory.page_for(None, None).offer.model, None);

    assert!(repo::product_record(&db.pool, "no-such-thing")
        .await
        .unwrap()
        .is_none());
}

async fn database_refuses_negative_stock_and_prices(db: &Db) {
    seeded(db).await;
    let negative_stock =
        sqlx::query("UPDATE skus SET stock = -1 WHERE code = 'SIG-IP17PM-CLR-CRYCLE'")
            .execute(&db.pool)
            .await;
    assert!(negative_stock.is_err());
    let negative_price =
        sqlx::query("UPDATE skus SET price_cents = -100 WHERE code = 'SIG-IP17PM-CLR-CRYCLE'")
            .execute(&db.pool)
            .await;
    assert!(negative_price.is_err());
}

async fn health_check_answers(db: &Db) {
    assert!(db.is_healthy().await);
}

on_both_backends!(
    demo_catalog_loads_once,
    concurrent_first_starts_load_one_copy,
    listing_filters_by_category_and_model,
    summaries_carry_lowest_price_and_stock,
    product_record_groups_every_variant_by_phone,
    database_refuses_negative_stock_and_prices,
    health_check_answers,
);
