#![recursion_limit = "256"]
//! The storefront server: reads its configuration, opens and migrates the database, loads the
//! demo catalog into an empty shop, and serves the app until asked to stop.

use app::catalog::{demo::demo_catalog, repo::seed_once};
use app::checkout::service::settle_interrupted;
use app::coupons;
use app::db::{Db, DbError};
use app::mail::{MailError, Mailer};
use app::photos::storage::PhotoStore;
use app::shop::ServerState;
use leptos::prelude::LeptosOptions;
use server::config::{Config, Payments};
use server::security::Guard;
use server::{health, providers, requests, routes, serve};
use std::process::ExitCode;
use thiserror::Error;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Error)]
enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot load the demo catalog: {0}")]
    Seed(#[source] sqlx::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot set up e-mail: {0}")]
    Mail(#[from] MailError),
    #[error("cannot set up photo storage: {0}")]
    Photos(String),
    #[error("cannot set up payments: {0}")]
    Payments(#[from] app::payments::gateway::GatewayError),
}

// glibc's malloc serialises the runtime's worker threads on its arena locks under load (a
// profile of the product page at 64 connections spent over 40% of its time in it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("configuration error: {err}");
            return ExitCode::FAILURE;
        }
    };
    init_tracing(config.log_json);
    requests::log_panics();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(start(config));
    // Dropping the runtime would wait, without limit, for a worker still inside a task; the
    // requests have been drained (or given up on) by now, so only a moment is allowed.
    runtime.shutdown_timeout(LAST_MOMENT);
    code
}

/// What the database and the runtime get to finish once the requests are drained.
const LAST_MOMENT: std::time::Duration = std::time::Duration::from_millis(500);

async fn start(config: Config) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {}
        [command, email] if command == "create-admin" => return create_admin(config, email).await,
        _ => {
            eprintln!("usage: server                      run the shop\n       server create-admin EMAIL   print a one-time link that makes EMAIL an admin");
            return ExitCode::from(2);
        }
    }
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "server stopped");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn leptos_options(config: &Config, live_reload: Option<u16>) -> LeptosOptions {
    let site_root = config.site_root.display().to_string();
    // cargo-leptos writes the content hashes of the JS, WASM and CSS next to the server binary.
    let hash_files = app::build_output::beside_the_server("hash.txt").is_some_and(|f| f.is_file());
    LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("storefront"))
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .hash_files(hash_files)
        .reload_port(live_reload.map_or(3001, u32::from))
        .build()
}

/// The port of `cargo leptos watch`'s live-reload socket when the shop runs under it
/// (`scripts/dev.sh`), which sets `LEPTOS_WATCH` and `LEPTOS_RELOAD_PORT` for the server.
fn live_reload_port() -> Option<u16> {
    app::build_output::under_watch().then(|| {
        std::env::var("LEPTOS_RELOAD_PORT")
            .ok()
            .and_then(|port| port.parse().ok())
            .unwrap_or(3001)
    })
}

