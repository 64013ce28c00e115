//! The database: one sqlx `Any` pool over SQLite (the embedded default) or PostgreSQL, chosen
//! by the URL, migrated on connect. Queries are written once, in SQL both engines accept
//! (`$n` placeholders, integer cents, 0/1 flags); only the DDL differs, in
//! `migrations/sqlite` and `migrations/postgres`.

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::path::Path;
use std::time::Duration;
use thiserror::Error;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

#[derive(Debug, Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("cannot create the database folder {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A migrated connection pool and the engine behind it.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

impl Db {
    /// Connects to `url`, creating an SQLite file (and its folder) if needed, and applies
    /// every pending migration.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        let backend = Backend::from_url(url)?;
        let pool = match backend {
            Backend::Sqlite => {
                // Migrations run on a connection of their own with foreign keys off, as
                // SQLite's procedure for rebuilding a table requires: with them on, dropping
                // the old table would take its children's rows with it.
                let migrating = open_pool_with(url, ForeignKeys::Off).await?;
                SQLITE_MIGRATIONS.run(&migrating).await?;
                migrating.close().await;
                open_pool(url).await?
            }
            Backend::Postgres => {
                let pool = open_pool(url).await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                pool
            }
        };
        Ok(Db { pool, backend })
    }

    /// True when the database answers a trivial query.
    pub async fn is_healthy(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Claims a one-time job (such as loading demo data) inside `tx`: true for the first caller
/// ever, false for every later one, even one racing the first from another server.
pub async fn claim_once(tx: &mut sqlx::AnyConnection, key: &str) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO store_meta (key, value) VALUES ($1, 'done') ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .execute(tx)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Begins the transaction of one business action. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting its turn under the busy timeout: a transaction that reads
/// first would otherwise fail at its first write whenever another connection had written
/// since its read (SQLITE_BUSY_SNAPSHOT, which no timeout waits out). PostgreSQL's row locks
/// need nothing of the kind.
pub async fn begin(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}

/// Whether SQLite enforces foreign keys on a pool's connections.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ForeignKeys {
    On,
    /// Only while migrating.
    Off,
}

/// Opens a pool without migrating: for administration, such as creating a database.
pub async fn open_pool(url: &str) -> Result<AnyPool, DbError> {
    open_pool_with(url, ForeignKeys::On).await
}

async fn open_pool_with(url: &str, foreign_keys: ForeignKeys) -> Result<AnyPool, DbError> {
    install_default_drivers();
    let backend = Backend::from_url(url)?;
    let mut url = url.to_owned();
    if backend == Backend::Sqlite {
        prepare_sqlite_file(&mut url)?;
    }
    AnyPoolOptions::new()
        .max_connections(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        })
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL lets readers run while a checkout writes; the busy timeout makes
                    // concurrent writers wait their turn instead of failing.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 5000;",
                    )
                    .await?;
                    conn.execute(match foreign_keys {
                        ForeignKeys::On => "PRAGMA foreign_keys = ON;",
                        ForeignKeys::Off => "PRAGMA foreign_keys = OFF;",
                    })
                    .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(DbError::Connect)
}

/// Makes sure the folder of an SQLite file exists and that sqlx may create the file.
fn prepare_sqlite_file(url: &mut String) -> Result<(), DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    if !url.contains("mode=") {
        url.push_str(if url.contains('?') {
            "&mode=rwc"
        } else {
            "?mode=rwc"
        });
    }
    Ok(())
}

