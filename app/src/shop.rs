//! The shop itself: its name and contact details, and (on the server) the state every server
//! function reaches through the Leptos context.

use crate::error::AppError;
use crate::pricing::delivery::DeliveryTimes;
use crate::pricing::shipping::ShippingRates;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who the shop is, how shoppers reach support (shown on every page and every help page),
/// and the shipping terms the cart prices with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    pub name: String,
    /// The shop's public address, without a trailing slash, for links in e-mail.
    pub public_url: String,
    pub support_email: String,
    pub support_phone: String,
    pub shipping: ShippingRates,
    pub delivery: DeliveryTimes,
    /// A payment provider runs in test mode: nothing is really charged, and every page says so.
    pub test_payments: bool,
    /// The ways to pay the checkout offers, as the configured providers allow.
    pub payment_methods: crate::payments::providers::PaymentMethods,
    /// The demo catalog (and its promo codes) is loaded: the home page offers the codes to try.
    pub demo_codes: bool,
    /// The shop's IANA time zone (`SHOP_TIME_ZONE`): its business days are days there.
    pub time_zone: String,
    /// The holidays and today's offset, as of this answer (filled in by `get_store_info`).
    pub calendar: crate::calendar::ShopCalendar,
}

impl StoreInfo {
    /// A shop with the policy's default terms, for unit tests.
    #[cfg(test)]
    pub fn for_tests() -> StoreInfo {
        StoreInfo {
            name: "Test Cases".into(),
            public_url: "https://shop.test".into(),
            support_email: "care@shop.test".into(),
            support_phone: "+1 555 0100".into(),
            shipping: Default::default(),
            delivery: Default::default(),
            test_payments: true,
            payment_methods: crate::payments::providers::PaymentMethods {
                card: Some(crate::payments::gateway::CardEntry::Typed),
                paypal: true,
                brands: crate::payments::card::CardBrand::ALL.to_vec(),
            },
            demo_codes: false,
            time_zone: "UTC".into(),
            calendar: Default::default(),
        }
    }

    /// Served over HTTPS: cookies are then `Secure` (and `__Host-` prefixed).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// How shoppers reach support, as letters end.
    pub fn support_contact(&self) -> crate::mail::SupportContact<'_> {
        crate::mail::SupportContact {
            email: &self.support_email,
            phone: &self.support_phone,
        }
    }
}

/// What the server provides to every request: the database and the shop's settings.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct ServerState {
    pub db: crate::db::Db,
    pub store: StoreInfo,
    /// Mark cookies `Secure`: the shop's public address is HTTPS.
    pub secure_cookies: bool,
    /// The payment providers checkout, settlement and refunds go through.
    pub payments: crate::payments::providers::Providers,
    pub mailer: crate::mail::Mailer,
    /// What the catalog pages show, read at most once every couple of seconds.
    pub catalog_cache: std::sync::Arc<crate::catalog::cache::CatalogCache>,
    /// Where warranty photos are kept, and the limits uploads follow.
    pub photos: crate::photos::storage::PhotoStore,
    /// What time server functions take it to be.
    pub clock: crate::clock::Clock,
    /// The shop's zone and holidays, read at most once a minute.
    pub calendar: std::sync::Arc<crate::calendar::cache::CalendarCache>,
}

#[cfg(feature = "ssr")]
impl ServerState {
    /// The shop's terms with its calendar as of now: every business-day rule counts with it.
    pub async fn store_now(&self) -> Result<StoreInfo, sqlx::Error> {
        let calendar = self
            .calendar
            .current(&self.db.pool, self.clock.unix())
            .await?;
        Ok(StoreInfo {
            calendar,
            ..self.store.clone()
        })
    }

    /// The shop as started: what the store page says about payments follows the providers.
    pub fn new(
        db: crate::db::Db,
        store: StoreInfo,
        mailer: crate::mail::Mailer,
        photos: crate::photos::storage::PhotoStore,
        payments: crate::payments::providers::Providers,
    ) -> ServerState {
        let zone =
            crate::calendar::zone::by_name(&store.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        ServerState {
            db,
            secure_cookies: store.is_https(),
            store: StoreInfo {
                test_payments: payments.test_mode(),
                payment_methods: payments.methods(),
                ..store
            },
            payments,
            mailer,
            catalog_cache: Default::default(),
            photos,
            clock: Default::default(),
            calendar: std::sync::Arc::new(crate::calendar::cache::CalendarCache::new(zone)),
        }
    }
}

/// The server state of the current request.
#[cfg(feature = "ssr")]
pub fn server_state() -> Result<ServerState, AppError> {
    use_context::<ServerState>().ok_or_else(|| {
        tracing::error!("ServerState missing from the request context");
        AppError::Unavailable
    })
}

#[server(output = Postcard)]
pub async fn get_store_info() -> Result<StoreInfo, AppError> {
    Ok(server_state()?.store_now().await?)
}
