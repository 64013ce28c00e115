//! Accounts over HTTP: sign-up, sign-in and its limits, sessions, password changes.

mod support;

use support::*;

#[test]
fn concurrent_wrong_passwords_never_pass_the_limit_nor_lock_the_owner_out() {
    on_shared_runtime(async {
        let shop = shop().await;
        customer(&shop, "ann@example.com", "correct horse battery").await;
        let sign_in = path_of::<app::accounts::api::SignIn>();
        // The owner signs in once from her own browser, which the shop then remembers.
        let (_, headers, _) = get_with(
            &shop,
            script_post(
                sign_in,
                "email=ann%40example.com&password=correct+horse+battery",
                "198.51.100.1",
                None,
            ),
        )
        .await;
        let browser = set_cookie(&headers, "casefront_browser").expect("a known-browser cookie");

        // Twelve guesses at once, from twelve addresses.
        let guesses: Vec<_> = (0..12)
            .map(|i| {
                let router = shop.router.clone();
                let body = format!("email=ann%40example.com&password=guess+number+{i}");
                let request = script_post(sign_in, &body, &format!("203.0.113.{i}"), None);
                tokio::spawn(async move {
                    let response = router.oneshot(request).await.unwrap();
                    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
                    String::from_utf8_lossy(&body).into_owned()
                })
            })
            .collect();
        let mut answers = Vec::new();
        for guess in guesses {
            answers.push(guess.await.unwrap());
        }
        let checked = answers.iter().filter(|a| a.contains("don't match")).count();
        let slowed = answers
            .iter()
            .filter(|a| a.contains("Too many failed sign-ins"))
            .count();
        assert_eq!((checked, slowed), (5, 7), "{answers:?}");

        // A stranger, even with the right password, must wait; the owner's browser need not.
        let (_, _, stranger) = get_with(
            &shop,
            script_post(
                sign_in,
                "email=ann%40example.com&password=correct+horse+battery",
                "203.0.113.99",
                None,
            ),
        )
        .await;
        assert!(stranger.contains("Too many failed sign-ins"), "{stranger}");
        let (_, headers, owner) = get_with(
            &shop,
            script_post(
                sign_in,
                "email=ann%40example.com&password=correct+horse+battery",
                "198.51.100.1",
                Some(&browser),
            ),
        )
        .await;
        assert!(
            set_cookie(&headers, "casefront_session").is_some(),
            "{owner}"
        );

        // An unknown address is refused with the same words.
        let (_, _, unknown) = get_with(
            &shop,
            script_post(
                sign_in,
                "email=nobody%40example.com&password=whatever+it+is",
                "198.51.100.2",
                None,
            ),
        )
        .await;
        assert!(unknown.contains("don't match"), "{unknown}");
    });
}

#[test]
fn sign_up_answers_alike_for_new_and_existing_addresses() {
    on_shared_runtime(async {
        let shop = shop().await;
        customer(&shop, "ann@example.com", "correct horse battery").await;
        let sign_up = path_of::<app::accounts::api::SignUp>();
        let mut answers = Vec::new();
        for email in ["ann%40example.com", "new%40example.com"] {
            let body = format!("name=Someone&email={email}&password=another+long+password");
            let (status, headers, _) =
                get_with(&shop, form_post(sign_up, &body, SHOP, "192.0.2.20")).await;
            assert!(set_cookie(&headers, "casefront_session").is_none());
            answers.push((status, headers[header::LOCATION].clone()));
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0].1, "/account/check-email");
        let mail = shop.sent_mail().await;
        assert_eq!(mail.len(), 2);
        assert!(mail
            .iter()
            .any(|m| m.contains("To: ann@example.com") && m.contains("You already have")));
        assert!(mail
            .iter()
            .any(|m| m.contains("To: new@example.com") && m.contains("/account/confirm?token=")));
    });
}

