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
