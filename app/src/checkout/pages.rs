//! The checkout page: contact, address, shipping, payment, and the order summary with live
//! totals. Every field is checked here as the shopper types (after a first attempt) and again
//! by the server; nothing typed is lost on an error, a changed cart or a refused payment.

use super::address_fields::ContactAndAddress;
use super::api::{finish_card_payment, submit_order};
use super::draft::CheckoutDraft;
use super::fields::{bind, TextField};
use super::model::{validate_checkout, CartChange, CheckoutOutcome, CheckoutRequest, SeenPrices};
use crate::accounts::pages::AuthState;
use crate::address::{navigator, query_param};
use crate::cart::model::{CartNotice, CartRequest};
use crate::cart::pages::{
    CartGate, CartLines, CartPricing, CouponForm, OncePriced, PricingProblem, ShippingChoice,
    TotalsPanel,
};
use crate::cart::store::CartStore;
use crate::forms::submission_key as new_submission_key;
use crate::forms::FieldErrors;
use crate::islands::island_or_component;
use crate::page::{store_info, PageTitle};
use crate::payments::card::{card_brand, card_digits};
use crate::payments::gateway::CardEntry;
use crate::payments::gateway::{CardDetails, DeclineReason, PaymentChoice};
use crate::payments::providers::PaymentMethods;
use crate::payments::stripe_js::StripeCard;
use crate::payments::test_cards::TEST_CARDS;
use crate::pricing::shipping::Country;
use leptos::prelude::*;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    view! {
        <PageTitle text="Checkout" description="Check out securely: contact, shipping address, shipping method and payment by card or PayPal."/>
        <section class="page" aria-labelledby="checkout-title">
            <h1 id="checkout-title">"Checkout"</h1>
            <noscript><p class="notice notice--error">"Checkout needs JavaScript: your cart lives in this browser."</p></noscript>
            {island_or_component!(
                view! { <Suspense fallback=crate::page::Loading>{checkout_island}</Suspense> },
                view! { <CheckoutForApp/> },
            )}
        </section>
    }
}

/// The checkout on a page of the app's: the shop's terms and who is signed in are the app's.
#[component]
fn CheckoutForApp() -> impl IntoView {
    let auth = AuthState::expect();
    let signed_in = Signal::derive(move || auth.signed_in().map(|c| c.email));
    view! {
        <CartGate>
            <CheckoutView signed_in/>
        </CartGate>
    }
}

/// The checkout's island, once the shop's terms and who is signed in are known: an island sees
/// no context from the page around it, so they come with it.
#[cfg(feature = "ssr")]
fn checkout_island() -> Suspend<AnyView> {
    use crate::page::{ErrorNotice, StoreResource};
    let store = expect_context::<StoreResource>();
    let auth = AuthState::expect();
    Suspend::new(async move {
        match (store.await, auth.customer.await) {
            (Ok(store), Ok(customer)) => {
                let signed_in = crate::wire::Packed(customer.map(|c| c.email));
                view! { <CheckoutIsland store=crate::wire::Packed(store) signed_in/> }.into_any()
            }
            (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
        }
    })
}

/// The checkout on a page served as islands (`crate::islands`): the part of the page that runs
/// in the browser. `signed_in` is the signed-in shopper's e-mail.
#[cfg(any(feature = "ssr", not(feature = "split")))]
#[island(lazy)]
fn CheckoutIsland(
    store: crate::wire::Packed<crate::shop::StoreInfo>,
    signed_in: crate::wire::Packed<Option<String>>,
) -> impl IntoView {
    provide_context(store.0);
    let signed_in = Signal::stored(signed_in.0);
    view! {
        <CartGate>
            <CheckoutView signed_in/>
        </CartGate>
    }
}

/// Stripe.js, in the head of the checkout page when Stripe takes the cards, so no other page
/// fetches it; rendered by the server with the document, outside what the page hydrates.
pub fn card_provider_script() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let on_checkout = use_context::<axum::http::request::Parts>()
            .is_some_and(|parts| parts.uri.path() == super::model::CHECKOUT_PATH);
        let script = use_context::<crate::shop::ServerState>()
            .filter(|_| on_checkout)
            .and_then(|state| {
                let methods = state.store.payment_methods;
                methods.stripe().map(|(script, _)| script.to_owned())
            });
        let id = crate::payments::stripe_js::SCRIPT_ID;
        script.map(|script| view! { <script id=id src=script async></script> })
    }
}

