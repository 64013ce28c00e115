//! Stripe over HTTP, against localstripe: the checkout page's policy lets exactly Stripe's
//! origins in (and no other page's does), Stripe.js is loaded there only, a card paid with
//! 3-D Secure is finished by its shopper alone, and the webhook takes signed events from
//! Stripe's servers (no Origin check) while refusing anything unsigned.

mod support;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use support::*;

fn localstripe() -> String {
    std::env::var("LOCALSTRIPE_URL").expect("LOCALSTRIPE_URL (scripts/test.sh starts localstripe)")
}

async fn token(number: &str) -> String {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v1/tokens", localstripe()))
        .form(&[
            ("card[number]", number),
            ("card[exp_month]", "12"),
            ("card[exp_year]", "2035"),
            ("card[cvc]", "123"),
            ("key", "pk_test_casefront"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["id"].as_str().unwrap().to_owned()
}

fn signed(body: &str, secret: &str) -> String {
    let t = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn webhook(body: &str, signature: &str, origin: &str) -> Request<Body> {
    Request::post(app::checkout::stripe_events::WEBHOOK_PATH)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, origin)
        .header("stripe-signature", signature)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[test]
fn only_the_checkout_page_lets_stripe_in() {
    on_shared_runtime(async {
        let shop = stripe_shop().await;
        let stripe = localstripe();
        let (status, headers, html) = get(&shop, "/checkout").await;
        assert_eq!(status, StatusCode::OK);
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            policy.contains(&format!("'wasm-unsafe-eval' {stripe};")),
            "{policy}"
        );
        assert!(
            policy.contains(&format!("connect-src 'self' {stripe};")),
            "{policy}"
        );
        assert!(policy.contains(&format!("frame-src {stripe};")), "{policy}");
        assert!(
            html.contains(&format!("src=\"{stripe}/js.stripe.com/v3/\"")),
            "Stripe.js is loaded"
        );
        for page in ["/", "/shop", "/help", "/cart"] {
            let (_, headers, html) = get(&shop, page).await;
            let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(!policy.contains(&stripe), "{page}: {policy}");
            assert!(!html.contains("stripe-js"), "{page} loads no Stripe.js");
        }
        // A shop without Stripe lets no one in, on the checkout page either.
        let test_shop = shop_with(false).await;
        let (_, headers, html) = get(&test_shop, "/checkout").await;
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            !policy.contains("frame-src") && !html.contains("stripe-js"),
            "{policy}"
        );
    });
}

#[test]
fn a_card_checked_by_3_d_secure_is_finished_by_its_own_shopper_only() {
    on_shared_runtime(async {
        let shop = stripe_shop().await;
        let card =
            app::payments::gateway::PaymentChoice::CardToken(token("4000002500003155").await);
        let (outcome, grant) = guest_checkout(&shop, card).await;
        let CheckoutOutcome::AuthenticateCard {
            number,
            client_secret,
        } = outcome
        else {
            panic!("expected 3-D Secure, got {outcome:?}");
        };
        let grant = grant.expect("the guest's browser may come back to the order");
        let intent = client_secret.split("_secret_").next().unwrap();
        let confirmed = reqwest::Client::new()
            .post(format!(
                "{}/v1/payment_intents/{intent}/_authenticate?success=true",
                localstripe()
            ))
            .form(&[
                ("key", "pk_test_casefront"),
                ("client_secret", client_secret.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert!(confirmed.status().is_success());
        let finish = path_of::<app::checkout::api::FinishCardPayment>();
        let body = format!("number={number}");
        let stranger =
            answer::<CheckoutOutcome>(&shop, script_post(finish, &body, "192.0.2.90", None)).await;
        assert_eq!(stranger, Err(app::error::AppError::NotFound));
        let own = answer::<CheckoutOutcome>(
            &shop,
            script_post(finish, &body, "192.0.2.91", Some(&grant)),
        )
        .await;
        assert_eq!(own, Ok(CheckoutOutcome::Placed { number }));
    });
}

#[test]
fn the_webhook_takes_signed_events_from_stripes_servers_and_refuses_the_rest() {
    on_shared_runtime(async {
        let shop = stripe_shop().await;
        let body =
            r#"{"id":"evt_route_1","type":"customer.created","data":{"object":{"id":"cus_1"}}}"#;
        // Stripe's servers are another origin: the signature, not the origin, decides.
        let good = webhook(
            body,
            &signed(body, STRIPE_WEBHOOK_SECRET),
            "https://stripe.example",
        );
        let (status, _, text) = get_with(&shop, good).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let forged = webhook(body, &signed(body, "whsec_guess"), "https://stripe.example");
        let (status, _, text) = get_with(&shop, forged).await;
        assert_eq!(
            (status, text.as_str()),
            (StatusCode::BAD_REQUEST, "bad signature")
        );
        let unsigned = Request::post(app::checkout::stripe_events::WEBHOOK_PATH)
            .body(Body::from(body))
            .unwrap();
        assert_eq!(get_with(&shop, unsigned).await.0, StatusCode::BAD_REQUEST);
        let huge = "x".repeat(300 * 1024);
        let (status, _, _) = get_with(
            &shop,
            webhook(&huge, &signed(&huge, STRIPE_WEBHOOK_SECRET), SHOP),
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        // Other paths keep the Origin check.
        let cross_site = Request::post(path_of::<app::accounts::api::SignOut>())
            .header(header::ORIGIN, "https://stripe.example")
            .body(Body::empty())
            .unwrap();
        assert_eq!(get_with(&shop, cross_site).await.0, StatusCode::FORBIDDEN);
        // A shop without Stripe has no webhook.
        let test_shop = shop_with(false).await;
        let (status, _, _) = get_with(
            &test_shop,
            webhook(body, &signed(body, STRIPE_WEBHOOK_SECRET), SHOP),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    });
}
