//! Staff foundations against real SQLite and PostgreSQL: one-time links (forgotten password,
//! staff invitation), roles, and the audit log written with each change.

mod support;

use app::accounts::links::{self, Redemption};
use app::accounts::model::{Email, LinkPurpose, SignUp};
use app::accounts::repo;
use app::audit::{self, AuditFilter, Change};
use app::db::Db;
use app::identity::Role;

const NOW: i64 = 1_795_694_400;

async fn shopper(db: &Db, email: &str) -> app::accounts::model::Customer {
    let sign_up = SignUp::validate("Ann", email, "correct horse battery").unwrap();
    repo::create_customer(&db.pool, &sign_up, "old-hash", NOW)
        .await
        .unwrap()
        .unwrap()
}

async fn issue(db: &Db, email: &str, purpose: LinkPurpose, lifetime: i64) -> String {
    let mut conn = db.pool.acquire().await.unwrap();
    links::issue(
        &mut conn,
        &Email::parse(email).unwrap(),
        purpose,
        NOW,
        lifetime,
    )
    .await
    .unwrap()
}

async fn a_reset_link_sets_the_password_once_and_ends_every_session(db: &Db) {
    let ann = shopper(db, "ann@example.com").await;
    repo::create_session(&db.pool, "old-session", ann.id, NOW, NOW + 3600)
        .await
        .unwrap();
    let token = issue(db, "ann@example.com", LinkPurpose::ResetPassword, 3600).await;
    let info = links::look_up(&db.pool, &token, NOW + 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(info.purpose, LinkPurpose::ResetPassword);
    assert!(!info.new_account);

    let used = links::redeem(&db.pool, &token, None, "new-hash", NOW + 2)
        .await
        .unwrap();
    assert_eq!(used, Redemption::Done(ann.clone()));
    assert_eq!(
        repo::password_hash(&db.pool, ann.id)
            .await
            .unwrap()
            .as_deref(),
        Some("new-hash")
    );
    assert_eq!(
        repo::session_customer(&db.pool, "old-session", NOW + 3)
            .await
            .unwrap(),
        None
    );
    // Once only, and nothing is left to look up.
    assert_eq!(
        links::redeem(&db.pool, &token, None, "third-hash", NOW + 4)
            .await
            .unwrap(),
        Redemption::LinkInvalid
    );
    assert_eq!(
        links::look_up(&db.pool, &token, NOW + 4).await.unwrap(),
        None
    );
}

async fn links_expire(db: &Db) {
    shopper(db, "ann@example.com").await;
    let token = issue(db, "ann@example.com", LinkPurpose::ResetPassword, 60).await;
    assert_eq!(
        links::look_up(&db.pool, &token, NOW + 60).await.unwrap(),
        None
    );
    assert_eq!(
        links::redeem(&db.pool, &token, None, "new-hash", NOW + 60)
            .await
            .unwrap(),
        Redemption::LinkInvalid
    );
}

async fn an_invitation_creates_a_staff_account_and_logs_it(db: &Db) {
    let token = issue(
        db,
        "sid@example.com",
        LinkPurpose::StaffInvite(Role::Support),
        3600,
    )
    .await;
    let info = links::look_up(&db.pool, &token, NOW)
        .await
        .unwrap()
        .unwrap();
    assert!(info.new_account);
    // A new account needs a name; without one the link stays unused.
    assert_eq!(
        links::redeem(&db.pool, &token, None, "hash", NOW)
            .await
            .unwrap(),
        Redemption::NameNeeded
    );
    let Redemption::Done(sid) = links::redeem(&db.pool, &token, Some("Sid"), "hash", NOW)
        .await
        .unwrap()
    else {
        panic!("the invitation should create the account");
    };
    assert_eq!((sid.name.as_str(), sid.role), ("Sid", Role::Support));
    let staff = repo::staff_members(&db.pool).await.unwrap();
    assert_eq!(staff, vec![sid.clone()]);

    let log = audit::list(&db.pool, &AuditFilter::default(), 0)
        .await
        .unwrap();
    assert_eq!(log.entries.len(), 1);
    let entry = &log.entries[0];
    assert_eq!(
        (
            entry.actor_email.as_str(),
            entry.action.as_str(),
            entry.record.as_str()
        ),
        (
            "sid@example.com",
            "accept invitation",
            "account sid@example.com"
        )
    );
    assert_eq!(
        (entry.before.as_str(), entry.after.as_str()),
        ("Shopper", "Support")
    );
}

async fn an_invitation_raises_an_existing_account_and_never_lowers_one(db: &Db) {
    let ann = shopper(db, "ann@example.com").await;
    let token = issue(
        db,
        "ann@example.com",
        LinkPurpose::StaffInvite(Role::Admin),
        3600,
    )
    .await;
    let Redemption::Done(admin) = links::redeem(&db.pool, &token, None, "hash", NOW)
        .await
        .unwrap()
    else {
        panic!("the invitation should work");
    };
    assert_eq!((admin.id, admin.role), (ann.id, Role::Admin));
    let lower = issue(
        db,
        "ann@example.com",
        LinkPurpose::StaffInvite(Role::Support),
        3600,
    )
    .await;
    let Redemption::Done(still) = links::redeem(&db.pool, &lower, None, "hash", NOW)
        .await
        .unwrap()
    else {
        panic!("the invitation should work");
    };
    assert_eq!(still.role, Role::Admin);
}

async fn a_link_used_twice_at_once_works_once(db: &Db) {
    shopper(db, "ann@example.com").await;
    let token = issue(db, "ann@example.com", LinkPurpose::ResetPassword, 3600).await;
    let (a, b) = tokio::join!(
        links::redeem(&db.pool, &token, None, "hash-a", NOW),
        links::redeem(&db.pool, &token, None, "hash-b", NOW),
    );
    let outcomes = [a, b];
    let done = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Redemption::Done(_))))
        .count();
    assert_eq!(done, 1, "{outcomes:?}");
}