fn focus_first_error() {
    request_animation_frame(|| {
        if let Some(field) = document()
            .query_selector(".checkout-form [aria-invalid=\"true\"]")
            .ok()
            .flatten()
        {
            use leptos::wasm_bindgen::JsCast;
            if let Ok(field) = field.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = field.focus();
            }
        }
    });
}

/// The year and month where the shopper is, against which a card's expiry is checked.
fn this_month() -> (i32, u8) {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::new_0();
        (now.get_full_year() as i32, now.get_month() as u8 + 1)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let today = time::OffsetDateTime::now_utc().date();
        (today.year(), u8::from(today.month()))
    }
}

/// The form and the order summary; `signed_in` is the signed-in shopper's e-mail.
#[component]
fn CheckoutView(signed_in: Signal<Option<String>>) -> impl IntoView {
    let store = CartStore::expect();
    let pricing = CartPricing::load();
    let CartPricing {
        items,
        coupon,
        quote,
        ..
    } = pricing;
    let navigate = navigator();
    let paypal_answer = query_param("payment");

    let draft = RwSignal::new(CheckoutDraft::default());
    let card = RwSignal::new(CardDetails::default());
    let errors = RwSignal::new(FieldErrors::default());
    let attempted = RwSignal::new(false);
    let paying = RwSignal::new(false);
    let changes = RwSignal::new(Vec::<CartChange>::new());
    let declined = RwSignal::new(None::<DeclineReason>);
    let failure = RwSignal::new(None::<String>);
    let key = RwSignal::new(String::new());
    let methods = move || store_info().map(|s| s.payment_methods).unwrap_or_default();
    // Stripe's card field, once Stripe.js has loaded, and its message about the card.
    let stripe = StoredValue::new_local(None::<StripeCard>);
    let card_error = RwSignal::new(None::<String>);
    let by_stripe = move || methods().stripe().is_some();

    // In the browser: restore what was typed, a fresh key, and PayPal's cancellation.
    let restored = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(saved) = CheckoutDraft::load() {
            draft.set(saved);
        }
        key.set(new_submission_key());
        // The PayPal page sends the shopper back with why nothing was charged.
        if let Some(reason) = paypal_answer().and_then(|code| DeclineReason::from_code(&code)) {
            declined.set(Some(reason));
        }
        restored.set(true);
    });
    Effect::new(move |_| {
        let current = draft.get();
        if restored.get() {
            current.save();
        }
    });
    // A signed-in shopper's address is filled in for them.
    Effect::new(move |_| {
        if let Some(email) = signed_in.get() {
            if restored.get() && draft.read_untracked().email.is_empty() {
                draft.update(|d| d.email = email);
            }
        }
    });

    let build_request = move || {
        let cart = store.cart.get_untracked();
        let d = draft.get_untracked();
        let mut address = d.address.clone();
        address.country = cart
            .country
            .clone()
            .unwrap_or_else(|| Country::UnitedStates.code().into());
        CheckoutRequest {
            idempotency_key: key.get_untracked(),
            email: d.email.clone(),
            address,
            cart: CartRequest::from(&cart),
            seen: SeenPrices {
                unit_prices: items
                    .get_untracked()
                    .into_values()
                    .map(|i| (i.sku, i.unit_price))
                    .collect(),
                total: quote.get_untracked().total,
            },
            payment: if pays_with_paypal(&d, methods()) {
                PaymentChoice::PayPal
            } else if by_stripe() {
                // Stripe's token is asked for when Pay is pressed.
                PaymentChoice::CardToken(String::new())
            } else {
                PaymentChoice::Card(card.get_untracked())
            },
        }
    };
    // What the shop's own checks say of the form; Stripe's field checks the card itself.
    let form_errors = move |request: &CheckoutRequest| {
        let mut found = validate_checkout(request, this_month())
            .err()
            .unwrap_or_default();
        if matches!(request.payment, PaymentChoice::CardToken(_)) {
            found.0.retain(|(field, _)| field != "card");
        }
        found
    };
    // After a first attempt, messages follow the shopper's corrections as they type.
    Effect::new(move |_| {
        draft.track();
        card.track();
        store.cart.track();
        if attempted.get() {
            errors.set(form_errors(&build_request()));
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if paying.get_untracked() || key.get_untracked().is_empty() {
            return;
        }
        attempted.set(true);
        let mut request = build_request();
        let found = form_errors(&request);
        if !found.is_empty() {
            errors.set(found);
            focus_first_error();
            return;
        }
        paying.set(true);
        failure.set(None);
        declined.set(None);
        changes.set(Vec::new());
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let stripe_card = stripe.get_value();
            if let PaymentChoice::CardToken(token) = &mut request.payment {
                let made = match &stripe_card {
                    Some(field) => field.token().await,
                    None => Err(
                        "The card field has not loaded yet: wait a moment, or reload the page."
                            .to_owned(),
                    ),
                };
                match made {
                    Ok(made) => *token = made,
                    Err(message) => {
                        card_error.set(Some(message));
                        paying.set(false);
                        return;
                    }
                }
            }
            let mut result = submit_order(request).await;
            // The card's bank asks the shopper to confirm: Stripe.js shows its challenge, then
            // the shop asks Stripe how it went.
            if let (
                Ok(CheckoutOutcome::AuthenticateCard {
                    number,
                    client_secret,
                }),
                Some(field),
            ) = (&result, &stripe_card)
            {
                let number = number.clone();
                let _ = field.confirm(client_secret).await;
                result = finish_card_payment(number).await;
            }
            paying.set(false);
            // Any definite answer ends this submission; a lost answer keeps the key, so
            // pressing Pay again finds the same order instead of paying twice.
            if result.is_ok() {
                key.set(new_submission_key());
            }
            match result {
                Ok(CheckoutOutcome::Placed { number }) => {
                    navigate(&format!("/orders/{number}?placed=1"));
                    store.update(|c| c.clear());
                }
                Ok(CheckoutOutcome::ApprovePayPal { url, .. }) => navigate(&url),
                Ok(CheckoutOutcome::AwaitingPayment { number }) => {
                    navigate(&format!("/orders/{number}"))
                }
                Ok(CheckoutOutcome::AuthenticateCard { .. }) => failure.set(Some(
                    "Your bank's confirmation could not be shown: reload the page and press Pay again. Nothing was charged.".into(),
                )),
                Ok(CheckoutOutcome::Invalid(found)) => {
                    errors.set(found);
                    focus_first_error();
                }
                Ok(CheckoutOutcome::CartChanged {
                    changes: found,
                    cart,
                }) => {
                    let mut notices = Vec::new();
                    store.update(|c| notices = c.reconcile(&cart.items_by_sku()));
                    // The list below says what changed, but it leaves with the last item:
                    // then the cart's own notices say it above the empty cart.
                    if store.cart.read_untracked().lines.is_empty() {
                        store.notify(notices);
                    }
                    changes.set(found);
                    pricing.priced.refetch();
                }
                Ok(CheckoutOutcome::CouponRefused(reason)) => {
                    store.update(|c| c.coupon = None);
                    store.notify([CartNotice::CouponDropped { reason }]);
                }
                Ok(CheckoutOutcome::PaymentFailed(failed)) => declined.set(Some(failed.reason)),
                Ok(CheckoutOutcome::CardPaymentsPaused { minutes }) => {
                    let instead = if methods().paypal { "pay with PayPal, " } else { "" };
                    failure.set(Some(format!(
                        "Card payments are paused for {minutes} minutes after several declined payments from this connection or for this e-mail address. Nothing was charged. You can {instead}try again later, or contact us."
                    )))
                }
                Err(error) => failure.set(Some(error.to_string())),
            }
        });
    };

    let by_paypal = move || pays_with_paypal(&draft.read(), methods());
    let pay_label = move || {
        if paying.get() {
            "Paying…".to_owned()
        } else if by_paypal() {
            format!("Continue to PayPal · {}", quote.read().total)
        } else {
            format!("Pay {}", quote.read().total)
        }
    };
    // Paying needs a destination the shop ships to and the shop's prices for this cart.
    let can_pay = move || {
        store.cart.read().destination().is_ok() && matches!(pricing.priced.get(), Some(Ok(_)))
    };

    view! {
        <OncePriced pricing>
            <PricingProblem pricing/>
            <div class="checkout-layout">
                <aside class="cart-summary checkout-summary" aria-label="Order summary">
                    <h2>"Order summary"</h2>
                    <CartLines items checkout=true/>
                    <p><a href="/cart">"Edit cart"</a></p>
                    <CouponForm coupon/>
                    <TotalsPanel quote/>
                </aside>
                // POST even before the page is interactive: card fields never travel in an address.
                <form class="checkout-form form" method="post" on:submit=on_submit.clone() novalidate aria-label="Checkout">
                    <ContactAndAddress draft errors signed_in/>
                    <div class="panel">
                        <ShippingChoice items coupon ask_destination=false/>
                    </div>
                    <PaymentFields draft card errors stripe card_error/>
                    <CartChanges changes/>
                    <PaymentDeclined declined/>
                    {move || failure.get().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
                    <button type="submit" class="button button--block" disabled=move || paying.get() || !can_pay()>{pay_label}</button>
                </form>
            </div>
        </OncePriced>
    }
}

