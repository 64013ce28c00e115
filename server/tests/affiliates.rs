//! Partner links: a visit through `?ref=CODE` on any page is counted, kept in the browser's
//! cookie and sent on to the same page without the code; an unknown or suspended code is
//! dropped silently, and the page still works.

mod support;

use support::*;

use app::affiliates::partners::{self, Applied};
use app::affiliates::{ApplicationForm, AUDIENCE_SIZES};

async fn approved_partner(shop: &TestShop) -> (i64, String) {
    let form = ApplicationForm {
        name: "Anna".into(),
        email: "anna@partners.test".into(),
        channel: "youtube.com/@anna".into(),
        audience: AUDIENCE_SIZES[0].into(),
        promotion: "Unboxing videos every week.".into(),
        paypal_email: "anna@partners.test".into(),
    };
    let mut conn = shop.db.pool.acquire().await.unwrap();
    let Applied::Received(id) = partners::apply(&mut conn, &form.validate().unwrap(), None, 0)
        .await
        .unwrap()
    else {
        panic!("not received");
    };
    assert!(partners::approve(&mut conn, id, 0).await.unwrap());
    let partner = partners::by_id(&mut conn, id).await.unwrap().unwrap();
    (id, partner.referral_code.unwrap().to_string())
}

async fn clicks(shop: &TestShop) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM partner_clicks")
        .fetch_one(&shop.db.pool)
        .await
        .unwrap()
}

