//! The cart and checkout endpoints: the pages' postcard and the scripts' JSON agree; only its
//! shopper brings a PayPal payment back to the shop.

mod support;

use app::orders::changes::ChangeOffer;
use support::*;

#[test]
fn the_pages_postcard_and_the_scripts_json_price_a_cart_alike() {
    use app::cart::api::{CartPrices, PriceCart};
    use app::cart::model::{CartLine, CartRequest, PricedCart};
    on_shared_runtime(async {
        let shop = shop().await;
        let request = CartRequest {
            lines: vec![CartLine {
                sku: "GRP-MIDBLA".into(),
                quantity: 2,
            }],
            coupon: Some("NOSUCHCODE".into()),
            method: app::pricing::shipping::ShippingMethod::Express,
        };
        let page_body = postcard::to_allocvec(&CartPrices {
            request: request.clone(),
        })
        .unwrap();
        let by_page: PricedCart = answer(
            &shop,
            Request::post(path_of::<CartPrices>())
                .header(header::CONTENT_TYPE, "application/x-postcard")
                .header(header::ORIGIN, SHOP)
                .body(Body::from(page_body))
                .unwrap(),
        )
        .await
        .unwrap();
        let script_body = serde_json::to_string(&PriceCart { request }).unwrap();
        let (status, _, text) = get_with(
            &shop,
            Request::post(path_of::<PriceCart>())
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, SHOP)
                .body(Body::from(script_body))
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let by_script: PricedCart = serde_json::from_str(&text).unwrap();
        assert_eq!(by_page, by_script);
        assert!(
            matches!(by_page.coupon, Some(Err(CouponRejection::Unknown(_)))),
            "{by_page:?}"
        );
        assert_eq!(by_page.quote.total, app::money::Money::from_cents(4698));
    });
}

#[test]
fn only_the_shopper_who_checked_out_can_come_back_from_paypal_or_cancel() {
    on_shared_runtime(async {
        let shop = shop().await;
        // On the (test) PayPal page the payer approves; PayPal sends them back to the shop.
        let (number, grant, back) = approved_paypal_checkout(&shop, "192.0.2.71").await;
        assert_eq!(back, format!("/checkout/paypal/{number}"));
        // Someone else who learnt the return address learns nothing and settles nothing.
        let returned = path_of::<app::checkout::api::ReturnFromPaypal>();
        let body = format!("number={number}&cancelled=false");
        let stranger =
            answer::<CheckoutOutcome>(&shop, script_post(returned, &body, "192.0.2.70", None))
                .await;
        assert_eq!(stranger, Err(app::error::AppError::NotFound));
        // The shopper's own browser comes back to a placed order.
        let outcome = answer::<CheckoutOutcome>(
            &shop,
            script_post(returned, &body, "192.0.2.71", Some(&grant)),
        )
        .await;
        assert_eq!(
            outcome,
            Ok(CheckoutOutcome::Placed {
                number: number.clone()
            })
        );
        // Only the shopper's browser may cancel the order, too.
        let cancel = path_of::<app::orders::api::CancelOrder>();
        let body = format!("number={number}");
        let stranger =
            answer::<FormResult>(&shop, script_post(cancel, &body, "192.0.2.72", None)).await;
        assert_eq!(stranger, Err(app::error::AppError::NotFound));
        let own = answer::<FormResult>(
            &shop,
            script_post(cancel, &body, "192.0.2.73", Some(&grant)),
        )
        .await;
        assert_eq!(own, Ok(FormResult::Done));
    });
}

#[test]
fn an_orders_change_window_runs_on_the_shops_clock() {
    on_shared_runtime(async {
        let shop = shop().await;
        let (number, grant, _) = approved_paypal_checkout(&shop, "192.0.2.74").await;
        let returned = path_of::<app::checkout::api::ReturnFromPaypal>();
        let body = format!("number={number}&cancelled=false");
        let placed = answer::<CheckoutOutcome>(
            &shop,
            script_post(returned, &body, "192.0.2.74", Some(&grant)),
        )
        .await;
        assert!(
            matches!(placed, Ok(CheckoutOutcome::Placed { .. })),
            "{placed:?}"
        );
        // The order can be changed now; twelve hours and a minute later, by the shop's
        // clock, it no longer can.
        let offer = path_of::<app::orders::api::OrderChangeOffer>();
        let body = format!("number={number}");
        let ask = || script_post(offer, &body, "192.0.2.74", Some(&grant));
        let now = answer::<ChangeOffer>(&shop, ask()).await.unwrap();
        assert!(matches!(now, ChangeOffer::Open { .. }), "{now:?}");
        shop.clock
            .advance(time::Duration::hours(12) + time::Duration::minutes(1));
        let later = answer::<ChangeOffer>(&shop, ask()).await.unwrap();
        let ChangeOffer::Closed(why) = later else {
            panic!("expected the order to be closed to changes, got {later:?}");
        };
        assert!(why.contains("12 hours"), "{why}");
    });
}

/// The test gateway's card that is always accepted.
fn test_card() -> app::payments::gateway::PaymentChoice {
    app::payments::gateway::PaymentChoice::Card(app::payments::gateway::CardDetails {
        number: "4242 4242 4242 4242".into(),
        expiry: "12/35".into(),
        cvc: "123".into(),
    })
}

