//! Account storage against real SQLite and PostgreSQL: customers, sessions, sign-up links,
//! known browsers, rate limits and the purge of what expired.

mod support;

use app::accounts::model::{Email, SignUp};
use app::accounts::repo;
use app::db::Db;
use app::throttle::{self, store as limits};
use time::OffsetDateTime;

const NOW: i64 = 1_795_694_400;

fn ann() -> SignUp {
    SignUp::validate("Ann", "ann@example.com", "correct horse battery").unwrap()
}

async fn one_account_per_address(db: &Db) {
    let first = repo::create_customer(&db.pool, &ann(), "hash", NOW)
        .await
        .unwrap();
    assert_eq!(
        first.as_ref().map(|c| c.email.as_str()),
        Some("ann@example.com")
    );
    let again =
        SignUp::validate("Ann Again", " ANN@Example.com ", "another long password").unwrap();
    assert!(repo::create_customer(&db.pool, &again, "hash", NOW)
        .await
        .unwrap()
        .is_none());

    let email = Email::parse("Ann@example.com").unwrap();
    let (found, hash) = repo::find_by_email(&db.pool, &email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.name.as_str(), hash.as_str()), ("Ann", "hash"));
}

async fn sessions_identify_until_they_expire_or_end(db: &Db) {
    let ann = repo::create_customer(&db.pool, &ann(), "hash", NOW)
        .await
        .unwrap()
        .unwrap();
    let (_, digest) = app::tokens::new_token();
    repo::create_session(&db.pool, &digest, ann.id, NOW, NOW + 60)
        .await
        .unwrap();
    assert_eq!(
        repo::session_customer(&db.pool, &digest, NOW + 59)
            .await
            .unwrap(),
        Some(ann.clone())
    );
    assert_eq!(
        repo::session_customer(&db.pool, &digest, NOW + 60)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        repo::session_customer(&db.pool, "unknown", NOW)
            .await
            .unwrap(),
        None
    );
    repo::delete_session(&db.pool, &digest).await.unwrap();
    assert_eq!(
        repo::session_customer(&db.pool, &digest, NOW)
            .await
            .unwrap(),
        None
    );
}

async fn changing_the_password_ends_other_sessions(db: &Db) {
    let ann = repo::create_customer(&db.pool, &ann(), "old", NOW)
        .await
        .unwrap()
        .unwrap();
    let (_, here) = app::tokens::new_token();
    let (_, elsewhere) = app::tokens::new_token();
    for digest in [&here, &elsewhere] {
        repo::create_session(&db.pool, digest, ann.id, NOW, NOW + 3600)
            .await
            .unwrap();
    }
    repo::change_password(&db.pool, ann.id, "new", &here)
        .await
        .unwrap();
    assert_eq!(
        repo::password_hash(&db.pool, ann.id)
            .await
            .unwrap()
            .as_deref(),
        Some("new")
    );
    assert!(repo::session_customer(&db.pool, &here, NOW)
        .await
        .unwrap()
        .is_some());
    assert!(repo::session_customer(&db.pool, &elsewhere, NOW)
        .await
        .unwrap()
        .is_none());
}

