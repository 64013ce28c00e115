//! The test-mode gateway's PayPal page: where the shopper approves or cancels a PayPal
//! payment, as they would on PayPal's own site. Like PayPal, it then sends the shopper back to
//! the addresses the shop gave, where the shop takes the payment or releases the order.

use crate::error::AppError;
use crate::money::Money;
use crate::page::{when_loaded, Loading, PageTitle};
use crate::wire::{self, Postcard};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde::{Deserialize, Serialize};

/// A PayPal payment as its approval page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPalPayment {
    pub shop: String,
    pub amount: Money,
    pub waiting: bool,
}

/// The test gateway's ledger, while the shop's PayPal provider is the test one: this page
/// stands in for PayPal's site and for nothing else.
#[cfg(feature = "ssr")]
fn ledger(
    state: &crate::shop::ServerState,
) -> Result<crate::payments::test_gateway::TestGateway, AppError> {
    match state.payments.paypal() {
        Ok(paypal) if paypal.test_mode() => Ok(crate::payments::test_gateway::TestGateway::new(
            state.db.pool.clone(),
        )),
        _ => Err(AppError::NotFound),
    }
}

#[server(output = Postcard)]
pub async fn paypal_payment(reference: String) -> Result<PayPalPayment, AppError> {
    let state = crate::shop::server_state()?;
    let approval = ledger(&state)?
        .approval(&reference)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PayPalPayment {
        shop: state.store.name.clone(),
        amount: approval.amount,
        waiting: approval.waiting,
    })
}

/// Records the shopper's answer; returns the shop's address to send them back to.
#[server(output = Postcard)]
pub async fn paypal_decision(reference: String, approve: bool) -> Result<String, AppError> {
    let state = crate::shop::server_state()?;
    ledger(&state)?
        .decide(&reference, approve)
        .await?
        .ok_or(AppError::NotFound)
}

#[component]
pub fn PayPalApprovalPage() -> impl IntoView {
    let params = use_params_map();
    let reference = move || params.read().get("reference").unwrap_or_default();
    let payment = wire::resource(reference, paypal_payment);
    let navigate = use_navigate();
    let deciding = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);

    let decide = move |approve: bool| {
        deciding.set(true);
        failure.set(None);
        let navigate = navigate.clone();
        let reference = reference();
        leptos::task::spawn_local(async move {
            match paypal_decision(reference, approve).await {
                Ok(back) => navigate(&back, Default::default()),
                Err(error) => {
                    failure.set(Some(error.to_string()));
                    deciding.set(false);
                }
            }
        });
    };
    let decide = StoredValue::new(decide);

    view! {
        <PageTitle text="PayPal"/>
        <section class="page narrow paypal" aria-labelledby="paypal-title">
            <p class="paypal__mode">"PayPal · test mode"</p>
            <h1 id="paypal-title">"Approve your payment"</h1>
            <Suspense fallback=Loading>
                {when_loaded(payment, move |payment| {
                    if !payment.waiting {
                        return view! { <p>"This payment has already been answered. "<a href="/checkout">"Back to checkout"</a></p> }.into_any();
                    }
                    view! {
                        <div class="panel">
                            <p>"Pay "<strong>{payment.shop.clone()}</strong></p>
                            <p class="paypal__amount" data-testid="paypal-amount">{payment.amount.to_string()}</p>
                            <div class="paypal__actions">
                                <button type="button" class="button" disabled=move || deciding.get()
                                    on:click=move |_| decide.with_value(|d| d(true))>"Approve and pay"</button>
                                <button type="button" class="button button--ghost" disabled=move || deciding.get()
                                    on:click=move |_| decide.with_value(|d| d(false))>"Cancel and return to the shop"</button>
                            </div>
                            {move || failure.get().map(|f| view! { <p class="notice notice--error" role="alert">{f}</p> })}
                        </div>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
