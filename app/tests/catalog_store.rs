//! The catalog's storage, run against real SQLite and real PostgreSQL databases.

mod support;

use app::catalog::art::Art;
use app::catalog::demo::demo_catalog;
use app::catalog::model::{CatalogFilter, Category};
use app::catalog::{editor, repo, stock};
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

async fn staff_member(db: &Db) -> i64 {
    let sign_up =
        app::accounts::model::SignUp::validate("Sam", "sam@shop.test", "long enough password")
            .unwrap();
    app::accounts::repo::create_customer(&db.pool, &sign_up, "not-a-real-hash", 0)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn on_sale(db: &Db, slug: &str, sku: &str) -> (bool, bool, bool) {
    let listed = repo::product_summaries(&db.pool, &CatalogFilter::default(), false)
        .await
        .unwrap()
        .iter()
        .any(|p| p.slug == slug);
    let page = repo::product_record(&db.pool, slug)
        .await
        .unwrap()
        .is_some();
    let mut tx = db.pool.begin().await.unwrap();
    let sellable = stock::take(&mut tx, sku, 1, "CF-TEST0000", stock::StockReason::Sale, 0)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    (listed, page, sellable)
}

async fn a_hidden_product_is_neither_listed_shown_nor_sold(db: &Db) {
    seeded(db).await;
    let product = editor::product(&db.pool, "eco-case")
        .await
        .unwrap()
        .unwrap();
    let sku = product
        .variants
        .iter()
        .find(|v| v.stock > 0)
        .unwrap()
        .sku
        .clone();
    assert_eq!(on_sale(db, "eco-case", &sku).await, (true, true, true));
    let (category, low) = app::admin::catalog::check_product(&product.form).unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    editor::update_product(&mut tx, "eco-case", &product.form, category, low, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(on_sale(db, "eco-case", &sku).await, (false, false, false));
    let rows = editor::product_rows(&db.pool).await.unwrap();
    assert!(rows.iter().any(|r| r.slug == "eco-case" && r.hidden));

    let mut tx = db.pool.begin().await.unwrap();
    editor::update_product(&mut tx, "eco-case", &product.form, category, low, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(on_sale(db, "eco-case", &sku).await, (true, true, true));
}

async fn staff_adjust_stock_with_a_reason_and_never_below_zero(db: &Db) {
    seeded(db).await;
    let sam = staff_member(db).await;
    let eco = editor::product(&db.pool, "eco-case")
        .await
        .unwrap()
        .unwrap()
        .variants[0]
        .sku
        .clone();
    let level = |db: &Db| {
        let (pool, eco) = (db.pool.clone(), eco.clone());
        async move {
            let mut conn = pool.acquire().await.unwrap();
            editor::variant(&mut conn, &eco)
                .await
                .unwrap()
                .unwrap()
                .stock
        }
    };
    let start = level(db).await;
    let mut tx = db.pool.begin().await.unwrap();
    assert_eq!(
        stock::adjust(&mut tx, &eco, 12, "delivery", sam, 10)
            .await
            .unwrap(),
        Some(start + 12)
    );
    assert_eq!(
        stock::adjust(&mut tx, &eco, -(start + 13), "too many", sam, 11)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        stock::adjust(&mut tx, "NO-SUCH-SKU", 1, "x", sam, 12)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        stock::adjust(&mut tx, &eco, -2, "broken in the warehouse", sam, 13)
            .await
            .unwrap(),
        Some(start + 10)
    );
    tx.commit().await.unwrap();
    assert_eq!(level(db).await, start + 10);
    let history = editor::product(&db.pool, "eco-case")
        .await
        .unwrap()
        .unwrap()
        .movements;
    let moves: Vec<(i64, &str, Option<&str>)> = history
        .iter()
        .map(|m| (m.change, m.note.as_str(), m.by.as_deref()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (-2, "broken in the warehouse", Some("sam@shop.test")),
            (12, "delivery", Some("sam@shop.test")),
        ]
    );
}

async fn variants_are_added_once_and_priced_for_the_shop(db: &Db) {
    seeded(db).await;
    let form = app::catalog::staff::ProductForm {
        name: "Leather Strap".into(),
        category: "accessories".into(),
        tagline: "Soft".into(),
        description: "A soft strap.".into(),
        style_label: "Length".into(),
        low_stock: "3".into(),
    };
    let mut tx = db.pool.begin().await.unwrap();
    assert!(
        editor::create_product(&mut tx, "leather-strap", &form, Category::Accessory, 3)
            .await
            .unwrap()
    );
    assert!(
        !editor::create_product(&mut tx, "leather-strap", &form, Category::Accessory, 3)
            .await
            .unwrap()
    );
    let new = editor::NewVariant {
        product: "leather-strap",
        model: None,
        style: Some("Long"),
        colour: Some("Sand"),
        art: Art::Strap,
        price: Money::from_cents(1299),
    };
    let editor::Added::Sku(sku) = editor::add_variant(&mut tx, &new).await.unwrap() else {
        panic!("the variant was not added");
    };
    assert_eq!(
        editor::add_variant(&mut tx, &new).await.unwrap(),
        editor::Added::Duplicate
    );
    let unknown_phone = editor::NewVariant {
        model: Some("nokia-3310"),
        ..new.clone()
    };
    assert_eq!(
        editor::add_variant(&mut tx, &unknown_phone).await.unwrap(),
        editor::Added::NoModel
    );
    tx.commit().await.unwrap();
    // New products start hidden.
    assert!(repo::product_record(&db.pool, "leather-strap")
        .await
        .unwrap()
        .is_none());
    let product = editor::product(&db.pool, "leather-strap")
        .await
        .unwrap()
        .unwrap();
    assert!(product.hidden);
    assert_eq!(product.variants[0].image, "/img/strap/sand.svg");

    let mut tx = db.pool.begin().await.unwrap();
    editor::update_product(
        &mut tx,
        "leather-strap",
        &form,
        Category::Accessory,
        3,
        false,
    )
    .await
    .unwrap();
    editor::update_variant(&mut tx, &sku, Money::from_cents(1499), true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let shown = repo::product_record(&db.pool, "leather-strap")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown.offers[0].variants[0].price, Money::from_cents(1499));
    let rows = editor::product_rows(&db.pool).await.unwrap();
    let row = rows.iter().find(|r| r.slug == "leather-strap").unwrap();
    // No stock yet: the variant on sale is at or below the threshold of 3.
    assert_eq!((row.variants, row.stock, row.low_variants), (1, 0, 1));
}

async fn search_finds_products_by_name_phone_colour_and_type(db: &Db) {
    seeded(db).await;
    let search = |q: &'static str| {
        let pool = db.pool.clone();
        async move {
            let terms = app::search::terms(q);
            repo::search_products(&pool, &terms)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.slug)
                .collect::<Vec<_>>()
        }
    };
    assert!(search("signature")
        .await
        .contains(&"signature-case".to_owned()));
    // Type and colour of one variant: the price is that variant's.
    let clear = repo::search_products(&db.pool, &app::search::terms("CLEAR crystal"))
        .await
        .unwrap();
    let signature = clear.iter().find(|p| p.slug == "signature-case").unwrap();
    assert_eq!(signature.from_price, Money::from_cents(1999));
    assert!(signature.single_price);
    // The phone model narrows to products made for it.
    let pixel = search("pixel").await;
    assert!(!pixel.is_empty());
    assert!(search("pixel clear")
        .await
        .iter()
        .all(|slug| pixel.contains(slug)));
    // Every word must match; wildcards typed are plain text.
    assert!(search("signature zeppelin").await.is_empty());
    assert!(search("%").await.is_empty());
    assert!(search("_").await.is_empty());
    // A hidden product is not found.
    sqlx::query("UPDATE products SET hidden = 1 WHERE slug = 'signature-case'")
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(!search("signature")
        .await
        .contains(&"signature-case".to_owned()));
}

on_both_backends!(
    search_finds_products_by_name_phone_colour_and_type,
    a_hidden_product_is_neither_listed_shown_nor_sold,
    staff_adjust_stock_with_a_reason_and_never_below_zero,
    variants_are_added_once_and_priced_for_the_shop,
    demo_catalog_loads_once,
    concurrent_first_starts_load_one_copy,
    listing_filters_by_category_and_model,
    summaries_carry_lowest_price_and_stock,
    product_record_groups_every_variant_by_phone,
    database_refuses_negative_stock_and_prices,
    health_check_answers,
);
