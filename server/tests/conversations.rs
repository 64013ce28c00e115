//! Tickets, claims and their photos over HTTP: private keys, who sees a photo, product photos by admins.

mod support;

use support::*;

#[test]
fn a_guest_ticket_is_read_with_its_private_key_only_and_replies_are_limited() {
    use app::support::{TicketStatus, TicketView};
    on_shared_runtime(async {
        let shop = shop().await;
        let submit = path_of::<app::support::api::SubmitTicket>();
        let body = "name=Gil&email=gil%40example.com&topic=shipping&order=\
                    &message=Do+you+ship+to+Norway%3F+%3Cscript%3Ex%3C%2Fscript%3E";
        let (status, headers, _) =
            get_with(&shop, form_post(submit, body, SHOP, "192.0.2.80")).await;
        assert_eq!(status, StatusCode::FOUND);
        let location = headers[header::LOCATION].to_str().unwrap().to_owned();
        let (number, key) = location
            .strip_prefix("/support/tickets/")
            .and_then(|rest| rest.split_once("?key="))
            .map(|(n, k)| (n.to_owned(), k.to_owned()))
            .expect("sent to the ticket's private page");
        // The e-mail with the private link went out.
        let mail = shop.sent_mail().await;
        assert!(mail
            .iter()
            .any(|m| m.contains("To: gil@example.com") && m.contains(&number)));

        let read = path_of::<app::support::api::GetTicket>();
        let with_key = format!("number={number}&key={key}");
        let ticket = answer::<TicketView>(&shop, script_post(read, &with_key, "192.0.2.81", None))
            .await
            .unwrap();
        assert_eq!(ticket.status, TicketStatus::Open);
        assert_eq!(ticket.messages.len(), 1);
        // Kept as typed: the page shows it as text.
        assert!(ticket.messages[0].body.contains("<script>"));
        for probe in [
            format!("number={number}"),
            format!("number={number}&key=wrong"),
            format!("number=T-23456789&key={key}"),
        ] {
            let refused =
                answer::<TicketView>(&shop, script_post(read, &probe, "192.0.2.82", None)).await;
            assert_eq!(refused, Err(app::error::AppError::NotFound), "{probe}");
        }
        let other = signed_in_as(&shop, "other@example.com", app::identity::Role::Shopper).await;
        let refused = answer::<TicketView>(
            &shop,
            script_post(
                read,
                &format!("number={number}"),
                "192.0.2.83",
                Some(&other),
            ),
        )
        .await;
        assert_eq!(refused, Err(app::error::AppError::NotFound));

        // The page renders the conversation for the key's holder, with the script as text.
        let (status, _, page) = get(&shop, &format!("/support/tickets/{number}?key={key}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Do you ship to Norway?"));
        assert!(!page.contains("<script>x</script>"));

        // Replies from one network are limited.
        let reply = path_of::<app::support::api::ReplyToTicket>();
        let body = format!("number={number}&key={key}&message=Any+news+on+this%3F");
        let mut answers = Vec::new();
        for _ in 0..12 {
            answers.push(
                answer::<FormResult>(&shop, script_post(reply, &body, "192.0.2.84", None))
                    .await
                    .unwrap(),
            );
        }
        assert!(answers[..10].iter().all(|a| *a == FormResult::Done));
        let FormResult::Invalid(errors) = &answers[11] else {
            panic!("the twelfth reply within a minute is refused: {answers:?}");
        };
        assert!(errors.get("message").unwrap().contains("Try again in"));
        let ticket = answer::<TicketView>(&shop, script_post(read, &with_key, "192.0.2.85", None))
            .await
            .unwrap();
        assert_eq!(
            ticket.messages.len(),
            11,
            "the refused replies are not stored"
        );
    });
}

