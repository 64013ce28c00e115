//! The test-mode gateway's PayPal page: where the shopper approves or cancels a PayPal
//! payment, as they would on PayPal's own site. The shop then completes or releases the order.

use crate::cart::store::CartStore;
use crate::checkout::api::{paypal_decision, paypal_payment};
use crate::checkout::model::CheckoutOutcome;
use crate::page::{when_loaded, Loading, PageTitle};
use crate::payments::gateway::DeclineReason;
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn PayPalApprovalPage() -> impl IntoView {
    let params = use_params_map();
    let reference = move || params.read().get("reference").unwrap_or_default();
    let payment = wire::resource(reference, paypal_payment);
    let store = CartStore::expect();
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
                Ok(CheckoutOutcome::Placed { number }) => {
                    navigate(&format!("/orders/{number}?placed=1"), Default::default());
                    store.update(|c| c.clear());
                }
                Ok(outcome) => {
                    // Back to the form, which says why nothing was charged.
                    let reason = match outcome {
                        CheckoutOutcome::PaymentFailed(failed) => failed.reason,
                        _ => DeclineReason::PayPalCancelled,
                    };
                    navigate(
                        &format!("/checkout?payment={}", reason.code()),
                        Default::default(),
                    );
                }
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
