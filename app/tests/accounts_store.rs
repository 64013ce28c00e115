//! Account storage against real SQLite and PostgreSQL: customers, sessions, sign-in throttle.

mod support;

use app::accounts::model::{sign_in_wait, Email, SignUp, FAILED_SIGN_IN_WINDOW_SECS};
use app::accounts::{auth, repo};
use app::db::Db;

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
    let (_, digest) = auth::new_session_token();
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
    let (_, here) = auth::new_session_token();
    let (_, elsewhere) = auth::new_session_token();
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

async fn failed_sign_ins_are_counted_per_address(db: &Db) {
    let ann = Email::parse("ann@example.com").unwrap();
    let bob = Email::parse("bob@example.com").unwrap();
    for i in 0..5 {
        repo::record_failed_sign_in(&db.pool, &ann, NOW + i)
            .await
            .unwrap();
    }
    repo::record_failed_sign_in(&db.pool, &bob, NOW)
        .await
        .unwrap();
    let since = NOW + 10 - FAILED_SIGN_IN_WINDOW_SECS;
    let ann_failures = repo::failed_sign_ins_since(&db.pool, &ann, since)
        .await
        .unwrap();
    assert_eq!(ann_failures.len(), 5);
    assert!(sign_in_wait(&ann_failures, NOW + 10).is_some());
    let bob_failures = repo::failed_sign_ins_since(&db.pool, &bob, since)
        .await
        .unwrap();
    assert_eq!(sign_in_wait(&bob_failures, NOW + 10), None);
    repo::clear_failed_sign_ins(&db.pool, &ann).await.unwrap();
    assert!(repo::failed_sign_ins_since(&db.pool, &ann, since)
        .await
        .unwrap()
        .is_empty());
}

on_both_backends!(
    one_account_per_address,
    sessions_identify_until_they_expire_or_end,
    changing_the_password_ends_other_sessions,
    failed_sign_ins_are_counted_per_address,
);
