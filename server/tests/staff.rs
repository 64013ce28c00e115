//! Staff routes: every staff server function and page refuses whoever lacks its role; the orders export.

mod support;

use support::*;

#[test]
fn every_staff_server_function_refuses_whoever_lacks_its_role() {
    use app::identity::Role;
    use leptos::server_fn::axum::server_fn_paths;
    on_shared_runtime(async {
        let shop = shop().await;
        // Every server function a visitor may call, by name: a new one must be added here
        // on purpose, or answer under a staff address, where the router checks the role.
        let public = [
            path_of::<app::catalog::api::PhoneModels>(),
            path_of::<app::catalog::api::BrowseCatalog>(),
            path_of::<app::catalog::api::FeaturedProducts>(),
            path_of::<app::catalog::api::GetProduct>(),
            path_of::<app::catalog::api::ProductOffer>(),
            path_of::<app::orders::api::GetOrder>(),
            path_of::<app::orders::api::OrderHistory>(),
            path_of::<app::orders::api::FindOrder>(),
            path_of::<app::orders::api::CancelOrder>(),
            path_of::<app::shop::GetStoreInfo>(),
            path_of::<app::checkout::api::PlaceOrder>(),
            path_of::<app::checkout::api::SubmitOrder>(),
            path_of::<app::checkout::api::ReturnFromPaypal>(),
            path_of::<app::checkout::api::FinishCardPayment>(),
            path_of::<app::payments::paypal_page::PaypalPayment>(),
            path_of::<app::payments::paypal_page::PaypalDecision>(),
            path_of::<app::cart::api::PriceCart>(),
            path_of::<app::cart::api::CartPrices>(),
            path_of::<app::cart::api::ApplyCoupon>(),
            path_of::<app::accounts::api::CurrentCustomer>(),
            path_of::<app::accounts::api::SignUp>(),
            path_of::<app::accounts::api::ConfirmSignUp>(),
            path_of::<app::accounts::api::SignIn>(),
            path_of::<app::accounts::api::SignOut>(),
            path_of::<app::accounts::api::ChangePassword>(),
            path_of::<app::accounts::api::RequestPasswordReset>(),
            path_of::<app::accounts::api::OneTimeLink>(),
            path_of::<app::accounts::api::UseOneTimeLink>(),
            path_of::<app::orders::api::OrderChangeOffer>(),
            path_of::<app::orders::api::ChangeOrderItem>(),
            path_of::<app::help::HelpIndex>(),
            path_of::<app::help::ReadHelpAnswer>(),
            path_of::<app::search::Search>(),
            path_of::<app::support::api::SubmitTicket>(),
            path_of::<app::support::api::GetTicket>(),
            path_of::<app::support::api::ReplyToTicket>(),
            path_of::<app::support::api::MyTickets>(),
            path_of::<app::support::api::ReportDeliveryProblem>(),
            path_of::<app::warranty::api::ClaimableOrder>(),
            path_of::<app::warranty::api::FileClaim>(),
            path_of::<app::warranty::api::GetClaim>(),
            path_of::<app::warranty::api::MyClaims>(),
            path_of::<app::warranty::api::AddToClaim>(),
            path_of::<app::affiliates::api::ApplyToProgram>(),
            path_of::<app::affiliates::api::MyPartnership>(),
        ];
        let mut staff = Vec::new();
        for (path, _) in server_fn_paths() {
            match app::identity::role::required_role(path) {
                Some(role) => staff.push((path, role)),
                None => assert!(
                    public.contains(&path),
                    "{path} is neither public nor staff-only"
                ),
            }
        }
        staff.sort();
        let admin_only = staff.iter().filter(|(_, r)| *r == Role::Admin).count();
        assert!(admin_only >= 4 && staff.len() > admin_only, "{staff:?}");

        let shopper = signed_in_as(&shop, "shopper@example.com", Role::Shopper).await;
        let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
        let admin = signed_in_as(&shop, "admin@example.com", Role::Admin).await;
        for (path, needed) in &staff {
            let refused = |cookie: Option<&str>| script_post(path, "", "192.0.2.90", cookie);
            let visitor: Result<(), AppError> = answer(&shop, refused(None)).await;
            assert_eq!(visitor, Err(AppError::SignInRequired), "{path}");
            let as_shopper: Result<(), AppError> = answer(&shop, refused(Some(&shopper))).await;
            assert_eq!(as_shopper, Err(AppError::NotAllowed), "{path}");
            let (status, _, _) = get_with(&shop, refused(Some(&support))).await;
            if *needed == Role::Admin {
                assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            } else {
                assert_ne!(status, StatusCode::FORBIDDEN, "{path}");
            }
            // Past the router, the admin reaches the function (its arguments may be missing).
            let (status, _, _) = get_with(&shop, refused(Some(&admin))).await;
            assert!(
                status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                "{path}: {status}"
            );
        }
    });
}