/// A `LIKE .. ESCAPE '\\'` pattern matching `text` anywhere (lower-cased: compare with
/// `LOWER(column)`), in which `%`, `_` and backslashes match themselves.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Row;

    /// A business action that reads, then writes while another connection writes in between:
    /// on SQLite each waits its turn, where a plain `BEGIN` failed the later write with
    /// "database is locked" (seen as a staff answer to a ticket refused under load).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transaction_that_reads_first_waits_for_writers_instead_of_failing() {
        let dir = std::env::temp_dir().join(format!("shop-begin-{}", crate::tokens::random_hex(6)));
        let db = Db::connect(&format!("sqlite://{}/shop.db", dir.display()))
            .await
            .unwrap();
        let pool = db.pool.clone();
        sqlx::query("CREATE TABLE counter (n INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO counter (n) VALUES (0)")
            .execute(&pool)
            .await
            .unwrap();
        let action = {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut tx = begin(&pool).await?;
                let n: i64 = sqlx::query("SELECT n FROM counter")
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
                tokio::time::sleep(Duration::from_millis(300)).await;
                sqlx::query("UPDATE counter SET n = $1")
                    .bind(n + 1)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        sqlx::query("UPDATE counter SET n = n + 10")
            .execute(&pool)
            .await
            .unwrap();
        action.await.unwrap().unwrap();
        let n: i64 = sqlx::query("SELECT n FROM counter")
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(n, 11);
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn backend_follows_the_url_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/shop.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn sqlite_files_are_created_on_first_start() {
        let dir = std::env::temp_dir().join(format!("shop-db-test-{}", std::process::id()));
        let mut url = format!("sqlite://{}/nested/shop.db", dir.display());
        prepare_sqlite_file(&mut url).unwrap();
        assert!(dir.join("nested").is_dir());
        assert!(url.ends_with("?mode=rwc"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The rebuild of the orders table (migration 6) keeps every order, its lines and its
    /// timeline, and the lines still point at their order afterwards.
    #[tokio::test]
    async fn rebuilding_the_orders_table_keeps_orders_and_their_children() {
        let dir = std::env::temp_dir().join(format!("shop-db-rebuild-{}", std::process::id()));
        let url = format!("sqlite://{}/shop.db", dir.display());
        let before_rebuild = Migrator {
            migrations: std::borrow::Cow::Owned(SQLITE_MIGRATIONS.migrations[..5].to_vec()),
            ..Migrator::DEFAULT
        };
        let old = open_pool_with(&url, ForeignKeys::Off).await.unwrap();
        before_rebuild.run(&old).await.unwrap();
        for sql in [
            "INSERT INTO orders (id, number, idempotency_key, email, status, ship_name, ship_line1, \
             ship_line2, ship_city, ship_region, ship_postcode, ship_country, ship_phone, \
             shipping_method, subtotal_cents, discount_cents, shipping_cents, total_cents, \
             payment_method, dispatch_by, delivery_from, delivery_to, placed_at) VALUES \
             (7, 'CF-23456789', 'key-1', 'a@example.com', 'paid', 'A', '1 Way', '', 'Town', '', \
             '12345', 'US', '', 'standard', 1000, 0, 500, 1500, 'card', '2026-01-02', \
             '2026-01-09', '2026-01-20', 1)",
            "INSERT INTO order_lines (order_id, sku, product_name, options, image_path, \
             unit_price_cents, quantity) VALUES (7, 'SKU', 'Case', 'iPhone', '/img', 1000, 1)",
            "INSERT INTO order_events (order_id, status, note, at) VALUES (7, 'paid', 'Placed', 1)",
        ] {
            sqlx::query(sql).execute(&old).await.unwrap();
        }
        old.close().await;

        let db = Db::connect(&url).await.unwrap();
        let count = |sql: &'static str| {
            let pool = db.pool.clone();
            async move {
                let row = sqlx::query(sql).fetch_one(&pool).await.unwrap();
                sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
            }
        };
        assert_eq!(count("SELECT COUNT(*) FROM orders WHERE id = 7").await, 1);
        assert_eq!(
            count("SELECT COUNT(*) FROM order_lines WHERE order_id = 7").await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM order_events WHERE order_id = 7").await,
            1
        );
        // The new status is allowed, and the lines still refer to the orders table.
        sqlx::query("UPDATE orders SET status = 'payment_failed' WHERE id = 7")
            .execute(&db.pool)
            .await
            .unwrap();
        let orphan = sqlx::query(
            "INSERT INTO order_lines (order_id, sku, product_name, options, image_path, \
             unit_price_cents, quantity) VALUES (999, 'SKU', 'Case', '', '', 1, 1)",
        )
        .execute(&db.pool)
        .await;
        assert!(orphan.is_err(), "foreign keys are enforced again");
        db.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
