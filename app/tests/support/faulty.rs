//! The test-mode gateway with one fault injected: a lost answer, an order closed while it
//! charges, an outage for one key.

#![allow(dead_code)]

use app::db::Db;
use app::money::Money;
use app::orders::repo as orders;
use app::payments::gateway::{
    CardDetails, ChargeOutcome, GatewayError, GatewayFuture, PaymentGateway, RefundOutcome,
};
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
        let inner = state.test_gateway.clone().unwrap();
        ServerState {
            gateway: Arc::new(Faulty { inner, fault }),
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

impl PaymentGateway for Faulty {
    fn charge_card<'a>(
        &'a self,
        key: &'a str,
        amount: Money,
        card: &'a CardDetails,
    ) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            match &self.fault {
                Fault::LostAnswer { charged } => {
                    if *charged {
                        self.inner.charge_card(key, amount, card).await?;
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
                    self.inner.charge_card(key, amount, card).await
                }
                Fault::Unreachable(_) => self.inner.charge_card(key, amount, card).await,
            }
        })
    }
    fn start_paypal<'a>(&'a self, key: &'a str, amount: Money) -> GatewayFuture<'a, String> {
        self.inner.start_paypal(key, amount)
    }
    fn capture_paypal<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            self.reachable(key)?;
            self.inner.capture_paypal(key).await
        })
    }
    fn find_payment<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, Option<ChargeOutcome>> {
        Box::pin(async move {
            self.reachable(key)?;
            self.inner.find_payment(key).await
        })
    }
    fn void<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ()> {
        self.inner.void(key)
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
