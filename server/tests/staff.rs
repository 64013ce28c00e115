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

/// The variant table's selection form: all or nothing, for this product's variants only, and
/// once per form, so a stock adjustment sent twice (a double click, a replay, a form left
/// filled in) adds its units once.
#[test]
fn a_selection_change_is_applied_once_and_all_or_nothing() {
    use app::admin::catalog::ChangeVariants;
    use app::error::AppError;
    use app::forms::FormResult;
    use app::identity::Role;
    on_shared_runtime(async {
        let shop = shop().await;
        let admin = signed_in_as(&shop, "admin@example.com", Role::Admin).await;
        let pool = &shop.db.pool;
        let skus: Vec<String> = sqlx::query_scalar(
            "SELECT s.code FROM skus s JOIN products p ON p.id = s.product_id \
             WHERE p.slug = 'eco-case' ORDER BY s.id LIMIT 2",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let stock = |sku: String| async move {
            sqlx::query_scalar::<_, i64>("SELECT stock FROM skus WHERE code = $1")
                .bind(sku)
                .fetch_one(pool)
                .await
                .unwrap()
        };
        let path = path_of::<ChangeVariants>();
        let form = |key: &str, action: &str, selected: &[&str], fields: &str| {
            let mut body = format!("form[product]=eco-case&form[key]={key}&form[action]={action}");
            for sku in selected {
                body.push_str(&format!("&form[selected][{sku}]=on"));
            }
            body.push_str(fields);
            script_post(path, &body, "10.2.0.1", Some(&admin))
        };
        let invalid = |result: Result<FormResult, AppError>, field: &str| match result {
            Ok(FormResult::Invalid(errors)) => errors.get(field).expect(field),
            other => panic!("{field}: {other:?}"),
        };
        let (a, b) = (skus[0].as_str(), skus[1].as_str());
        let (a_before, b_before) = (stock(a.into()).await, stock(b.into()).await);
        let key = "0123456789abcdef0123456789abcdef";
        let restock = "&form[change]=%2B20&form[reason]=restock";

        let nothing = answer(&shop, form(key, "adjust_stock", &[], restock)).await;
        assert!(invalid(nothing, "selected").contains("Select the variants"));
        let no_key = answer(&shop, form("", "adjust_stock", &[a], restock)).await;
        assert!(invalid(no_key, "key").contains("reload the page"));

        let done: FormResult = answer(&shop, form(key, "adjust_stock", &[a, b], restock))
            .await
            .unwrap();
        assert_eq!(done, FormResult::Done);
        assert_eq!(stock(a.into()).await, a_before + 20);
        assert_eq!(stock(b.into()).await, b_before + 20);
        // The same submission again changes nothing.
        let again = answer(&shop, form(key, "adjust_stock", &[a, b], restock)).await;
        assert!(invalid(again, "key").contains("already made once"));
        assert_eq!(stock(a.into()).await, a_before + 20);

        // Below zero for one variant: nothing changes for either, and the key stays unused.
        let other = "fedcba9876543210fedcba9876543210";
        let take = format!("&form[change]=-{}&form[reason]=recount", b_before + 21);
        let refused = answer(&shop, form(other, "adjust_stock", &[a, b], &take)).await;
        assert!(invalid(refused, "change").contains(&format!("of {b} in stock")));
        assert_eq!(stock(a.into()).await, a_before + 20);
        let fine = answer(
            &shop,
            form(
                other,
                "adjust_stock",
                &[a],
                "&form[change]=-20&form[reason]=recount",
            ),
        )
        .await;
        assert_eq!(fine, Ok(FormResult::Done));
        assert_eq!(stock(a.into()).await, a_before);

        // Another product's variant is not this product's to change.
        let grip: String = sqlx::query_scalar(
            "SELECT s.code FROM skus s JOIN products p ON p.id = s.product_id \
             WHERE p.slug <> 'eco-case' LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        let price = "&form[price]=1.00";
        let foreign = answer::<FormResult>(
            &shop,
            form(
                "00000000000000000000000000000001",
                "set_price",
                &[a, &grip],
                price,
            ),
        )
        .await;
        assert_eq!(foreign, Err(AppError::NotFound));
        let cents: i64 = sqlx::query_scalar("SELECT price_cents FROM skus WHERE code = $1")
            .bind(a)
            .fetch_one(pool)
            .await
            .unwrap();
        assert_ne!(cents, 100);
        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'adjust stock'")
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(audited, 3);
    });
}

/// Holidays: admins add and remove them (checked, audited); every answer that counts business
/// days counts with them at once, as the shop's terms each page reads say.
#[test]
fn holidays_are_added_checked_audited_and_counted_at_once() {
    use app::admin::holidays::{AddHoliday, HolidayList, RemoveHoliday, StaffHolidays};
    use app::error::AppError;
    use app::forms::FormResult;
    use app::identity::Role;
    use app::shop::{GetStoreInfo, StoreInfo};
    on_shared_runtime(async {
        let shop = shop().await;
        let admin = signed_in_as(&shop, "admin@example.com", Role::Admin).await;
        let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
        let post = |path: &str, body: String, cookie: &str| {
            script_post(path, &body, "10.3.0.1", Some(cookie))
        };
        let today = time::OffsetDateTime::now_utc().date();
        let day = app::clock::date_text(today + time::Duration::days(3));
        let add = |day: &str, name: &str, cookie: &str| {
            post(
                path_of::<AddHoliday>(),
                format!("day={day}&name={name}"),
                cookie,
            )
        };
        let invalid = |result: Result<FormResult, AppError>, field: &str| match result {
            Ok(FormResult::Invalid(errors)) => errors.get(field).expect(field),
            other => panic!("{field}: {other:?}"),
        };

        let past = answer(&shop, add("2020-01-01", "Old", &admin)).await;
        assert!(invalid(past, "day").contains("today or a later day"));
        let unnamed = answer(&shop, add(&day, "", &admin)).await;
        assert!(invalid(unnamed, "name").contains("Name the holiday"));
        let garbled = answer(&shop, add("soon", "Party", &admin)).await;
        assert!(invalid(garbled, "day").contains("like 2026-12-25"));
        let by_support: Result<FormResult, AppError> =
            answer(&shop, add(&day, "Party", &support)).await;
        assert!(by_support.is_err());

        let done: FormResult = answer(&shop, add(&day, "Founders%20Day", &admin))
            .await
            .unwrap();
        assert_eq!(done, FormResult::Done);
        let twice = answer(&shop, add(&day, "Founders%20Day", &admin)).await;
        assert!(invalid(twice, "day").contains("already a holiday"));

        let list: HolidayList = answer(
            &shop,
            post(path_of::<StaffHolidays>(), String::new(), &support),
        )
        .await
        .unwrap();
        assert_eq!(list.time_zone, "UTC");
        assert_eq!(list.holidays.len(), 1);
        assert_eq!(list.holidays[0].name, "Founders Day");
        // Counted at once: the cache is cleared by the change, not left for a minute.
        let store: StoreInfo = answer(
            &shop,
            script_post(path_of::<GetStoreInfo>(), "", "10.3.0.2", None),
        )
        .await
        .unwrap();
        assert_eq!(store.calendar.holidays, list.holidays);
        assert!(!store.calendar.is_business_day(list.holidays[0].day));

        let removed: FormResult = answer(
            &shop,
            post(path_of::<RemoveHoliday>(), format!("day={day}"), &admin),
        )
        .await
        .unwrap();
        assert_eq!(removed, FormResult::Done);
        let gone: Result<FormResult, AppError> = answer(
            &shop,
            post(path_of::<RemoveHoliday>(), format!("day={day}"), &admin),
        )
        .await;
        assert!(gone.is_err());
        let store: StoreInfo = answer(
            &shop,
            script_post(path_of::<GetStoreInfo>(), "", "10.3.0.2", None),
        )
        .await
        .unwrap();
        assert!(store.calendar.holidays.is_empty());
        let audited: Vec<String> =
            sqlx::query_scalar("SELECT action FROM audit_log WHERE record = $1 ORDER BY id")
                .bind(format!("holiday {day}"))
                .fetch_all(&shop.db.pool)
                .await
                .unwrap();
        assert_eq!(audited, ["add holiday", "remove holiday"]);
    });
}
