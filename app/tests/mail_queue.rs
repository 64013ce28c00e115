//! The durable mail queue on SQLite and PostgreSQL: a message that cannot be sent is retried
//! later and sent once; after every try it waits for staff; two workers never send the same
//! message; and a queued message reaches a real SMTP server (aiosmtpd, started by
//! scripts/test.sh, which keeps what it receives in a maildir: TEST_SMTP_URL and
//! TEST_SMTP_MAILDIR).

mod support;

use app::db::Db;
use app::mail::queue::{self, MAX_ATTEMPTS};
use app::mail::{Email, MailState, Mailer};

const NOW: i64 = 1_790_000_000;

fn outbox(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "mail-queue-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ))
}

fn working_mailer(dir: &std::path::Path) -> Mailer {
    Mailer::outbox("Shop <shop@example.com>", dir.to_path_buf()).unwrap()
}

/// A mail server that is down: nothing listens on the port.
fn broken_mailer() -> Mailer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Mailer::smtp(
        "Shop <shop@example.com>",
        &format!("smtp://127.0.0.1:{port}"),
    )
    .unwrap()
}

fn files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn mail(n: usize) -> Email {
    Email {
        to: format!("shopper{n}@example.com"),
        subject: format!("Message {n}"),
        text: format!("Body {n}"),
        html: format!("<p>Body {n}</p>"),
    }
}

async fn enqueue(db: &Db, mail: &Email, now: i64) {
    let mut tx = db.pool.begin().await.unwrap();
    queue::enqueue(&mut tx, mail, now).await.unwrap();
    tx.commit().await.unwrap();
}

async fn only(db: &Db) -> app::mail::QueuedMail {
    let (rows, total) = queue::list(&db.pool, None, 1, 10).await.unwrap();
    assert_eq!(total, 1);
    rows.into_iter().next().unwrap()
}

async fn a_message_queued_in_a_rolled_back_change_is_never_sent(db: &Db) {
    let mut tx = db.pool.begin().await.unwrap();
    queue::enqueue(&mut tx, &mail(1), NOW).await.unwrap();
    tx.rollback().await.unwrap();
    let dir = outbox("rolled-back");
    let delivery = queue::deliver_due(db, &working_mailer(&dir), NOW)
        .await
        .unwrap();
    assert!(delivery.is_empty());
    assert!(files(&dir).is_empty());
}

async fn a_mail_that_fails_is_retried_later_and_sent_once(db: &Db) {
    enqueue(db, &mail(1), NOW).await;
    let down = queue::deliver_due(db, &broken_mailer(), NOW).await.unwrap();
    assert_eq!((down.sent, down.retrying), (0, 1));
    let waiting = only(db).await;
    assert_eq!(waiting.state, MailState::Pending);
    assert_eq!(waiting.attempts, 1);
    assert_eq!(waiting.next_attempt_at, NOW + 30);
    assert!(waiting.last_error.is_some());

    // Not before its retry is due, even with the mail server back.
    let dir = outbox("retried");
    let mailer = working_mailer(&dir);
    assert!(queue::deliver_due(db, &mailer, NOW + 29)
        .await
        .unwrap()
        .is_empty());
    assert!(files(&dir).is_empty());

    let back = queue::deliver_due(db, &mailer, NOW + 30).await.unwrap();
    assert_eq!(back.sent, 1);
    let sent = files(&dir);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("To: shopper1@example.com") && sent[0].contains("Body 1"));
    assert!(queue::deliver_due(db, &mailer, NOW + 3600)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(files(&dir).len(), 1, "sent once");
    let done = only(db).await;
    assert_eq!(done.state, MailState::Sent);
    assert_eq!(done.sent_at, Some(NOW + 30));
    assert_eq!(done.last_error, None);
    // The body (which may carry a one-time link) is not kept once sent.
    let bodies: (String, String) = sqlx::query_as("SELECT text_body, html_body FROM mail_queue")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(bodies, (String::new(), String::new()));
    std::fs::remove_dir_all(dir).unwrap();
}