async fn run(config: Config) -> Result<(), StartupError> {
    let db = Db::connect(&config.database_url).await?;
    tracing::info!(backend = ?db.backend, "database ready");
    if config.demo_catalog {
        if seed_once(&db.pool, &demo_catalog())
            .await
            .map_err(StartupError::Seed)?
        {
            tracing::info!("demo catalog loaded");
        }
        if coupons::demo::seed_once(&db.pool)
            .await
            .map_err(StartupError::Seed)?
        {
            tracing::info!("demo promo codes loaded");
        }
    }
    if config.demo_orders {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let made = app::orders::demo::seed_once(&db.pool, &config.store, 4, now)
            .await
            .map_err(StartupError::Seed)?;
        if made > 0 {
            tracing::info!(made, "demo orders loaded");
        }
    }

    let mailer = match &config.smtp_url {
        Some(url) => Mailer::smtp(&config.mail_from, url)?,
        None => Mailer::outbox(&config.mail_from, config.data_dir.join("outbox"))?,
    };
    tracing::info!(mail = ?mailer, "mail ready");
    let photos = match &config.photo_bucket {
        Some(bucket) => PhotoStore::in_s3_bucket(bucket, config.photo_limits)
            .map_err(|e| StartupError::Photos(e.to_string()))?,
        None => PhotoStore::in_folder(&config.data_dir.join("photos"), config.photo_limits)
            .map_err(|e| StartupError::Photos(e.to_string()))?,
    };
    let live_reload = live_reload_port();
    let options = leptos_options(&config, live_reload);
    let payments = providers::from_settings(&config.payments, config.card_brands.clone(), &db)?;
    let state = ServerState::new(db.clone(), config.store.clone(), mailer, photos, payments);
    tokio::spawn(settle_interrupted_checkouts(state.clone()));
    tokio::spawn(purge_expired_records(state.clone()));
    tokio::spawn(deliver_mail(state.clone()));
    let http = routes::Http {
        guard: Guard::new(&config.store.public_url, config.trusted_proxies.clone())
            .with_stripe(match &config.payments {
                Payments::Real(real) => real.stripe.as_ref().map(|s| s.page_origins()),
                Payments::Test => None,
            })
            .with_live_reload(live_reload),
        request_timeout: config.request_timeout,
        upload_timeout: config.upload_timeout,
        workers: health::Workers::watch(tokio::runtime::Handle::current().metrics()),
        in_flight: requests::InFlight::default(),
    };
    let app = routes::router(options, state, http);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| StartupError::Bind {
            addr: config.addr,
            source,
        })?;
    tracing::info!(address = %format!("http://{}", config.addr), "shop is open");
    println!("The shop is running at http://{}", config.addr);
    let stop = serve::Stop {
        signal: shutdown_signal(),
        drain_timeout: config.stop_timeout,
    };
    serve::serve(listener, app, config.header_timeout, stop).await;
    if tokio::time::timeout(LAST_MOMENT, db.close()).await.is_err() {
        tracing::warn!("the database connections were still in use when the shop stopped");
    }
    tracing::info!("shop closed");
    Ok(())
}

/// Prints a one-time link (valid 7 days) that sets a password for `email` and makes it an
/// admin, creating the account if needed.
async fn create_admin(config: Config, email: &str) -> ExitCode {
    let db = match Db::connect(&config.database_url).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let made =
        app::admin::staff::create_admin_link(&db, &config.store.public_url, email, now).await;
    db.close().await;
    match made {
        Ok(link) => {
            println!("Open this link within 7 days to set the password of admin {email}:\n{link}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("cannot create the admin: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Settles checkouts the last run left awaiting payment, then keeps settling abandoned ones
/// (a PayPal approval never given) once a minute, approves partner commissions whose 30 days
/// after delivery are over, and asks again about refunds the payment
/// provider did not answer.
async fn settle_interrupted_checkouts(state: ServerState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        match settle_interrupted(&state, state.clock.now()).await {
            Ok(0) => {}
            Ok(settled) => tracing::info!(settled, "interrupted checkouts settled"),
            Err(err) => tracing::error!(error = %err, "cannot settle interrupted checkouts"),
        }
        let now = state.clock.unix();
        match app::orders::refunding::retry_pending(&state, now).await {
            Ok(0) => {}
            Ok(answered) => tracing::info!(answered, "pending refunds answered"),
            Err(err) => tracing::error!(error = %err, "cannot retry pending refunds"),
        }
        match app::affiliates::ledger::approve_due(&state.db.pool, now).await {
            Ok(0) => {}
            Ok(approved) => tracing::info!(approved, "partner commissions approved"),
            Err(err) => tracing::error!(error = %err, "cannot approve partner commissions"),
        }
    }
}

/// Sends queued e-mail: every second, whatever is due (new messages, and retries whose wait
/// is over). Any number of servers may run this on one database.
async fn deliver_mail(state: ServerState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = state.clock.unix();
        match app::mail::queue::deliver_due(&state.db, &state.mailer, now).await {
            Ok(delivery) if delivery.is_empty() => {}
            Ok(delivery) => tracing::info!(?delivery, "e-mail delivered"),
            Err(err) => tracing::error!(error = %err, "cannot read the mail queue"),
        }
    }
}

/// Deletes what has expired (sessions, sign-up links, guest order grants, spent rate-limit
/// counters, photos uploaded for a claim never filed) once an hour.
async fn purge_expired_records(state: ServerState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        tick.tick().await;
        match app::maintenance::purge_expired(&state.db, state.clock.now()).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "expired records deleted"),
            Err(err) => tracing::error!(error = %err, "cannot delete expired records"),
        }
        let now = state.clock.unix();
        match app::photos::uploads::remove_unclaimed(&state.db.pool, &state.photos, now).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "photos no claim took were removed"),
            Err(err) => tracing::error!(error = %err, "cannot remove unclaimed photos"),
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM, letting in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