async fn concurrent_tries_never_pass_a_limit(db: &Db) {
    let now = OffsetDateTime::from_unix_timestamp(NOW).unwrap();
    let limit = &throttle::SIGN_IN_PER_ACCOUNT;
    let tries = (0..30).map(|_| {
        let pool = db.pool.clone();
        tokio::spawn(async move { limits::take(&pool, limit, "ann@example.com", now).await })
    });
    let mut allowed = 0;
    for attempt in tries {
        if attempt.await.unwrap().unwrap().is_ok() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, limit.burst);
    let wait = limits::take(&db.pool, limit, "ann@example.com", now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(wait, limit.every);
    // Another subject has its own counter; a try given back can be taken again.
    assert!(limits::take(&db.pool, limit, "bob@example.com", now)
        .await
        .unwrap()
        .is_ok());
    limits::give_back(&db.pool, limit, "ann@example.com")
        .await
        .unwrap();
    assert!(limits::take(&db.pool, limit, "ann@example.com", now)
        .await
        .unwrap()
        .is_ok());
    // Once the counters have run out they are purged, and a full burst is allowed again.
    let later = now + time::Duration::hours(1);
    assert_eq!(limits::purge(&db.pool, later).await.unwrap(), 2);
    assert!(limits::take(&db.pool, limit, "ann@example.com", later)
        .await
        .unwrap()
        .is_ok());
}

fn pending(email: &str) -> repo::PendingSignUp {
    repo::PendingSignUp {
        email: email.into(),
        name: "Ann".into(),
        password_hash: "hash".into(),
        return_to: "/checkout".into(),
    }
}

async fn sign_up_links_work_once_and_expire(db: &Db) {
    repo::save_pending_sign_up(
        &mut db.pool.acquire().await.unwrap(),
        "link-1",
        &pending("ann@example.com"),
        NOW + 100,
    )
    .await
    .unwrap();
    repo::save_pending_sign_up(
        &mut db.pool.acquire().await.unwrap(),
        "link-2",
        &pending("ann@example.com"),
        NOW + 100,
    )
    .await
    .unwrap();
    repo::save_pending_sign_up(
        &mut db.pool.acquire().await.unwrap(),
        "old",
        &pending("old@example.com"),
        NOW - 1,
    )
    .await
    .unwrap();
    let created = repo::complete_sign_up(&db.pool, "link-1", NOW)
        .await
        .unwrap();
    let repo::SignUpCompletion::Created {
        customer,
        return_to,
    } = created
    else {
        panic!("expected an account, got {created:?}");
    };
    assert_eq!(
        (customer.email.as_str(), return_to.as_str()),
        ("ann@example.com", "/checkout")
    );
    assert_eq!(
        repo::complete_sign_up(&db.pool, "link-1", NOW)
            .await
            .unwrap(),
        repo::SignUpCompletion::LinkInvalid
    );
    assert_eq!(
        repo::complete_sign_up(&db.pool, "link-2", NOW)
            .await
            .unwrap(),
        repo::SignUpCompletion::Taken
    );
    assert_eq!(
        repo::complete_sign_up(&db.pool, "old", NOW).await.unwrap(),
        repo::SignUpCompletion::LinkInvalid
    );
}

async fn known_browsers_are_known_per_account(db: &Db) {
    let ann = repo::create_customer(&db.pool, &ann(), "hash", NOW)
        .await
        .unwrap()
        .unwrap();
    let ann_email = Email::parse("ann@example.com").unwrap();
    let bob_email = Email::parse("bob@example.com").unwrap();
    repo::remember_browser(&db.pool, "browser", ann.id, NOW + 10)
        .await
        .unwrap();
    assert!(repo::is_known_browser(&db.pool, "browser", &ann_email, NOW)
        .await
        .unwrap());
    assert!(
        !repo::is_known_browser(&db.pool, "browser", &bob_email, NOW)
            .await
            .unwrap()
    );
    assert!(!repo::is_known_browser(&db.pool, "forged", &ann_email, NOW)
        .await
        .unwrap());
    assert!(
        !repo::is_known_browser(&db.pool, "browser", &ann_email, NOW + 10)
            .await
            .unwrap()
    );
}

async fn expired_records_are_purged(db: &Db) {
    let ann = repo::create_customer(&db.pool, &ann(), "hash", NOW)
        .await
        .unwrap()
        .unwrap();
    repo::create_session(&db.pool, "old-session", ann.id, NOW - 100, NOW - 1)
        .await
        .unwrap();
    repo::create_session(&db.pool, "live-session", ann.id, NOW, NOW + 100)
        .await
        .unwrap();
    repo::remember_browser(&db.pool, "old-browser", ann.id, NOW - 1)
        .await
        .unwrap();
    repo::save_pending_sign_up(
        &mut db.pool.acquire().await.unwrap(),
        "old-link",
        &pending("x@example.com"),
        NOW - 1,
    )
    .await
    .unwrap();
    let now = OffsetDateTime::from_unix_timestamp(NOW).unwrap();
    assert_eq!(app::maintenance::purge_expired(db, now).await.unwrap(), 3);
    assert!(repo::session_customer(&db.pool, "live-session", NOW)
        .await
        .unwrap()
        .is_some());
}

on_both_backends!(
    one_account_per_address,
    sessions_identify_until_they_expire_or_end,
    changing_the_password_ends_other_sessions,
    concurrent_tries_never_pass_a_limit,
    sign_up_links_work_once_and_expire,
    known_browsers_are_known_per_account,
    expired_records_are_purged,
);