#[test]
fn a_sign_in_ends_the_browsers_previous_session() {
    on_shared_runtime(async {
        let shop = shop().await;
        customer(&shop, "ann@example.com", "correct horse battery").await;
        let sign_in = path_of::<app::accounts::api::SignIn>();
        let body = "email=ann%40example.com&password=correct+horse+battery";
        let (_, headers, _) = get_with(&shop, script_post(sign_in, body, "192.0.2.40", None)).await;
        let first = set_cookie(&headers, "casefront_session").unwrap();
        let (_, headers, _) = get_with(
            &shop,
            script_post(sign_in, body, "192.0.2.40", Some(&first)),
        )
        .await;
        let second = set_cookie(&headers, "casefront_session").unwrap();
        assert_ne!(first, second);
        let who = path_of::<app::accounts::api::CurrentCustomer>();
        let old: Option<Customer> = answer(&shop, script_post(who, "", "192.0.2.40", Some(&first)))
            .await
            .unwrap();
        let new: Option<Customer> =
            answer(&shop, script_post(who, "", "192.0.2.40", Some(&second)))
                .await
                .unwrap();
        assert_eq!(old, None);
        assert_eq!(new.map(|c| c.email).as_deref(), Some("ann@example.com"));
    });
}

#[test]
fn sign_ups_look_ups_and_code_checks_are_limited_per_client() {
    on_shared_runtime(async {
        let shop = shop().await;
        let sign_up = path_of::<app::accounts::api::SignUp>();
        let mut n = 0;
        let answers = repeatedly::<FormResult>(&shop, 6, || {
            n += 1;
            let body =
                format!("name=Flood&email=flood{n}%40example.com&password=another+long+password");
            script_post(sign_up, &body, "192.0.2.50", None)
        })
        .await;
        let done = format!("{:?}", Ok::<_, app::error::AppError>(FormResult::Done));
        assert!(answers[..5].iter().all(|a| a == &done), "{answers:?}");
        assert!(
            answers[5].contains("Too many sign-ups from your network"),
            "{}",
            answers[5]
        );

        let find = path_of::<app::orders::api::FindOrder>();
        let answers = repeatedly::<FormResult>(&shop, 11, || {
            script_post(
                find,
                "number=CF-23456789&email=who%40example.com",
                "192.0.2.51",
                None,
            )
        })
        .await;
        assert!(
            answers[..10]
                .iter()
                .all(|a| a.contains("couldn't find an order")),
            "{answers:?}"
        );
        assert!(answers[10].contains("Too many look-ups"), "{}", answers[10]);

        let check = path_of::<app::cart::api::ApplyCoupon>();
        let guess = postcard::to_allocvec(&app::cart::api::ApplyCoupon {
            code: "GUESS1".into(),
            lines: Vec::new(),
        })
        .unwrap();
        let answers = repeatedly::<Result<Coupon, CouponRejection>>(&shop, 31, || {
            Request::post(check)
                .header(header::CONTENT_TYPE, "application/x-postcard")
                .header(header::ORIGIN, SHOP)
                .header("x-forwarded-for", "192.0.2.52")
                .body(Body::from(guess.clone()))
                .unwrap()
        })
        .await;
        assert!(
            answers[..30].iter().all(|a| !a.contains("TooManyTries")),
            "{answers:?}"
        );
        assert!(answers[30].contains("TooManyTries"), "{}", answers[30]);
        // Another client is not affected.
        let (_, _, other) = get_with(
            &shop,
            script_post(
                find,
                "number=CF-23456789&email=who%40example.com",
                "192.0.2.99",
                None,
            ),
        )
        .await;
        assert!(other.contains("couldn't find an order"), "{other}");
    });
}

#[test]
fn password_changes_are_limited_per_client() {
    on_shared_runtime(async {
        let shop = shop().await;
        customer(&shop, "ann@example.com", "correct horse battery").await;
        let body = "email=ann%40example.com&password=correct+horse+battery";
        let sign_in = path_of::<app::accounts::api::SignIn>();
        let (_, headers, _) = get_with(&shop, script_post(sign_in, body, "192.0.2.60", None)).await;
        let session = set_cookie(&headers, "casefront_session").unwrap();
        let change = path_of::<app::accounts::api::ChangePassword>();
        let answers = repeatedly::<FormResult>(&shop, 6, || {
            let body = "current=not+my+password&new_password=a+brand+new+passphrase";
            script_post(change, body, "192.0.2.60", Some(&session))
        })
        .await;
        assert!(
            answers[..5]
                .iter()
                .all(|a| a.contains("current password is not right")),
            "{answers:?}"
        );
        assert!(answers[5].contains("Too many tries"), "{}", answers[5]);
    });
}
