//! The security layers: headers, HTTPS cookies, requests from other sites, safe return paths, time and body limits.

mod support;

use support::*;

#[test]
fn every_answer_carries_the_security_headers() {
    on_shared_runtime(async {
        let shop = shop().await;
        let (status, headers, html) = get(&shop, "/shop").await;
        assert_eq!(status, StatusCode::OK);
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("the page policy names a nonce");
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "the hydration script carries it"
        );
        assert!(policy.contains("script-src 'self' 'nonce-"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        let (_, again, _) = get(&shop, "/shop").await;
        assert_ne!(
            again[header::CONTENT_SECURITY_POLICY],
            headers[header::CONTENT_SECURITY_POLICY],
            "a fresh nonce per page"
        );

        let (_, picture, _) = get(&shop, "/img/case-slim/ocean-blue.svg").await;
        let api = Request::post(path_of::<app::accounts::api::CurrentCustomer>())
            .header(header::ORIGIN, SHOP)
            .body(Body::empty())
            .unwrap();
        let (api_status, api, _) = get_with(&shop, api).await;
        assert_eq!(api_status, StatusCode::OK);
        for (what, headers) in [("page", &headers), ("picture", &picture), ("api", &api)] {
            assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
            assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{what}");
            assert_eq!(
                headers[header::REFERRER_POLICY],
                "strict-origin-when-cross-origin",
                "{what}"
            );
            assert!(
                headers["permissions-policy"]
                    .to_str()
                    .unwrap()
                    .contains("camera=()"),
                "{what}"
            );
            assert!(
                headers[header::CONTENT_SECURITY_POLICY]
                    .to_str()
                    .unwrap()
                    .contains("frame-ancestors 'none'"),
                "{what}"
            );
            assert!(
                headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
                "{what}: no HSTS over plain HTTP"
            );
        }
        assert!(picture[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'"));
    });
}

#[test]
fn over_https_cookies_are_host_only_and_hsts_is_sent() {
    on_shared_runtime(async {
        let shop = shop_at("https://shop.test", false).await;
        customer(&shop, "ann@example.com", "correct horse battery").await;
        let (_, headers, _) = get(&shop, "/help").await;
        assert_eq!(
            headers[header::STRICT_TRANSPORT_SECURITY],
            "max-age=63072000; includeSubDomains"
        );
        let request = form_post(
            path_of::<app::accounts::api::SignIn>(),
            "email=ann%40example.com&password=correct+horse+battery&next=%2Fcheckout",
            "https://shop.test",
            "192.0.2.10",
        );
        let (status, headers, _) = get_with(&shop, request).await;
        assert_eq!(status, StatusCode::FOUND);
        let cookie = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.contains("casefront_session"))
            .unwrap();
        assert!(cookie.starts_with("__Host-casefront_session="), "{cookie}");
        assert!(
            cookie.contains("; Secure") && cookie.contains("Path=/"),
            "{cookie}"
        );
    });
}

#[test]
fn requests_from_other_sites_cannot_sign_in_out_or_check_out() {
    on_shared_runtime(async {
        let shop = shop().await;
        customer(&shop, "ann@example.com", "correct horse battery").await;
        let sign_in = path_of::<app::accounts::api::SignIn>();
        let body = "email=ann%40example.com&password=correct+horse+battery";
        let refused = [
            form_post(sign_in, body, "https://evil.test", "192.0.2.11"),
            form_post(
                path_of::<app::accounts::api::SignOut>(),
                "",
                "https://evil.test",
                "192.0.2.11",
            ),
            Request::post(path_of::<app::checkout::api::PlaceOrder>())
                .header(header::CONTENT_TYPE, "application/json")
                .header("sec-fetch-site", "cross-site")
                .body(Body::from("{}"))
                .unwrap(),
            form_post(sign_in, body, "null", "192.0.2.11"),
        ];
        for request in refused {
            let what = request.uri().path().to_owned();
            let (status, headers, text) = get_with(&shop, request).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
            assert!(
                set_cookie(&headers, "casefront_session").is_none(),
                "{what}"
            );
            assert!(text.contains("another site"), "{what}");
        }
        let (status, headers, _) =
            get_with(&shop, form_post(sign_in, body, SHOP, "192.0.2.11")).await;
        assert_eq!(status, StatusCode::FOUND);
        assert!(set_cookie(&headers, "casefront_session").is_some());
        let session = set_cookie(&headers, "casefront_session").unwrap();
        let mut sign_out = form_post(
            path_of::<app::accounts::api::SignOut>(),
            "",
            SHOP,
            "192.0.2.11",
        );
        sign_out
            .headers_mut()
            .insert(header::COOKIE, session.parse().unwrap());
        let (status, headers, _) = get_with(&shop, sign_out).await;
        assert_eq!(status, StatusCode::FOUND);
        assert!(
            set_cookie(&headers, "casefront_session").is_some_and(|c| c == "casefront_session=")
        );
    });
}

#[test]
fn sign_in_returns_only_to_pages_of_the_shop() {
    on_shared_runtime(async {
        let shop = shop().await;
        customer(&shop, "ann@example.com", "correct horse battery").await;
        for (next, expected) in [
            ("%2Fcheckout", "/checkout"),
            ("%2F%09%2Fevil.test", "/account"),
            ("%2F%5Cevil.test", "/account"),
            ("%2F%2Fevil.test", "/account"),
            ("%2F%252F%252Fevil.test", "/account"),
            ("https%3A%2F%2Fevil.test", "/account"),
            ("%2Fh%C3%A9llo", "/h%C3%A9llo"),
        ] {
            let body =
                format!("email=ann%40example.com&password=correct+horse+battery&next={next}");
            let request = form_post(
                path_of::<app::accounts::api::SignIn>(),
                &body,
                SHOP,
                "192.0.2.12",
            );
            let (status, headers, _) = get_with(&shop, request).await;
            assert_eq!(status, StatusCode::FOUND, "{next}");
            assert_eq!(headers[header::LOCATION], expected, "{next}");
        }
    });
}

#[test]
fn a_request_that_outlives_its_time_is_cut_off() {
    on_shared_runtime(async {
        // No time at all: the page's database reads cannot finish within it.
        let shop = shop_timed(SHOP, false, std::time::Duration::ZERO).await;
        let (status, headers, _) = get(&shop, "/shop").await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        // A photo upload has a time of its own.
        let draft = app::tokens::random_hex(16);
        let (status, _, body) =
            get_with(&shop, photo_upload(&draft, "a.jpg", small_jpeg(), SHOP)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    });
}

#[test]
fn bodies_over_the_routes_limit_are_refused() {
    on_shared_runtime(async {
        let shop = shop().await;
        let big = format!("email={}", "a".repeat(20_000));
        let request = form_post(
            path_of::<app::accounts::api::SignIn>(),
            &big,
            SHOP,
            "192.0.2.30",
        );
        let (status, _, _) = get_with(&shop, request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    });
}
