//! The one place the shop's payment providers are chosen, from its settings. Checkout,
//! settlement and refunds only see what they do (`app::payments::providers::Providers`).

use crate::config::Payments;
use app::db::Db;
use app::payments::card::CardBrand;
use app::payments::gateway::GatewayError;
use app::payments::paypal::gateway::PayPalGateway;
use app::payments::providers::Providers;
use app::payments::stripe::gateway::StripeGateway;
use app::payments::test_gateway::TestGateway;
use std::sync::Arc;

/// The providers for `payments`, taking cards of `brands`.
pub fn from_settings(
    payments: &Payments,
    brands: Vec<CardBrand>,
    db: &Db,
) -> Result<Providers, GatewayError> {
    let providers = match payments {
        Payments::Test => {
            let test = Arc::new(TestGateway::new(db.pool.clone()));
            Providers::new(Some(test.clone()), Some(test))
        }
        Payments::Real(real) => {
            let providers = match &real.stripe {
                Some(settings) => {
                    let stripe = StripeGateway::new(settings.clone(), db.pool.clone())?;
                    Providers::stripe(Arc::new(stripe), None)
                }
                None => Providers::new(None, None),
            };
            match &real.paypal {
                Some(settings) => providers.with_paypal(Arc::new(PayPalGateway::new(
                    settings.clone(),
                    db.pool.clone(),
                )?)),
                None => providers,
            }
        }
    };
    Ok(providers.accepting(brands))
}
