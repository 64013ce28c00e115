//! Server configuration, read from environment variables with defaults that run the shop on a
//! fresh machine (SQLite file in `./data`, demo catalog, 127.0.0.1:3000).

use app::money::Money;
use app::payments::card::CardBrand;
use app::payments::paypal::settings::PayPalSettings;
use app::payments::secrets::SettingError;
use app::payments::stripe::settings::StripeSettings;
use app::photos::rules::PhotoLimits;
use app::pricing::delivery::{BusinessDays, DeliveryTimes};
use app::pricing::shipping::ShippingRates;
use app::shop::StoreInfo;
use ipnet::IpNet;
use rust_decimal::Decimal;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

/// How the shop is run: `development` (the default, for `run` and the tests) or `production`,
/// which refuses settings that are only safe on a developer's machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

/// Where payments go (`SHOP_PAYMENTS`: `test`, or a list of `stripe` and `paypal`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payments {
    /// Nothing is really charged; the shop shows its test cards and says so on every page.
    Test,
    /// Real providers, either or both: cards through Stripe (`STRIPE_*` settings) and PayPal
    /// through its REST API (`PAYPAL_*`). With live keys, real payments.
    Real(Box<RealProviders>),
}

/// The real providers the shop takes payments with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RealProviders {
    pub stripe: Option<StripeSettings>,
    pub paypal: Option<PayPalSettings>,
}

impl Payments {
    fn from_lookup(var: &impl Fn(&str) -> Option<String>) -> Result<Payments, ConfigError> {
        let Some(list) = var("SHOP_PAYMENTS") else {
            return Ok(Payments::Test);
        };
        let names: Vec<String> = list
            .split(',')
            .map(|n| n.trim().to_ascii_lowercase())
            .collect();
        let refused = || {
            invalid(
                "SHOP_PAYMENTS",
                "test, or a list of stripe and paypal (such as stripe,paypal)",
                list.clone(),
            )
        };
        if names == ["test"] {
            return Ok(Payments::Test);
        }
        if names
            .iter()
            .any(|n| !matches!(n.as_str(), "stripe" | "paypal"))
        {
            return Err(refused());
        }
        let named = |provider: &str| names.iter().any(|n| n == provider);
        Ok(Payments::Real(Box::new(RealProviders {
            stripe: named("stripe")
                .then(|| StripeSettings::from_lookup(var))
                .transpose()?,
            paypal: named("paypal")
                .then(|| PayPalSettings::from_lookup(var))
                .transpose()?,
        })))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub store: StoreInfo,
    /// Load the demo catalog into an empty database.
    pub demo_catalog: bool,
    /// Load four weeks of made-up orders once, so the staff dashboard has something to show.
    pub demo_orders: bool,
    /// Where the built site (WASM, JS, CSS, public files) is served from.
    pub site_root: PathBuf,
    pub log_json: bool,
    pub mode: Mode,
    pub payments: Payments,
    /// The card brands the shop takes (`SHOP_CARD_BRANDS`).
    pub card_brands: Vec<CardBrand>,
    /// Proxies whose `X-Forwarded-For` names the client (otherwise the socket's address does).
    pub trusted_proxies: Vec<IpNet>,
    /// How long a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// How long a whole request may take, body and answer included.
    pub request_timeout: Duration,
    /// How long a warranty photo's upload may take.
    pub upload_timeout: Duration,
    /// How long a stop (SIGTERM, Ctrl-C) waits for the requests in flight before it exits.
    pub stop_timeout: Duration,
    /// The sender of the shop's e-mail.
    pub mail_from: String,
    /// Send mail through this SMTP server; without it, mail goes to `<data dir>/outbox`.
    pub smtp_url: Option<String>,
    /// Keep warranty photos in this S3-compatible bucket (reached with the `AWS_*` settings);
    /// without it, in `<data dir>/photos`.
    pub photo_bucket: Option<String>,
    /// How large one warranty photo, and one claim's photos together, may be.
    pub photo_limits: PhotoLimits,
}

#[derive(Debug, Error, PartialEq)]
pub enum ConfigError {
    #[error("{name} must be {expected}, not {value:?}")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
    #[error(transparent)]
    Provider(#[from] SettingError),
    #[error("SHOP_MODE=production refuses the test-mode payment gateway (SHOP_PAYMENTS=test): it charges nobody, so a real shop would give its goods away. Configure a real payment gateway, or run in development mode.")]
    TestPaymentsInProduction,
}

fn invalid(name: &'static str, expected: &'static str, value: String) -> ConfigError {
    ConfigError::Invalid {
        name,
        expected,
        value,
    }
}

fn parse_bool(name: &'static str, value: String) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(invalid(name, "true or false", value)),
    }
}

/// A price in dollars, such as `5` or `14.99`.
fn parse_money(name: &'static str, value: String) -> Result<Money, ConfigError> {
    value
        .trim()
        .parse::<Decimal>()
        .ok()
        .filter(|d| !d.is_sign_negative())
        .map(Money::from_decimal)
        .ok_or_else(|| invalid(name, "an amount in dollars such as 5 or 14.99", value))
}

/// A comma-separated list of addresses or networks, such as `10.0.0.0/8, 192.0.2.7`.
fn parse_networks(name: &'static str, value: String) -> Result<Vec<IpNet>, ConfigError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    invalid(
                        name,
                        "addresses or networks such as 10.0.0.0/8, 192.0.2.7",
                        value.clone(),
                    )
                })
        })
        .collect()
}