/// Whether the form pays with PayPal: when chosen, or when it is the only way offered.
fn pays_with_paypal(draft: &CheckoutDraft, methods: PaymentMethods) -> bool {
    methods.paypal && (draft.pay_with_paypal || !methods.takes_cards())
}

/// The ways to pay the shop's providers offer (a choice only when there are two), and the card
/// fields when paying by card.
#[component]
fn PaymentFields(
    draft: RwSignal<CheckoutDraft>,
    card: RwSignal<CardDetails>,
    errors: RwSignal<FieldErrors>,
    stripe: StoredValue<Option<StripeCard>, LocalStorage>,
    card_error: RwSignal<Option<String>>,
) -> impl IntoView {
    let methods = move || store_info().map(|s| s.payment_methods).unwrap_or_default();
    let test_payments = move || store_info().is_some_and(|s| s.test_payments);
    let brands = move || methods().brands_in_words();
    let by_paypal = move || pays_with_paypal(&draft.read(), methods());
    let (number, set_number) = bind(card, |c| &mut c.number);
    let (expiry, set_expiry) = bind(card, |c| &mut c.expiry);
    let (cvc, set_cvc) = bind(card, |c| &mut c.cvc);
    let brand = move || {
        card_digits(&card.read().number)
            .ok()
            .and_then(|d| card_brand(&d))
            .map(|b| b.to_string())
    };
    let card_privacy = move || {
        let provider = if test_payments() {
            "the shop's test-mode payment gateway, which charges nothing"
        } else {
            "the payment provider"
        };
        format!("Card details go over an encrypted connection to this shop's server, which passes them to {provider}. The shop keeps only the card brand and last four digits.")
    };
    view! {
        <fieldset class="panel">
            <legend>"Payment"</legend>
            <Show when=move || { let m = methods(); m.takes_cards() && m.paypal }
                fallback=move || by_paypal().then(|| view! { <p class="note">"You pay with PayPal: you approve the payment on PayPal's page."</p> })>
                <div class="methods" role="radiogroup" aria-label="Payment method">
                    <label class="method" for="pay-card">
                        <input type="radio" id="pay-card" name="payment-method" value="card"
                            prop:checked=move || !by_paypal()
                            on:change=move |_| draft.update(|d| d.pay_with_paypal = false)/>
                        <span class="method__name">"Card"</span>
                        <span class="method__eta">{brands}</span>
                    </label>
                    <label class="method" for="pay-paypal">
                        <input type="radio" id="pay-paypal" name="payment-method" value="paypal"
                            prop:checked=by_paypal
                            on:change=move |_| draft.update(|d| d.pay_with_paypal = true)/>
                        <span class="method__name">"PayPal"</span>
                        <span class="method__eta">"You approve the payment on PayPal's page"</span>
                    </label>
                </div>
            </Show>
            <Show when=move || !by_paypal() && methods().stripe().is_some()>
                <StripeField stripe card_error errors/>
            </Show>
            <Show when=move || !by_paypal() && methods().card == Some(CardEntry::Typed)>
                <TextField name="card_number" label="Card number" autocomplete="cc-number" inputmode="numeric" value=number on_input=set_number errors/>
                <p class="note" aria-live="polite">{move || brand().map(|b| format!("{b} card"))}</p>
                <div class="field-row">
                    <TextField name="card_expiry" label="Expiry (MM/YY)" autocomplete="cc-exp" inputmode="numeric" placeholder="MM/YY" value=expiry on_input=set_expiry errors/>
                    <TextField name="card_cvc" label="Security code" autocomplete="cc-csc" inputmode="numeric" value=cvc on_input=set_cvc errors/>
                </div>
                <Show when=test_payments>
                    <details class="note">
                        <summary>"Test mode: cards to try"</summary>
                        <ul>
                            {TEST_CARDS.iter().map(|(number, outcome)| {
                                let what = outcome.map_or("succeeds", DeclineReason::code);
                                view! { <li><code>{*number}</code>" – "{what}</li> }
                            }).collect_view()}
                        </ul>
                        <p>"Use any future expiry date and any security code."</p>
                    </details>
                </Show>
                <p class="note" data-testid="card-privacy">{card_privacy}</p>
            </Show>
        </fieldset>
    }
}