/// The order's page is served as islands, so its forms post without scripts: a change comes
/// back to the page saying so, a refused one with the reason, and either way the page is the
/// order as it now is.
#[test]
fn an_order_changed_by_a_plain_form_comes_back_to_its_page() {
    on_shared_runtime(async {
        let shop = shop().await;
        let card = test_card();
        let (outcome, grant) = guest_checkout(&shop, card).await;
        let CheckoutOutcome::Placed { number } = outcome else {
            panic!("{outcome:?}")
        };
        let grant = grant.expect("the checkout's grant");
        let page = format!("/orders/{number}");
        let offer = answer::<ChangeOffer>(
            &shop,
            script_post(
                path_of::<app::orders::api::OrderChangeOffer>(),
                &format!("number={number}"),
                "192.0.2.75",
                Some(&grant),
            ),
        )
        .await
        .unwrap();
        let ChangeOffer::Open { choices, .. } = offer else {
            panic!("{offer:?}")
        };
        let (to, label) = choices[0].alternatives[0].clone();
        let change = |to: &str| {
            Request::post(path_of::<app::orders::api::ChangeOrderItem>())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "text/html")
                .header(header::ORIGIN, SHOP)
                .header(header::REFERER, format!("{SHOP}{page}"))
                .header(header::COOKIE, &grant)
                .header("x-forwarded-for", "192.0.2.75")
                .body(Body::from(format!(
                    "number={number}&sku=GRP-MIDBLA&to={to}"
                )))
                .unwrap()
        };
        let page_at = |location: String| {
            Request::get(location.trim_start_matches(SHOP))
                .header(header::COOKIE, &grant)
                .body(Body::empty())
                .unwrap()
        };
        let location = |headers: &axum::http::HeaderMap| {
            headers[header::LOCATION].to_str().unwrap().to_owned()
        };

        // The item as it is: refused, and the page says why.
        let (status, headers, _) = get_with(&shop, change("GRP-MIDBLA")).await;
        assert_eq!(status, StatusCode::FOUND);
        let back = location(&headers);
        assert!(back.contains(&page) && back.contains("__err="), "{back}");
        let (status, _, html) = get_with(&shop, page_at(back)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("This is the item as it is now"), "{html}");
        assert!(!html.contains("Item changed."));

        // Another variant: changed, and the page loaded again says so.
        let (status, headers, _) = get_with(&shop, change(&to)).await;
        assert_eq!(status, StatusCode::FOUND);
        let back = location(&headers);
        assert_eq!(back, format!("{page}?changed=1"));
        let (status, _, html) = get_with(&shop, page_at(back)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Item changed. We"), "{html}");
        assert!(
            html.contains(&label),
            "the new variant on the page: {label}"
        );
        // Served as islands: none of them is the order's own until a panel is opened.
        assert!(html.contains(r#", "pkg", "islands""#));
    });
}

/// The private link in the e-mails opens a guest's order on any device and lets that browser
/// keep seeing it; a wrong or expired key opens nothing; an account's order asks its owner to
/// sign in.
#[test]
fn an_emailed_order_link_opens_the_order_on_another_device() {
    use app::error::AppError;
    use app::orders::links;
    use app::orders::model::OrderDetail;
    on_shared_runtime(async {
        let shop = shop().await;
        let card = test_card();
        let (outcome, _) = guest_checkout(&shop, card.clone()).await;
        let CheckoutOutcome::Placed { number } = outcome else {
            panic!("{outcome:?}")
        };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let issue = |number: String, at: i64| {
            let pool = shop.db.pool.clone();
            async move {
                let mut conn = pool.acquire().await.unwrap();
                let url = links::issue(&mut conn, SHOP, &number, at).await.unwrap();
                url.split("?key=").nth(1).unwrap().to_owned()
            }
        };
        let key = issue(number.clone(), now).await;
        let get = path_of::<app::orders::api::GetOrder>();
        let ask = |key: &str, cookie: Option<&str>| {
            script_post(
                get,
                &format!("number={number}&key={key}"),
                "192.0.2.81",
                cookie,
            )
        };
        // No key, or a wrong one: nothing.
        let nobody = answer::<OrderDetail>(
            &shop,
            script_post(get, &format!("number={number}"), "192.0.2.81", None),
        )
        .await;
        assert_eq!(nobody, Err(AppError::NotFound));
        let wrong = answer::<OrderDetail>(&shop, ask(&"0".repeat(64), None)).await;
        assert_eq!(wrong, Err(AppError::NotFound));
        // The link: the order, and a grant this browser keeps.
        let (status, headers, _) = get_with(&shop, ask(&key, None)).await;
        assert_eq!(status, StatusCode::OK);
        let grant = set_cookie(&headers, "casefront_orders").expect("a grant cookie");
        let again = answer::<OrderDetail>(
            &shop,
            script_post(get, &format!("number={number}"), "192.0.2.81", Some(&grant)),
        )
        .await;
        assert_eq!(again.map(|o| o.number), Ok(number.clone()));
        // An expired link opens nothing.
        let old = issue(number.clone(), now - links::LINK_LIFETIME_SECS - 60).await;
        let expired = answer::<OrderDetail>(&shop, ask(&old, None)).await;
        assert_eq!(expired, Err(AppError::NotFound));

        // An account's order: its owner is asked to sign in.
        let (outcome, _) = guest_checkout(&shop, card).await;
        let CheckoutOutcome::Placed { number: theirs } = outcome else {
            panic!("{outcome:?}")
        };
        customer(&shop, "owner@example.com", "long password here").await;
        sqlx::query(
            "UPDATE orders SET customer_id = (SELECT id FROM customers WHERE email = $1) \
             WHERE number = $2",
        )
        .bind("owner@example.com")
        .bind(&theirs)
        .execute(&shop.db.pool)
        .await
        .unwrap();
        let key = issue(theirs.clone(), now).await;
        let body = format!("number={theirs}&key={key}");
        let owned = answer::<OrderDetail>(&shop, script_post(get, &body, "192.0.2.82", None)).await;
        assert_eq!(owned, Err(AppError::SignInRequired));
    });
}
