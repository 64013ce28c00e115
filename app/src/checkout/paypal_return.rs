//! Where PayPal sends the shopper back (`/checkout/paypal/{number}`): the shop asks PayPal what
//! happened, then opens the placed order, or returns to the checkout saying why nothing was
//! charged, with everything typed still there.

use super::api::return_from_paypal;
use super::model::CheckoutOutcome;
use crate::cart::store::CartStore;
use crate::page::{store_info, when_loaded, Loading, PageTitle};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn PayPalReturnPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let answer = move || {
        let number = params.read().get("number").unwrap_or_default();
        let cancelled = query.read().get("cancelled").as_deref() == Some("1");
        (number, cancelled)
    };
    let outcome = wire::resource(answer, |(number, cancelled)| {
        return_from_paypal(number, cancelled)
    });

    view! {
        <PageTitle text="Back from PayPal"/>
        <section class="page narrow" aria-labelledby="paypal-return-title">
            <h1 id="paypal-return-title">"Back from PayPal"</h1>
            <Suspense fallback=Loading>
                {when_loaded(outcome, |outcome| view! { <Returned outcome/> })}
            </Suspense>
        </section>
    }
}

/// Where the shopper goes from here, and the same as a link for a browser without scripts.
fn next_page(outcome: &CheckoutOutcome) -> String {
    match outcome {
        CheckoutOutcome::Placed { number } => format!("/orders/{number}?placed=1"),
        CheckoutOutcome::PaymentFailed(failed) => {
            format!("/checkout?payment={}", failed.reason.code())
        }
        CheckoutOutcome::AwaitingPayment { number } => format!("/orders/{number}"),
        // The funding they chose was declined: PayPal's page, to choose another way to pay.
        CheckoutOutcome::ApprovePayPal { url, .. } => url.clone(),
        _ => "/checkout".to_owned(),
    }
}

#[component]
fn Returned(outcome: CheckoutOutcome) -> impl IntoView {
    let next = next_page(&outcome);
    let waiting = matches!(outcome, CheckoutOutcome::AwaitingPayment { .. });
    let placed = matches!(outcome, CheckoutOutcome::Placed { .. });
    let again = matches!(outcome, CheckoutOutcome::ApprovePayPal { .. });
    if !waiting {
        let store = CartStore::expect();
        let navigate = use_navigate();
        let next = next.clone();
        // The checkout with Stripe loads Stripe.js in its page's head, under a policy of its
        // own: going back there takes a whole page. Anywhere else the router goes (PayPal's
        // own page, on another site, is a whole page anyway).
        let stripe = store_info().is_some_and(|s| s.payment_methods.stripe().is_some());
        Effect::new(move |_| {
            if placed {
                store.update(|c| c.clear());
            }
            if stripe && !placed {
                let _ = window().location().replace(&next);
            } else {
                let replace = NavigateOptions {
                    replace: true,
                    ..Default::default()
                };
                navigate(&next, replace);
            }
        });
    }
    let message = if waiting {
        "PayPal has not confirmed your payment yet. Your order is held while PayPal decides, and we e-mail you as soon as it is paid."
    } else if placed {
        "Your payment is confirmed. Opening your order…"
    } else if again {
        "PayPal could not take the payment the way you chose, and nothing was charged. Taking you back to PayPal to choose another way to pay…"
    } else {
        "Nothing was charged. Taking you back to the checkout…"
    };
    view! {
        <p role="status">{message}</p>
        <p><a href=next rel=again.then_some("external")>{if waiting { "See your order" } else { "Continue" }}</a></p>
    }
}