async fn the_audit_log_filters_and_pages_newest_first(db: &Db) {
    let admin = shopper(db, "ada@example.com").await;
    let mut conn = db.pool.acquire().await.unwrap();
    for n in 0..(audit::AUDIT_PAGE_SIZE + 3) {
        let change = Change::new("change role", format!("account user{n}@example.com"))
            .before(Role::Shopper)
            .after(Role::Support);
        audit::record(&mut conn, &admin, change, NOW + i64::from(n))
            .await
            .unwrap();
    }
    audit::record(
        &mut conn,
        &admin,
        Change::new("invite staff", "account 100%_sure@example.com".into()).after(Role::Admin),
        NOW,
    )
    .await
    .unwrap();
    drop(conn);

    let first = audit::list(&db.pool, &AuditFilter::default(), 0)
        .await
        .unwrap();
    assert_eq!(first.entries.len(), audit::AUDIT_PAGE_SIZE as usize);
    assert!(first.more);
    assert!(first.entries[0].record.ends_with("user52@example.com"));
    let second = audit::list(&db.pool, &AuditFilter::default(), 1)
        .await
        .unwrap();
    assert_eq!(second.entries.len(), 4);
    assert!(!second.more);

    // `%` and `_` match themselves, not anything.
    let literal = AuditFilter {
        actor: "ADA@".into(),
        text: "100%_".into(),
    };
    let found = audit::list(&db.pool, &literal, 0).await.unwrap();
    assert_eq!(found.entries.len(), 1);
    assert_eq!(found.entries[0].action, "invite staff");
    let nobody = AuditFilter {
        actor: "someone-else".into(),
        text: String::new(),
    };
    assert!(audit::list(&db.pool, &nobody, 0)
        .await
        .unwrap()
        .entries
        .is_empty());
}

on_both_backends!(
    a_reset_link_sets_the_password_once_and_ends_every_session,
    links_expire,
    an_invitation_creates_a_staff_account_and_logs_it,
    an_invitation_raises_an_existing_account_and_never_lowers_one,
    a_link_used_twice_at_once_works_once,
    the_audit_log_filters_and_pages_newest_first,
);
