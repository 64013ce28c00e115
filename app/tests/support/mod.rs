//! Fresh databases for integration tests: a new SQLite file, or a new PostgreSQL database
//! on the server named by `TEST_POSTGRES_URL` (default: the local server, trust auth).
//! Every test gets its own, so tests run in parallel and never see each other's rows.

pub mod faulty;
pub mod paypal;
pub mod photos;
pub mod shop;
pub mod stripe;

use app::db::{open_pool, Db};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "shop_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(unique_name());
        let url = format!("sqlite://{}/shop.db", dir.display());
        let db = Db::connect(&url)
            .await
            .expect("open a fresh SQLite database");
        TestDb {
            db,
            cleanup: Cleanup::SqliteDir(dir),
        }
    }

    pub async fn postgres() -> TestDb {
        let admin_url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = unique_name();
        let admin = open_pool(&admin_url).await.unwrap_or_else(|e| {
            panic!("PostgreSQL must be reachable at {admin_url} (set TEST_POSTGRES_URL): {e}")
        });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("create a test database");
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').expect("a database URL");
        let db = Db::connect(&format!("{base}/{name}"))
            .await
            .expect("migrate the test database");
        TestDb {
            db,
            cleanup: Cleanup::PostgresDatabase { admin_url, name },
        }
    }

    pub async fn cleanup(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                if let Ok(admin) = open_pool(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&admin)
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}

/// Runs each listed test body (an `async fn(&Db)`) once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let t = $crate::support::TestDb::sqlite().await;
                    super::$test(&t.db).await;
                    t.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let t = $crate::support::TestDb::postgres().await;
                    super::$test(&t.db).await;
                    t.cleanup().await;
                }
            )*
        }
    };
}