/// Stripe's own card field: the card number goes from it to Stripe, never to the shop. Its
/// messages (and the shop's, such as a brand it does not take) show beside it.
#[component]
fn StripeField(
    stripe: StoredValue<Option<StripeCard>, LocalStorage>,
    card_error: RwSignal<Option<String>>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let holder = NodeRef::<leptos::html::Div>::new();
    let key = move || {
        store_info().and_then(|s| s.payment_methods.stripe().map(|(_, key)| key.to_owned()))
    };
    let test_mode = move || store_info().is_some_and(|s| s.test_payments);
    Effect::new(move |_| {
        let (Some(div), Some(key)) = (holder.get(), key()) else {
            return;
        };
        StripeCard::when_loaded(move || {
            if stripe.with_value(Option::is_none) {
                let Some(field) = StripeCard::create(&key) else {
                    card_error.set(Some("Card payments are not available right now: reload the page, or try again later.".into()));
                    return;
                };
                field.on_change(move |message| card_error.set(message));
                stripe.set_value(Some(field));
            }
            stripe.with_value(|field| {
                if let Some(field) = field {
                    field.mount(&div);
                }
            });
        });
    });
    let message = move || card_error.get().or_else(|| errors.read().get("card"));
    view! {
        <div class="field">
            <p class="label" id="checkout-card-label">"Card"</p>
            <div class="stripe-card" id="checkout-card" node_ref=holder role="group"
                aria-labelledby="checkout-card-label" aria-describedby="checkout-card-error"></div>
            <p class="field-error" id="checkout-card-error" role="alert">{message}</p>
        </div>
        <Show when=test_mode>
            <p class="note">"Stripe test mode: use 4242 4242 4242 4242 with any future date and any security code."</p>
        </Show>
        <p class="note" data-testid="card-privacy">"Your card details go straight to Stripe, our payment provider, over an encrypted connection: this shop never sees the card number. It keeps only the card brand and last four digits."</p>
    }
}