/// A comma-separated list of card brands, such as `visa, mastercard, amex`.
fn parse_brands(value: String) -> Result<Vec<CardBrand>, ConfigError> {
    let expected = "card brands from visa, mastercard and amex, separated by commas";
    let mut brands = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let brand = CardBrand::ALL
            .into_iter()
            .find(|b| b.setting_name().eq_ignore_ascii_case(name))
            .ok_or_else(|| invalid("SHOP_CARD_BRANDS", expected, value.clone()))?;
        if !brands.contains(&brand) {
            brands.push(brand);
        }
    }
    if brands.is_empty() {
        return Err(invalid("SHOP_CARD_BRANDS", expected, value));
    }
    Ok(brands)
}

/// A range of business days, such as `3-7`.
fn parse_days(name: &'static str, value: String) -> Result<BusinessDays, ConfigError> {
    let parsed = value.split_once('-').and_then(|(min, max)| {
        let (min, max) = (min.trim().parse().ok()?, max.trim().parse().ok()?);
        (min <= max).then_some(BusinessDays { min, max })
    });
    parsed.ok_or_else(|| invalid(name, "a range of business days such as 3-7", value))
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Builds the configuration from any source of variables (the environment, or a test's map).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let host: IpAddr = match var("SHOP_HOST") {
            Some(v) => v
                .parse()
                .map_err(|_| invalid("SHOP_HOST", "an IP address", v))?,
            None => IpAddr::from([127, 0, 0, 1]),
        };
        let port: u16 = match var("SHOP_PORT") {
            Some(v) => v
                .parse()
                .map_err(|_| invalid("SHOP_PORT", "a port number", v))?,
            None => 3000,
        };
        let data_dir = PathBuf::from(var("SHOP_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("shop.db").display()));
        let money = |name: &'static str, default: Money| match var(name) {
            Some(v) => parse_money(name, v),
            None => Ok(default),
        };
        let days = |name: &'static str, default: BusinessDays| match var(name) {
            Some(v) => parse_days(name, v),
            None => Ok(default),
        };
        let rates = ShippingRates::default();
        let times = DeliveryTimes::default();
        let public_url = var("SHOP_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{}", SocketAddr::new(host, port)))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid(
                "SHOP_PUBLIC_URL",
                "an http:// or https:// address",
                public_url,
            ));
        }
        let store = StoreInfo {
            name: var("SHOP_NAME").unwrap_or_else(|| "Casefront".into()),
            public_url,
            support_email: var("SHOP_SUPPORT_EMAIL")
                .unwrap_or_else(|| "customer-care@example.com".into()),
            support_phone: var("SHOP_SUPPORT_PHONE").unwrap_or_else(|| "+1 000 000 0000".into()),
            shipping: ShippingRates {
                standard_fee: money("SHOP_STANDARD_SHIPPING", rates.standard_fee)?,
                free_standard_from: money("SHOP_FREE_SHIPPING_FROM", rates.free_standard_from)?,
                express_fee: money("SHOP_EXPRESS_SHIPPING", rates.express_fee)?,
            },
            delivery: DeliveryTimes {
                dispatch: days("SHOP_DISPATCH_DAYS", times.dispatch)?,
                standard: days("SHOP_STANDARD_DELIVERY_DAYS", times.standard)?,
                express: days("SHOP_EXPRESS_DELIVERY_DAYS", times.express)?,
            },
            // Both follow the payment providers (`ServerState::new`).
            test_payments: false,
            payment_methods: Default::default(),
            demo_codes: false,
            time_zone: {
                let zone = var("SHOP_TIME_ZONE").unwrap_or_else(|| "UTC".into());
                if app::calendar::zone::by_name(&zone).is_none() {
                    return Err(invalid(
                        "SHOP_TIME_ZONE",
                        "an IANA time zone such as Europe/Berlin or America/New_York",
                        zone,
                    ));
                }
                zone
            },
            calendar: Default::default(),
        };
        let demo_catalog = match var("SHOP_DEMO_CATALOG") {
            Some(v) => parse_bool("SHOP_DEMO_CATALOG", v)?,
            None => true,
        };
        let store = StoreInfo {
            demo_codes: demo_catalog,
            ..store
        };
        let demo_orders = match var("SHOP_DEMO_ORDERS") {
            Some(v) => parse_bool("SHOP_DEMO_ORDERS", v)?,
            None => false,
        };
        let mode = match var("SHOP_MODE").as_deref() {
            None | Some("development") => Mode::Development,
            Some("production") => Mode::Production,
            Some(other) => {
                return Err(invalid(
                    "SHOP_MODE",
                    "development or production",
                    other.into(),
                ))
            }
        };
        if demo_orders && mode == Mode::Production {
            return Err(invalid(
                "SHOP_DEMO_ORDERS",
                "false in production (made-up orders would mix with real ones)",
                "true".into(),
            ));
        }
        let payments = Payments::from_lookup(&var)?;
        let card_brands = match var("SHOP_CARD_BRANDS") {
            None => CardBrand::ALL.to_vec(),
            Some(list) => parse_brands(list)?,
        };
        if mode == Mode::Production && payments == Payments::Test {
            return Err(ConfigError::TestPaymentsInProduction);
        }
        let trusted_proxies = match var("SHOP_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => parse_networks("SHOP_TRUSTED_PROXIES", list)?,
        };
        let seconds = |name: &'static str, default: u64| match var(name) {
            None => Ok(Duration::from_secs(default)),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| *s > 0)
                .map(Duration::from_secs)
                .ok_or_else(|| invalid(name, "a number of seconds", v)),
        };
        let log_json = match var("LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => return Err(invalid("LOG_FORMAT", "text or json", other.into())),
        };
        let mail_from = var("SHOP_MAIL_FROM")
            .unwrap_or_else(|| format!("{} <{}>", store.name, store.support_email));
        let smtp_url = var("SMTP_URL");
        let megabytes = |name: &'static str, default: u64| match var(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|mb| (1..=1024).contains(mb))
                .map(|mb| mb * 1024 * 1024)
                .ok_or_else(|| invalid(name, "a number of megabytes from 1 to 1024", v)),
        };
        let default_limits = PhotoLimits::default();
        let photo_limits = PhotoLimits {
            per_file: megabytes("SHOP_PHOTO_MAX_MB", default_limits.per_file)?,
            per_claim: megabytes("SHOP_CLAIM_PHOTOS_MAX_MB", default_limits.per_claim)?,
        };
        let site_root = var("LEPTOS_SITE_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(default_site_root);
        Ok(Config {
            addr: SocketAddr::new(host, port),
            database_url,
            data_dir,
            store,
            demo_catalog,
            demo_orders,
            site_root,
            log_json,
            mode,
            payments,
            card_brands,
            trusted_proxies,
            header_timeout: seconds("SHOP_HEADER_TIMEOUT_SECS", 10)?,
            request_timeout: seconds("SHOP_REQUEST_TIMEOUT_SECS", 30)?,
            upload_timeout: seconds("SHOP_UPLOAD_TIMEOUT_SECS", 600)?,
            stop_timeout: seconds("SHOP_STOP_TIMEOUT_SECS", 10)?,
            mail_from,
            smtp_url,
            photo_bucket: var("SHOP_PHOTO_BUCKET"),
            photo_limits,
        })
    }
}

