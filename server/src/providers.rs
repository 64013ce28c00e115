//! The one place the shop's payment providers are chosen, from its settings. Checkout,
//! settlement and refunds only see what they do (`app::payments::providers::Providers`).

use crate::config::Payments;
use app::db::Db;
use app::payments::providers::Providers;
use app::payments::test_gateway::TestGateway;
use std::sync::Arc;

pub fn from_settings(payments: Payments, db: &Db) -> Providers {
    match payments {
        Payments::Test => {
            let test = Arc::new(TestGateway::new(db.pool.clone()));
            Providers::new(Some(test.clone()), Some(test))
        }
    }
}