/// What changed in the cart on the shop's side since the shopper looked; nothing was charged.
#[component]
fn CartChanges(changes: RwSignal<Vec<CartChange>>) -> impl IntoView {
    view! {
        <Show when=move || !changes.read().is_empty()>
            <div class="notice notice--info" role="alert" data-testid="cart-changes">
                <p><strong>"Your cart changed before payment, so nothing was charged:"</strong></p>
                <ul>{move || changes.get().into_iter().map(|c| view! { <li>{c.to_string()}</li> }).collect_view()}</ul>
                <p>"Check your order summary, then press Pay again."</p>
            </div>
        </Show>
    }
}

/// A refused payment, with the reason and what to do next.
#[component]
fn PaymentDeclined(declined: RwSignal<Option<DeclineReason>>) -> impl IntoView {
    let support = move || store_info().map(|s| s.support_email).unwrap_or_default();
    let paypal_offered = move || store_info().is_some_and(|s| s.payment_methods.paypal);
    move || {
        declined.get().map(|reason| {
            let paypal = match reason {
                DeclineReason::PayPalCancelled => Some("You cancelled the PayPal payment"),
                DeclineReason::PayPalExpired => {
                    Some("Your PayPal approval came after this checkout had timed out")
                }
                _ => None,
            };
            if let Some(what) = paypal {
                return view! {
                    <div class="notice notice--info" role="alert" data-testid="payment-error">
                        <p>{what}", so nothing was charged. Your cart and details are still here: pay with PayPal again or with a card."</p>
                    </div>
                }
                .into_any();
            }
            let message = reason.to_string();
            view! {
                <div class="notice notice--error" role="alert" data-testid="payment-error">
                    <p><strong>"Payment failed: "</strong>{message.clone()}</p>
                    <p>"Nothing was charged and your cart and details are kept. What to do:"</p>
                    <ol>
                        <li>"Check the card details: number, expiry date and security code."</li>
                        <li>{move || if paypal_offered() { "Try another card, or pay with PayPal." } else { "Try another card." }}</li>
                        <li>"Contact your card issuer, quoting this message: “"{message.clone()}"”."</li>
                        <li>"If it still fails, contact us at "<a href=move || format!("mailto:{}", support())>{support}</a>" with the same message."</li>
                    </ol>
                </div>
            }
            .into_any()
        })
    }
}