/// cargo-leptos builds the site into `<target>/site`, beside `<target>/release/server`.
fn default_site_root() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("site")))
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| PathBuf::from("target/site"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_run_on_sqlite_with_the_demo_catalog() {
        let c = config(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/shop.db");
        assert!(c.demo_catalog);
        assert!(!c.demo_orders);
        assert_eq!(c.store.support_email, "customer-care@example.com");
        assert_eq!(c.store.support_phone, "+1 000 000 0000");
        assert!(!c.log_json);
        assert_eq!(c.store.shipping, ShippingRates::default());
        assert_eq!(c.store.delivery, DeliveryTimes::default());
        assert_eq!(c.store.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.smtp_url, None);
        assert_eq!(c.mail_from, "Casefront <customer-care@example.com>");
    }

    #[test]
    fn the_public_address_and_mail_are_configurable() {
        let c = config(&[
            ("SHOP_PUBLIC_URL", "https://cases.example/"),
            ("SMTP_URL", "smtps://user:secret@mail.example"),
            ("SHOP_MAIL_FROM", "Orders <orders@cases.example>"),
        ])
        .unwrap();
        assert_eq!(c.store.public_url, "https://cases.example");
        assert_eq!(
            c.smtp_url.as_deref(),
            Some("smtps://user:secret@mail.example")
        );
        assert_eq!(c.mail_from, "Orders <orders@cases.example>");
        assert!(config(&[("SHOP_PUBLIC_URL", "cases.example")]).is_err());
    }

    #[test]
    fn shipping_terms_are_configurable() {
        let c = config(&[
            ("SHOP_STANDARD_SHIPPING", "4.50"),
            ("SHOP_FREE_SHIPPING_FROM", "40"),
            ("SHOP_EXPRESS_SHIPPING", "19.99"),
            ("SHOP_DISPATCH_DAYS", "0-1"),
            ("SHOP_EXPRESS_DELIVERY_DAYS", "2-4"),
        ])
        .unwrap();
        assert_eq!(c.store.shipping.standard_fee, Money::from_cents(450));
        assert_eq!(c.store.shipping.free_standard_from, Money::from_cents(4000));
        assert_eq!(c.store.shipping.express_fee, Money::from_cents(1999));
        assert_eq!(c.store.delivery.dispatch, BusinessDays { min: 0, max: 1 });
        assert_eq!(c.store.delivery.express, BusinessDays { min: 2, max: 4 });
        assert!(config(&[("SHOP_EXPRESS_SHIPPING", "-1")]).is_err());
        assert!(config(&[("SHOP_EXPRESS_SHIPPING", "free")]).is_err());
        assert!(config(&[("SHOP_DISPATCH_DAYS", "5-2")]).is_err());
        assert!(config(&[("SHOP_TIME_ZONE", "Mars/Olympus")]).is_err());
        let berlin = config(&[("SHOP_TIME_ZONE", "Europe/Berlin")]).unwrap();
        assert_eq!(berlin.store.time_zone, "Europe/Berlin");
    }

    #[test]
    fn variables_override_defaults() {
        let c = config(&[
            ("SHOP_HOST", "0.0.0.0"),
            ("SHOP_PORT", "8080"),
            ("SHOP_DATA_DIR", "/srv/shop"),
            ("SHOP_NAME", "Acme Cases"),
            ("SHOP_SUPPORT_EMAIL", "help@acme.test"),
            ("SHOP_DEMO_CATALOG", "false"),
            ("SHOP_DEMO_ORDERS", "yes"),
            ("LOG_FORMAT", "json"),
        ])
        .unwrap();
        assert_eq!(c.addr.to_string(), "0.0.0.0:8080");
        assert_eq!(c.database_url, "sqlite:///srv/shop/shop.db");
        assert_eq!(c.store.name, "Acme Cases");
        assert_eq!(c.store.support_email, "help@acme.test");
        assert!(!c.demo_catalog);
        assert!(c.demo_orders);
        assert!(c.log_json);
        let refused = config(&[("SHOP_MODE", "production"), ("SHOP_DEMO_ORDERS", "true")]);
        assert!(refused
            .unwrap_err()
            .to_string()
            .contains("SHOP_DEMO_ORDERS"));
        let pg = config(&[("DATABASE_URL", "postgres://shop@db/shop")]).unwrap();
        assert_eq!(pg.database_url, "postgres://shop@db/shop");
    }

    #[test]
    fn production_mode_refuses_the_test_gateway() {
        let dev = config(&[]).unwrap();
        assert_eq!(
            (dev.mode, dev.payments),
            (Mode::Development, Payments::Test)
        );
        let err = config(&[("SHOP_MODE", "production")]).unwrap_err();
        assert_eq!(err, ConfigError::TestPaymentsInProduction);
        assert!(err
            .to_string()
            .contains("refuses the test-mode payment gateway"));
        assert!(config(&[("SHOP_MODE", "prod")]).is_err());
        assert!(config(&[("SHOP_PAYMENTS", "paypal")]).is_err());
    }

    const STRIPE: [(&str, &str); 4] = [
        ("SHOP_PAYMENTS", "stripe"),
        ("STRIPE_SECRET_KEY", "sk_live_51abc"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_live_51abc"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
    ];

    #[test]
    fn production_mode_starts_with_stripe() {
        let mut vars = STRIPE.to_vec();
        vars.push(("SHOP_MODE", "production"));
        let c = config(&vars).unwrap();
        assert_eq!(c.mode, Mode::Production);
        let Payments::Real(real) = &c.payments else {
            panic!("not real: {:?}", c.payments);
        };
        let (Some(stripe), None) = (&real.stripe, &real.paypal) else {
            panic!("not Stripe alone: {real:?}");
        };
        assert!(!stripe.test_mode());
        assert_eq!(stripe.api_url, "https://api.stripe.com");
    }

    #[test]
    fn a_missing_stripe_setting_stops_start_up_naming_it_and_never_a_secret() {
        let vars: Vec<_> = STRIPE
            .iter()
            .copied()
            .filter(|(n, _)| *n != "STRIPE_WEBHOOK_SECRET")
            .collect();
        let err = config(&vars).unwrap_err().to_string();
        assert!(err.contains("STRIPE_WEBHOOK_SECRET"), "{err}");
        let mut vars = STRIPE.to_vec();
        vars[1].1 = "sk_live_has spaces";
        let err = config(&vars).unwrap_err().to_string();
        assert!(
            err.contains("STRIPE_SECRET_KEY") && !err.contains("has spaces"),
            "{err}"
        );
    }

    const PAYPAL: [(&str, &str); 3] = [
        ("PAYPAL_CLIENT_ID", "AbCdEf123"),
        ("PAYPAL_CLIENT_SECRET", "EFgh-456_secret"),
        ("PAYPAL_WEBHOOK_ID", "8PT597110X687430LKGECATA"),
    ];

    #[test]
    fn the_providers_are_a_list_and_production_takes_real_paypal() {
        let mut vars = STRIPE.to_vec();
        vars.extend(PAYPAL);
        vars[0].1 = " stripe, PayPal ";
        vars.push(("SHOP_MODE", "production"));
        let c = config(&vars).unwrap();
        let Payments::Real(real) = &c.payments else {
            panic!("not real: {:?}", c.payments);
        };
        let (Some(_), Some(paypal)) = (&real.stripe, &real.paypal) else {
            panic!("not Stripe and PayPal: {real:?}");
        };
        assert_eq!(paypal.api_url, "https://api-m.paypal.com");
        assert!(!paypal.test_mode());
        // PayPal alone, and nothing else, is a shop too.
        let mut alone = PAYPAL.to_vec();
        alone.push(("SHOP_PAYMENTS", "paypal"));
        assert!(matches!(
            config(&alone).unwrap().payments,
            Payments::Real(real) if real.stripe.is_none() && real.paypal.is_some()
        ));
        // A missing PayPal setting is named; its secret never shows.
        let missing: Vec<_> = alone
            .iter()
            .copied()
            .filter(|(n, _)| *n != "PAYPAL_WEBHOOK_ID")
            .collect();
        let err = config(&missing).unwrap_err().to_string();
        assert!(err.contains("PAYPAL_WEBHOOK_ID"), "{err}");
        let mut bad = alone.clone();
        bad[1].1 = "secret with spaces";
        let err = config(&bad).unwrap_err().to_string();
        assert!(
            err.contains("PAYPAL_CLIENT_SECRET") && !err.contains("spaces"),
            "{err}"
        );
        for list in ["test,paypal", "paypal,bitcoin", ""] {
            let mut vars = PAYPAL.to_vec();
            vars.push(("SHOP_PAYMENTS", list));
            assert!(config(&vars).is_err(), "{list}");
        }
    }

    #[test]
    fn accepted_card_brands_are_a_setting() {
        assert_eq!(config(&[]).unwrap().card_brands, CardBrand::ALL);
        let c = config(&[("SHOP_CARD_BRANDS", "Visa, amex")]).unwrap();
        assert_eq!(c.card_brands, [CardBrand::Visa, CardBrand::AmericanExpress]);
        assert!(config(&[("SHOP_CARD_BRANDS", "visa, discover")]).is_err());
        assert!(config(&[("SHOP_CARD_BRANDS", ",")]).is_err());
    }

    #[test]
    fn trusted_proxies_and_timeouts_are_settings() {
        let c = config(&[
            ("SHOP_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7,::1"),
            ("SHOP_HEADER_TIMEOUT_SECS", "5"),
        ])
        .unwrap();
        assert_eq!(c.trusted_proxies.len(), 3);
        assert!(c.trusted_proxies[1].contains(&"192.0.2.7".parse::<IpAddr>().unwrap()));
        assert_eq!(c.header_timeout, Duration::from_secs(5));
        assert_eq!(c.request_timeout, Duration::from_secs(30));
        assert_eq!(c.upload_timeout, Duration::from_secs(600));
        assert!(config(&[]).unwrap().trusted_proxies.is_empty());
        assert!(config(&[("SHOP_TRUSTED_PROXIES", "the load balancer")]).is_err());
        assert!(config(&[("SHOP_HEADER_TIMEOUT_SECS", "0")]).is_err());
    }

    #[test]
    fn bad_values_are_named_in_the_error() {
        let err = config(&[("SHOP_PORT", "eighty")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "SHOP_PORT must be a port number, not \"eighty\""
        );
        assert!(config(&[("SHOP_DEMO_CATALOG", "maybe")]).is_err());
        assert!(config(&[("LOG_FORMAT", "xml")]).is_err());
    }
}
