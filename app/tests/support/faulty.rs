//! The test-mode gateway with one fault injected: a lost answer, an order closed while it
//! charges, an outage for one key.

#![allow(dead_code)]

use app::db::Db;
use app::money::Money;
use app::orders::repo as orders;
use app::payments::gateway::CardEntry;
use app::payments::gateway::{
    CardGateway, CardInput, CardSeen, ChargeOutcome, GatewayError, GatewayFuture, Provider,
    RedirectGateway, RefundOutcome, VoidReason,
};
use app::payments::paypal::order_request::OrderRequest;
use app::payments::providers::Providers;
use app::payments::test_gateway::TestGateway;
use app::shop::ServerState;
use std::sync::Arc;

/// What goes wrong with the provider in a test.
#[derive(Debug)]
pub enum Fault {
    /// It charges (or not), then the connection drops before the answer: as if the server
    /// stopped between charge and commit.
    LostAnswer { charged: bool },
    /// It is slow to charge: meanwhile the interrupted-checkout job (on this or another
    /// instance) closes the order as unpaid.
    OrderClosedWhileCharging(Db),
    /// It cannot answer about the payment for this key (an outage on its side).
    Unreachable(String),
}

/// The test-mode gateway with one fault.
#[derive(Debug)]
pub struct Faulty {
    inner: TestGateway,
    fault: Fault,
}

impl Faulty {
    /// `state`, paying through the test gateway with `fault`.
    pub fn shop(state: &ServerState, fault: Fault) -> ServerState {
        let inner = TestGateway::new(state.db.pool.clone());
        let faulty = Arc::new(Faulty { inner, fault });
        ServerState {
            payments: Providers::new(Some(faulty.clone()), Some(faulty)),
            ..state.clone()
        }
    }

    pub fn reachable(&self, key: &str) -> Result<(), GatewayError> {
        match &self.fault {
            Fault::Unreachable(broken) if broken == key => Err(GatewayError("timed out".into())),
            _ => Ok(()),
        }
    }
}

impl Provider for Faulty {
    fn test_mode(&self) -> bool {
        true
    }
    fn find_payment<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, Option<ChargeOutcome>> {
        Box::pin(async move {
            self.reachable(key)?;
            self.inner.find_payment(key).await
        })
    }
    fn refund<'a>(
        &'a self,
        payment_key: &'a str,
        refund_key: &'a str,
        amount: Money,
    ) -> GatewayFuture<'a, RefundOutcome> {
        Box::pin(async move {
            self.reachable(payment_key)?;
            self.inner.refund(payment_key, refund_key, amount).await
        })
    }
}

impl CardGateway for Faulty {
    fn entry(&self) -> CardEntry {
        self.inner.entry()
    }

    fn inspect<'a>(&'a self, card: CardInput<'a>) -> GatewayFuture<'a, Option<CardSeen>> {
        self.inner.inspect(card)
    }

    fn cancel<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ()> {
        self.inner.cancel(key)
    }

    fn charge<'a>(
        &'a self,
        key: &'a str,
        amount: Money,
        card: CardInput<'a>,
    ) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            match &self.fault {
                Fault::LostAnswer { charged } => {
                    if *charged {
                        self.inner.charge(key, amount, card).await?;
                    }
                    Err(GatewayError("connection reset".into()))
                }
                Fault::OrderClosedWhileCharging(db) => {
                    let mut conn = db.pool.acquire().await.unwrap();
                    let order = orders::find_by_number(&mut conn, key)
                        .await
                        .unwrap()
                        .unwrap();
                    drop(conn);
                    assert!(orders::fail_payment(&db.pool, order.id, "timed out", 0)
                        .await
                        .unwrap());
                    self.inner.charge(key, amount, card).await
                }
                Fault::Unreachable(_) => self.inner.charge(key, amount, card).await,
            }
        })
    }
}

impl RedirectGateway for Faulty {
    fn start<'a>(&'a self, order: &'a OrderRequest) -> GatewayFuture<'a, String> {
        self.inner.start(order)
    }
    fn capture<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            self.reachable(key)?;
            self.inner.capture(key).await
        })
    }
    fn void<'a>(&'a self, key: &'a str, why: VoidReason) -> GatewayFuture<'a, ()> {
        self.inner.void(key, why)
    }
}