#[test]
fn the_orders_export_is_a_csv_for_staff_only() {
    use app::identity::Role;
    on_shared_runtime(async {
        let shop = shop().await;
        let shopper = signed_in_as(&shop, "shopper@example.com", Role::Shopper).await;
        let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
        let export = |range: &str, cookie: Option<&str>| {
            let mut request = Request::get(format!("{}?{range}", app::admin::EXPORT_PATH));
            if let Some(cookie) = cookie {
                request = request.header(header::COOKIE, cookie);
            }
            request.body(Body::empty()).unwrap()
        };
        let days = "from=2026-11-01&to=2026-11-30";
        let (status, _, _) = get_with(&shop, export(days, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _, _) = get_with(&shop, export(days, Some(&shopper))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, headers, body) = get_with(&shop, export(days, Some(&support))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("orders-2026-11-01-to-2026-11-30.csv"));
        assert!(
            body.starts_with("order_number,placed_at_utc,status,"),
            "{body}"
        );
        let (status, _, body) = get_with(
            &shop,
            export("from=2026-11-30&to=2026-11-01", Some(&support)),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body, "The first day must come before the last.");
    });
}

#[test]
fn staff_pages_render_for_their_role_and_refuse_the_rest() {
    use app::identity::Role;
    on_shared_runtime(async {
        let shop = shop().await;
        let shopper = signed_in_as(&shop, "shopper@example.com", Role::Shopper).await;
        let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
        let admin = signed_in_as(&shop, "admin@example.com", Role::Admin).await;
        let page = |path: &str, cookie: Option<&str>| {
            let mut request = Request::get(path);
            if let Some(cookie) = cookie {
                request = request.header(header::COOKIE, cookie);
            }
            request.body(Body::empty()).unwrap()
        };
        for path in [
            "/admin",
            "/admin/staff",
            "/admin/audit?actor=ad&q=role",
            "/admin/products",
            "/admin/products/signature-case",
            "/admin/coupons",
            "/admin/coupons/WELCOME10",
            "/admin/customers",
            "/admin/customers/1",
        ] {
            let (status, _, _) = get_with(&shop, page(path, None)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
            let (status, _, body) = get_with(&shop, page(path, Some(&shopper))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert!(body.contains("Not allowed"), "{path}");
        }
        let (status, _, body) = get_with(&shop, page("/admin", Some(&support))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("staff-member"), "{body}");
        assert!(
            body.contains("Support") && !body.contains(">Audit log<"),
            "{body}"
        );
        for path in [
            "/admin/staff",
            "/admin/products",
            "/admin/products/eco-case",
        ] {
            let (status, _, _) = get_with(&shop, page(path, Some(&support))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let (status, _, body) = get_with(&shop, page("/admin/products", Some(&admin))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("product-row") && body.contains("Eco Compostable Case"),
            "{body}"
        );
        let (status, _, body) =
            get_with(&shop, page("/admin/products/eco-case", Some(&admin))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("Adjust stock") && body.contains("variant-stock"),
            "{body}"
        );
        let (status, _, _) =
            get_with(&shop, page("/admin/products/no-such-thing", Some(&admin))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, body) =
            get_with(&shop, page("/admin/customers?q=SUPPORT%40", Some(&support))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("customer-row") && body.contains("support@example.com"),
            "{body}"
        );
        assert!(
            !body.contains("shopper@example.com") && !body.contains("argon2"),
            "{body}"
        );
        let (status, _, body) = get_with(&shop, page("/admin/coupons", Some(&admin))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("No promo codes yet.") && body.contains("Create promo code"),
            "{body}"
        );
        let (status, _, body) = get_with(&shop, page("/admin/staff", Some(&admin))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("support@example.com") && body.contains("Send invitation"));
        let (status, _, body) =
            get_with(&shop, page("/admin/audit?actor=nobody&q=", Some(&admin))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("No staff action matches."), "{body}");
        let change = path_of::<app::admin::staff::ChangeRole>();
        let body = "email=support%40example.com&role=admin";
        let changed: Result<FormResult, AppError> =
            answer(&shop, script_post(change, body, "192.0.2.91", Some(&admin))).await;
        assert_eq!(changed, Ok(FormResult::Done));
        let (status, _, body) = get_with(
            &shop,
            page("/admin/audit?actor=&q=support%40example.com", Some(&admin)),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("audit-row") && body.contains("change role"),
            "{body}"
        );
    });
}