async fn after_every_try_a_mail_waits_for_staff_who_send_it_again(db: &Db) {
    enqueue(db, &mail(2), NOW).await;
    let broken = broken_mailer();
    let mut now = NOW;
    for attempt in 1..=MAX_ATTEMPTS {
        let delivery = queue::deliver_due(db, &broken, now).await.unwrap();
        assert_eq!(delivery.sent, 0);
        if attempt < MAX_ATTEMPTS {
            assert_eq!(delivery.retrying, 1, "try {attempt}");
        } else {
            assert_eq!(delivery.given_up, 1);
        }
        now = only(db).await.next_attempt_at.max(now);
    }
    let given_up = only(db).await;
    assert_eq!(given_up.state, MailState::Failed);
    assert_eq!(given_up.attempts, MAX_ATTEMPTS);
    assert_eq!(queue::failed_count(&db.pool).await.unwrap(), 1);
    // A failed message is not tried again on its own.
    let dir = outbox("again");
    let mailer = working_mailer(&dir);
    assert!(queue::deliver_due(db, &mailer, now + 86_400)
        .await
        .unwrap()
        .is_empty());

    let mut conn = db.pool.acquire().await.unwrap();
    assert!(queue::send_again(&mut conn, given_up.id, now)
        .await
        .unwrap());
    assert!(
        !queue::send_again(&mut conn, given_up.id, now)
            .await
            .unwrap(),
        "only a failed one"
    );
    drop(conn);
    assert_eq!(queue::deliver_due(db, &mailer, now).await.unwrap().sent, 1);
    assert_eq!(files(&dir).len(), 1);
    assert_eq!(only(db).await.state, MailState::Sent);
    assert_eq!(queue::failed_count(&db.pool).await.unwrap(), 0);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn two_workers_never_send_the_same_message(db: &Db) {
    const MESSAGES: usize = 60;
    for n in 0..MESSAGES {
        enqueue(db, &mail(n), NOW).await;
    }
    let (dir_a, dir_b) = (outbox("worker-a"), outbox("worker-b"));
    let (a, b) = (working_mailer(&dir_a), working_mailer(&dir_b));
    let (one, two) = tokio::join!(
        queue::deliver_due(db, &a, NOW),
        queue::deliver_due(db, &b, NOW)
    );
    assert_eq!(one.unwrap().sent + two.unwrap().sent, MESSAGES);
    let mut subjects: Vec<String> = files(&dir_a)
        .into_iter()
        .chain(files(&dir_b))
        .map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("Subject: ").map(str::to_owned))
                .unwrap()
        })
        .collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), MESSAGES, "each message sent exactly once");
    let (rows, _) = queue::list(&db.pool, Some(MailState::Sent), 1, 100)
        .await
        .unwrap();
    assert_eq!(rows.len(), MESSAGES);
    for dir in [dir_a, dir_b] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The messages in the test mail server's maildir whose subject is `subject`, waiting a little
/// for the server to write them.
async fn received(subject: &str) -> Vec<String> {
    let maildir = std::env::var("TEST_SMTP_MAILDIR").unwrap_or_else(|_| "/tmp/shop-maildir".into());
    let wanted = format!("Subject: {subject}");
    for _ in 0..50 {
        let found: Vec<String> = files(&std::path::Path::new(&maildir).join("new"))
            .into_iter()
            .filter(|m| m.lines().any(|l| l == wanted))
            .collect();
        if !found.is_empty() {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Vec::new()
}

async fn a_queued_message_reaches_a_real_smtp_server(db: &Db) {
    let url = std::env::var("TEST_SMTP_URL").unwrap_or_else(|_| "smtp://127.0.0.1:8025".into());
    let mailer = Mailer::smtp("Shop <shop@example.com>", &url).unwrap();
    // The maildir is shared by every test of the run: a subject of its own finds this one.
    let subject = format!("Your order is confirmed ({})", app::tokens::random_hex(6));
    let message = Email {
        to: "ada@example.com".into(),
        subject: subject.clone(),
        text: "Thank you (text)".into(),
        html: "<p>Thank you (html)</p>".into(),
    };
    enqueue(db, &message, NOW).await;
    let delivery = queue::deliver_due(db, &mailer, NOW).await.unwrap();
    assert_eq!(delivery.sent, 1, "an SMTP server must answer at {url}");
    let got = received(&subject).await;
    assert_eq!(got.len(), 1, "the server received it once");
    let got = &got[0];
    assert!(got.contains("To: ada@example.com"));
    assert!(got.contains("From: Shop <shop@example.com>"));
    assert!(got.contains("text/plain") && got.contains("text/html"));
    assert_eq!(only(db).await.state, MailState::Sent);
}

on_both_backends!(
    a_queued_message_reaches_a_real_smtp_server,
    a_message_queued_in_a_rolled_back_change_is_never_sent,
    a_mail_that_fails_is_retried_later_and_sent_once,
    after_every_try_a_mail_waits_for_staff_who_send_it_again,
    two_workers_never_send_the_same_message,
);