#[test]
fn claim_photos_are_shown_only_to_their_claims_shopper_and_staff() {
    use app::identity::Role;
    use sqlx::Row;
    on_shared_runtime(async {
        let shop = shop().await;
        let draft = app::tokens::random_hex(16);
        // Refused uploads say which file and why; another site cannot upload at all.
        let (status, _, body) = get_with(
            &shop,
            photo_upload(&draft, "notes.jpg", b"just some notes".to_vec(), SHOP),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("notes.jpg is not a JPEG, PNG or WebP picture"),
            "{body}"
        );
        let (status, _, _) = get_with(
            &shop,
            photo_upload(&draft, "a.jpg", small_jpeg(), "https://evil.example"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, body) = get_with(
            &shop,
            photo_upload("not-a-key", "a.jpg", small_jpeg(), SHOP),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let ids = uploaded(&shop, &draft, &["front.jpg", "back.jpg"]).await;
        // Not yet part of a claim: nobody sees it, not even whoever uploaded it.
        let (status, _, _) = get(&shop, &format!("/photos/{}", ids[0])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let owner = signed_in_as(&shop, "owner@example.com", Role::Shopper).await;
        let other = signed_in_as(&shop, "other@example.com", Role::Shopper).await;
        let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
        let (checkout, _) = paypal_checkout(&shop).await;
        let CheckoutOutcome::ApprovePayPal { number, .. } = checkout else {
            panic!("{checkout:?}");
        };
        let pool = &shop.db.pool;
        let owner_id: i64 = sqlx::query("SELECT id FROM customers WHERE email = $1")
            .bind("owner@example.com")
            .fetch_one(pool)
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
        let claim_id: i64 = sqlx::query(
            "INSERT INTO warranty_claims (number, order_id, line_id, customer_id, email, kind, \
             status, created_at, updated_at) SELECT 'W-AB23CD45', o.id, l.id, $1, \
             'owner@example.com', 'warranty', 'submitted', 0, 0 FROM orders o \
             JOIN order_lines l ON l.order_id = o.id WHERE o.number = $2 RETURNING id",
        )
        .bind(owner_id)
        .bind(&number)
        .fetch_one(pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
        sqlx::query("UPDATE photos SET claim_id = $1")
            .bind(claim_id)
            .execute(pool)
            .await
            .unwrap();
        let key = thread_key(&shop, app::conversations::Thread::Claim, claim_id).await;

        for id in &ids {
            photo_is_shown_only_to(
                &shop,
                id,
                &[
                    ("the owner", None, Some(&owner)),
                    ("the e-mailed key", Some(&key), None),
                    ("support", None, Some(&support)),
                ],
                &[
                    ("a visitor", None, None),
                    ("another shopper", None, Some(&other)),
                    ("a wrong key", Some("0123abcd"), Some(&other)),
                ],
            )
            .await;
        }
        // And the claim itself, through its server function.
        let read = path_of::<app::warranty::api::GetClaim>();
        let as_other: Result<app::warranty::ClaimView, AppError> = answer(
            &shop,
            script_post(read, "number=W-AB23CD45", "192.0.2.96", Some(&other)),
        )
        .await;
        assert_eq!(as_other, Err(AppError::NotFound));
        let as_owner: app::warranty::ClaimView = answer(
            &shop,
            script_post(read, "number=W-AB23CD45", "192.0.2.96", Some(&owner)),
        )
        .await
        .unwrap();
        assert_eq!(as_owner.photos, ids);
    });
}

#[test]
fn only_admins_give_a_variant_a_photo_which_then_everyone_sees() {
    use app::identity::Role;
    use sqlx::Row;
    on_shared_runtime(async {
        let shop = shop().await;
        let row = sqlx::query(
            "SELECT s.code, p.slug FROM skus s JOIN products p ON p.id = s.product_id \
             WHERE p.hidden = 0 AND s.active = 1 ORDER BY p.sort_order, s.sort_order LIMIT 1",
        )
        .fetch_one(&shop.db.pool)
        .await
        .unwrap();
        let (sku, slug): (String, String) = (row.get("code"), row.get("slug"));
        let shopper = signed_in_as(&shop, "buyer@example.com", Role::Shopper).await;
        let support = signed_in_as(&shop, "helper@example.com", Role::Support).await;
        let admin = signed_in_as(&shop, "boss@example.com", Role::Admin).await;
        for (who, cookie, refused) in [
            ("a visitor", None, StatusCode::UNAUTHORIZED),
            ("a shopper", Some(shopper.as_str()), StatusCode::FORBIDDEN),
            ("support", Some(support.as_str()), StatusCode::FORBIDDEN),
        ] {
            let (status, _, _) =
                get_with(&shop, picture_upload(&sku, cookie, small_jpeg(), SHOP)).await;
            assert_eq!(status, refused, "{who}");
        }
        let (status, _, _) = get_with(
            &shop,
            picture_upload(&sku, Some(&admin), small_jpeg(), "https://evil.example"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "another site");
        let (status, _, body) = get_with(
            &shop,
            picture_upload(&sku, Some(&admin), b"not a picture".to_vec(), SHOP),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("strap.jpg is not a JPEG, PNG or WebP picture"),
            "{body}"
        );
        let (status, _, _) = get_with(
            &shop,
            picture_upload("NO-SUCH-SKU", Some(&admin), small_jpeg(), SHOP),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, _, page) = get(&shop, &format!("/products/{slug}")).await;
        assert!(!page.contains("/pictures/"), "no photo before the upload");

        let (status, _, body) = get_with(
            &shop,
            picture_upload(&sku, Some(&admin), small_jpeg(), SHOP),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        let url = app::catalog::pictures::picture_url(answer["id"].as_str().unwrap());

        // Everyone sees it, cached for good; the storefront shows it at once.
        let response = shop
            .router
            .clone()
            .oneshot(Request::get(&url).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let picture = image::load_from_memory(&bytes).unwrap();
        assert_eq!(
            (picture.width(), picture.height()),
            (32, 32),
            "fitted on a square"
        );
        let (_, _, page) = get(&shop, &format!("/products/{slug}")).await;
        assert!(page.contains(&url), "the product page shows the photo");
        let (status, _, _) = get(&shop, "/pictures/0123456789abcdef0123456789abcdef.jpg").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'change picture' AND after = $1",
        )
        .bind(&url)
        .fetch_one(&shop.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);
    });
}

#[test]
fn photos_sent_with_a_delivery_problem_go_to_its_ticket_for_its_shopper_and_staff() {
    use app::identity::Role;
    use app::support::TicketView;
    on_shared_runtime(async {
        let shop = shop().await;
        let other = signed_in_as(&shop, "other@example.com", Role::Shopper).await;
        let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
        let (checkout, grant) = paypal_checkout(&shop).await;
        let CheckoutOutcome::ApprovePayPal { number, .. } = checkout else {
            panic!("{checkout:?}");
        };
        let guest = grant.expect("the guest's browser may see the order");
        sqlx::query("UPDATE orders SET status = 'shipped' WHERE number = $1")
            .bind(&number)
            .execute(&shop.db.pool)
            .await
            .unwrap();
        let draft = app::tokens::random_hex(16);
        let ids = uploaded(&shop, &draft, &["label.jpg"]).await;
        let report = path_of::<app::support::api::ReportDeliveryProblem>();
        let body = |number: &str, draft: &str| {
            format!(
                "number={number}&problem=lost-or-delayed&description=Still+not+here+after+two+weeks.&draft={draft}"
            )
        };

        // Another shopper cannot send a report (or photos) about this order.
        let refused: Result<FormResult, AppError> = answer(
            &shop,
            script_post(report, &body(&number, &draft), "192.0.2.97", Some(&other)),
        )
        .await;
        assert_eq!(refused, Err(AppError::NotFound));
        // A draft that is not one is refused with a message, keeping what was typed.
        let bad: FormResult = answer(
            &shop,
            script_post(report, &body(&number, "nope"), "192.0.2.97", Some(&guest)),
        )
        .await
        .unwrap();
        let FormResult::Invalid(errors) = &bad else {
            panic!("{bad:?}");
        };
        assert!(errors
            .get("photos")
            .unwrap()
            .contains("add the photos again"));
        let tickets: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tickets")
            .fetch_one(&shop.db.pool)
            .await
            .unwrap();
        assert_eq!(tickets, (0,));

        let sent: FormResult = answer(
            &shop,
            script_post(report, &body(&number, &draft), "192.0.2.97", Some(&guest)),
        )
        .await
        .unwrap();
        assert_eq!(sent, FormResult::Done);
        let (ticket_id, ticket): (i64, String) = {
            use sqlx::Row;
            let row = sqlx::query("SELECT id, number FROM tickets")
                .fetch_one(&shop.db.pool)
                .await
                .unwrap();
            (row.try_get("id").unwrap(), row.try_get("number").unwrap())
        };
        let key = thread_key(&shop, app::conversations::Thread::Ticket, ticket_id).await;
        photo_is_shown_only_to(
            &shop,
            &ids[0],
            &[
                ("the ticket's key", Some(&key), None),
                ("support", None, Some(&support)),
            ],
            &[
                ("a visitor", None, None),
                ("the order's browser without the key", None, Some(&guest)),
                ("another shopper", None, Some(&other)),
            ],
        )
        .await;
        let read = path_of::<app::support::api::GetTicket>();
        let read_ticket = || {
            let body = format!("number={ticket}&key={key}");
            answer::<TicketView>(&shop, script_post(read, &body, "192.0.2.98", None))
        };
        let view = read_ticket().await.unwrap();
        assert_eq!(view.photos, ids);
        assert!(view.messages[0].body.contains("Still not here"));

        // A reply brings more photos; one with a draft that is not one brings nothing.
        let reply = path_of::<app::support::api::ReplyToTicket>();
        let reply_with = |draft: &str| {
            let body =
                format!("number={ticket}&key={key}&message=Here+is+the+notice.&draft={draft}");
            answer::<FormResult>(&shop, script_post(reply, &body, "192.0.2.98", None))
        };
        let bad = reply_with("nope").await.unwrap();
        assert!(matches!(&bad, FormResult::Invalid(e) if e.get("photos").is_some()));
        let second = app::tokens::random_hex(16);
        let more = uploaded(&shop, &second, &["notice.jpg"]).await;
        assert_eq!(reply_with(&second).await.unwrap(), FormResult::Done);
        let view = read_ticket().await.unwrap();
        assert_eq!(view.photos, [ids[0].clone(), more[0].clone()]);
        assert_eq!(view.messages.len(), 2, "the refused reply is not stored");
    });
}