#[test]
fn a_partner_link_is_counted_remembered_and_sent_on_to_the_clean_page() {
    on_shared_runtime(async {
        let shop = shop().await;
        let (id, code) = approved_partner(&shop).await;
        let (status, headers, _) = get(&shop, &format!("/shop?category=cases&ref={code}")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/shop?category=cases");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        let cookie = set_cookie(&headers, "cf_ref").expect("the click is remembered");
        assert!(cookie.starts_with(&format!("cf_ref={code}.")), "{cookie}");
        let full = headers[header::SET_COOKIE].to_str().unwrap();
        assert!(full.contains("HttpOnly") && full.contains("SameSite=Lax"));
        assert!(full.contains("Max-Age=2592000"));
        assert_eq!(clicks(&shop).await, 1);
        let landing: String = sqlx::query_scalar("SELECT landing_path FROM partner_clicks")
            .fetch_one(&shop.db.pool)
            .await
            .unwrap();
        assert_eq!(landing, "/shop");
        // The clean page is the page as ever.
        let (status, _, html) = get(&shop, "/shop?category=cases").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Signature"));

        // Unknown, malformed and suspended codes: sent on, nothing remembered or counted.
        let mut conn = shop.db.pool.acquire().await.unwrap();
        assert!(partners::set_suspended(&mut conn, id, true).await.unwrap());
        drop(conn);
        for link in [
            "/?ref=NOBODY99".to_owned(),
            "/products/signature-case?ref=%3Cb%3E".to_owned(),
            format!("/help?ref={code}"),
        ] {
            let (status, headers, _) = get(&shop, &link).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{link}");
            assert!(set_cookie(&headers, "cf_ref").is_none(), "{link}");
        }
        assert_eq!(clicks(&shop).await, 1);
    });
}

fn application_body(email: &str) -> String {
    format!(
        "name=Bea+Reviews&email={}&channel=instagram.com%2Fbea&audience=1%2C000+to+10%2C000\
         &promotion=Weekly+phone+case+reviews+in+my+stories.&paypal_email=pay%40bea.test",
        email.replace('@', "%40")
    )
}

#[test]
fn an_applicant_is_approved_by_an_admin_and_opens_the_dashboard() {
    use app::admin::affiliates::{AffiliatesForStaff, DecideApplication};
    use app::affiliates::api::{ApplyToProgram, MyPartnership};
    use app::affiliates::{Partnership, StaffAffiliates};
    use app::identity::Role;
    on_shared_runtime(async {
        let shop = shop().await;
        // A visitor applies; the same address again is told it is waiting.
        let apply = path_of::<ApplyToProgram>();
        let body = application_body("bea@partners.test");
        let applied: FormResult = answer(&shop, script_post(apply, &body, "10.1.0.1", None))
            .await
            .unwrap();
        assert_eq!(applied, FormResult::Done);
        let again: FormResult = answer(&shop, script_post(apply, &body, "10.1.0.2", None))
            .await
            .unwrap();
        match again {
            FormResult::Invalid(errors) => {
                assert!(errors
                    .get("email")
                    .unwrap()
                    .contains("already have an application"))
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Nothing from a malformed one.
        let bad: FormResult = answer(
            &shop,
            script_post(
                apply,
                "name=&email=x&channel=&audience=lots&promotion=&paypal_email=",
                "10.1.0.3",
                None,
            ),
        )
        .await
        .unwrap();
        assert!(
            matches!(bad, FormResult::Invalid(ref e) if e.0.len() == 6),
            "{bad:?}"
        );

        // Only an admin sees and decides applications.
        let support = signed_in_as(&shop, "sid@shop.test", Role::Support).await;
        let admin = signed_in_as(&shop, "ada@shop.test", Role::Admin).await;
        let list = path_of::<AffiliatesForStaff>();
        assert!(answer::<StaffAffiliates>(
            &shop,
            script_post(list, "", "10.1.0.4", Some(&support))
        )
        .await
        .is_err());
        let program: StaffAffiliates =
            answer(&shop, script_post(list, "", "10.1.0.4", Some(&admin)))
                .await
                .unwrap();
        assert_eq!(program.applications.len(), 1);
        let id = program.applications[0].id;
        let decide = path_of::<DecideApplication>();
        let no_reason: FormResult = answer(
            &shop,
            script_post(
                decide,
                &format!("partner_id={id}&decision=decline&reason="),
                "10.1.0.4",
                Some(&admin),
            ),
        )
        .await
        .unwrap();
        assert!(matches!(no_reason, FormResult::Invalid(_)));
        let approved: FormResult = answer(
            &shop,
            script_post(
                decide,
                &format!("partner_id={id}&decision=approve&reason="),
                "10.1.0.4",
                Some(&admin),
            ),
        )
        .await
        .unwrap();
        assert_eq!(approved, FormResult::Done);
        let program: StaffAffiliates =
            answer(&shop, script_post(list, "", "10.1.0.4", Some(&admin)))
                .await
                .unwrap();
        assert!(program.applications.is_empty());
        let promo = program.partners[0].promo_code.clone().unwrap();
        assert_eq!(promo, "BEAREVIE10");
        let mail = shop.sent_mail().await.join("\n");
        assert!(
            mail.contains("We received your Test Cases partner application"),
            "{mail}"
        );
        assert!(
            mail.contains("Welcome to the") && mail.contains(&promo),
            "{mail}"
        );

        // The applicant makes an account with that address, and sees their dashboard.
        let bea = signed_in_as(&shop, "bea@partners.test", Role::Shopper).await;
        let mine = path_of::<MyPartnership>();
        let partnership: Partnership =
            answer(&shop, script_post(mine, "days=30", "10.1.0.5", Some(&bea)))
                .await
                .unwrap();
        let Partnership::Approved(dashboard) = partnership else {
            panic!("expected a dashboard, got {partnership:?}");
        };
        assert_eq!(dashboard.days.len(), 30);
        assert_eq!(dashboard.promo_code.as_deref(), Some(promo.as_str()));
        let link = dashboard.link("/shop?category=cases");
        assert_eq!(
            link,
            format!(
                "http://shop.test/shop?category=cases&ref={}",
                dashboard.referral_code
            )
        );
        // Anyone else is no partner; a period not offered is refused.
        let other: Partnership = answer(
            &shop,
            script_post(mine, "days=30", "10.1.0.6", Some(&admin)),
        )
        .await
        .unwrap();
        assert_eq!(other, Partnership::NotApplied);
        assert!(answer::<Partnership>(
            &shop,
            script_post(mine, "days=365", "10.1.0.5", Some(&bea))
        )
        .await
        .is_err());
    });
}

#[test]
fn banners_and_qr_codes_are_served_and_the_payout_file_only_to_admins() {
    use app::identity::Role;
    on_shared_runtime(async {
        let shop = shop().await;
        let (status, headers, svg) = get(&shop, "/affiliates/banners/300x250.svg").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
        assert!(svg.contains("viewBox=\"0 0 300 250\""));
        assert_eq!(
            get(&shop, "/affiliates/banners/1x1.svg").await.0,
            StatusCode::NOT_FOUND
        );
        let (status, _, qr) = get(&shop, "/affiliates/qr.svg?path=%2Fshop&code=ANNA1234").await;
        assert_eq!(status, StatusCode::OK);
        assert!(qr.contains("<svg"));
        let (status, _, _) = get(
            &shop,
            "/affiliates/qr.svg?path=https%3A%2F%2Fevil.test&code=ANNA1234",
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // The program's page, linked from the help center's answer.
        let (status, _, html) = get(&shop, "/affiliates").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Partner program") && html.contains("apply-paypal"));
        let (_, _, answer_page) = get(&shop, "/help/affiliates").await;
        assert!(
            answer_page.contains("href=\"/affiliates\""),
            "{answer_page}"
        );

        let csv = app::affiliates::PAYOUT_CSV_PATH;
        let support = signed_in_as(&shop, "sid@shop.test", Role::Support).await;
        let request = |cookie: &str| {
            Request::get(format!("{csv}?run=1"))
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap()
        };
        assert_eq!(
            get_with(&shop, request(&support)).await.0,
            StatusCode::FORBIDDEN
        );
        let admin = signed_in_as(&shop, "ada@shop.test", Role::Admin).await;
        assert_eq!(
            get_with(&shop, request(&admin)).await.0,
            StatusCode::NOT_FOUND
        );
    });
}

#[test]
fn staff_decline_with_a_reason_and_change_suspend_and_recode_partners() {
    use app::admin::affiliates::{
        AffiliatesForStaff, ChangePartner, DecideApplication, PayoutAction,
    };
    use app::affiliates::api::ApplyToProgram;
    use app::affiliates::rules::PartnerStatus;
    use app::affiliates::StaffAffiliates;
    use app::identity::Role;
    on_shared_runtime(async {
        let shop = shop().await;
        let admin = signed_in_as(&shop, "ada@shop.test", Role::Admin).await;
        let apply = path_of::<ApplyToProgram>();
        let body = application_body("bea@partners.test");
        let sent: FormResult = answer(&shop, script_post(apply, &body, "10.2.0.1", None))
            .await
            .unwrap();
        assert_eq!(sent, FormResult::Done);
        let list = path_of::<AffiliatesForStaff>();
        let program = |cookie: String| {
            let shop = &shop;
            async move {
                answer::<StaffAffiliates>(shop, script_post(list, "", "10.2.0.2", Some(&cookie)))
                    .await
                    .unwrap()
            }
        };
        let id = program(admin.clone()).await.applications[0].id;
        let decide = path_of::<DecideApplication>();
        let declined: FormResult = answer(
            &shop,
            script_post(
                decide,
                &format!("partner_id={id}&decision=decline&reason=No+audience+yet"),
                "10.2.0.2",
                Some(&admin),
            ),
        )
        .await
        .unwrap();
        assert_eq!(declined, FormResult::Done);
        let mail = shop.sent_mail().await.join("\n");
        assert!(mail.contains("No audience yet"), "{mail}");
        // Deciding it again is refused; the applicant may apply again.
        assert!(answer::<FormResult>(
            &shop,
            script_post(
                decide,
                &format!("partner_id={id}&decision=approve&reason="),
                "10.2.0.2",
                Some(&admin)
            ),
        )
        .await
        .is_err());
        let again: FormResult = answer(&shop, script_post(apply, &body, "10.2.0.3", None))
            .await
            .unwrap();
        assert_eq!(again, FormResult::Done);
        let approved: FormResult = answer(
            &shop,
            script_post(
                decide,
                &format!("partner_id={id}&decision=approve&reason="),
                "10.2.0.2",
                Some(&admin),
            ),
        )
        .await
        .unwrap();
        assert_eq!(approved, FormResult::Done);

        let change = path_of::<ChangePartner>();
        let send = |body: String| {
            let (shop, admin) = (&shop, admin.clone());
            async move {
                answer::<FormResult>(shop, script_post(change, &body, "10.2.0.2", Some(&admin)))
                    .await
            }
        };
        let bad_rate = send(format!("partner_id={id}&change=rate&rate=75"))
            .await
            .unwrap();
        assert!(
            matches!(bad_rate, FormResult::Invalid(ref e) if e.get("rate").is_some()),
            "{bad_rate:?}"
        );
        assert_eq!(
            send(format!("partner_id={id}&change=rate&rate=12.5"))
                .await
                .unwrap(),
            FormResult::Done
        );
        let old_code = program(admin.clone()).await.partners[0]
            .promo_code
            .clone()
            .unwrap();
        assert_eq!(
            send(format!("partner_id={id}&change=new_code&rate="))
                .await
                .unwrap(),
            FormResult::Done
        );
        assert_eq!(
            send(format!("partner_id={id}&change=suspend&rate="))
                .await
                .unwrap(),
            FormResult::Done
        );
        let partner = program(admin.clone()).await.partners[0].clone();
        assert_eq!(partner.status, PartnerStatus::Suspended);
        assert_eq!(partner.rate.to_string(), "12.5%");
        assert!(partner.custom_rate);
        let new_code = partner.promo_code.clone().unwrap();
        assert_ne!(new_code, old_code);
        // A suspended partner's code gives nothing; the retired one neither.
        let mut conn = shop.db.pool.acquire().await.unwrap();
        for code in [&old_code, &new_code] {
            let found = app::coupons::repo::find(
                &mut conn,
                &app::pricing::coupon::CouponCode::parse(code).unwrap(),
            )
            .await
            .unwrap();
            assert!(found.is_none(), "{code} still works");
        }
        drop(conn);
        assert_eq!(
            send(format!("partner_id={id}&change=reinstate&rate="))
                .await
                .unwrap(),
            FormResult::Done
        );
        assert!(send(format!("partner_id={id}&change=reinstate&rate="))
            .await
            .is_err());

        // Nobody is due a payout yet; every change is in the audit log.
        let payout = path_of::<PayoutAction>();
        assert!(answer::<FormResult>(
            &shop,
            script_post(payout, "action=prepare", "10.2.0.2", Some(&admin))
        )
        .await
        .is_err());
        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE '%partner%'")
                .fetch_one(&shop.db.pool)
                .await
                .unwrap();
        assert_eq!(audited, 6);
    });
}
