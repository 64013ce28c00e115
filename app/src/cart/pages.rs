//! The cart and checkout pages, and the totals panel both share.
//!
//! Item prices and the promo code's offer come from the server once per change of items or
//! code; every total after that is computed here, instantly, by the shared pricing rules.

use super::api::{apply_coupon, cart_prices};
use super::model::{CartItem, CartNotice, CartRequest, PricedCart};
use super::store::CartStore;
use crate::calendar::describe as describe_holiday;
use crate::error::AppError;
use crate::islands::island_or_component;
use crate::money::Money;
use crate::page::{store_info, with_store_info, Loading, PageTitle};
use crate::pricing::coupon::Coupon;
use crate::pricing::quote::{CouponOutcome, Quote};
use crate::pricing::shipping::{Country, ShippingMethod};
use crate::shop::StoreInfo;
use leptos::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// The value of the country picker's "somewhere else" choice.
const OTHER_COUNTRY: &str = "other";

#[component]
pub fn CartPage() -> impl IntoView {
    view! {
        <PageTitle text="Your cart" description="Your cart: items, promo code, shipping options and delivery estimates, with the total before you check out."/>
        <section class="page" aria-labelledby="cart-title">
            <h1 id="cart-title">"Your cart"</h1>
            <Suspense fallback=Loading>
                {with_store_info(|store| {
                    island_or_component!(
                        view! { <CartViewIsland store=crate::wire::Packed(store)/> },
                        view! { <CartView store/> },
                    )
                })}
            </Suspense>
        </section>
    }
}

/// The cart on a page served as islands: the part of the page that runs in the browser. The
/// shop's terms come with it, since an island sees no context from the page around it.
#[cfg(any(feature = "ssr", not(feature = "split")))]
#[island(lazy)]
fn CartViewIsland(store: crate::wire::Packed<StoreInfo>) -> impl IntoView {
    view! { <CartView store=store.0/> }
}

/// The cart itself, priced with the shop's terms.
#[component]
fn CartView(store: StoreInfo) -> impl IntoView {
    provide_context(store);
    view! {
        <CartGate>
            <PricedCartView/>
        </CartGate>
    }
}

/// What the shop changed in the cart, with a way to dismiss it, once `hydrated`: a repaired
/// cart's notice may be there before the page's cart hydrates.
#[component]
fn CartNotices(hydrated: RwSignal<bool>) -> impl IntoView {
    let store = CartStore::expect();
    view! {
        <Show when=move || hydrated.get() && !store.notices.read().is_empty()>
            <div class="notice notice--info" role="status">
                <ul>
                    {move || store.notices.get().into_iter().map(|n| view! { <li>{n.to_string()}</li> }).collect_view()}
                </ul>
                <button type="button" class="button button--small button--ghost" on:click=move |_| store.notices.set(Vec::new())>
                    "Dismiss"
                </button>
            </div>
        </Show>
    }
}

/// Shows `children` once the saved cart is loaded and has something in it; until then a
/// placeholder, and for an empty cart a way back to the shop.
#[component]
pub(crate) fn CartGate(children: ChildrenFn) -> impl IntoView {
    let store = CartStore::expect();
    let children = StoredValue::new(children);
    // The page hydrates the placeholder it was rendered with. The cart may already be loaded
    // when the page's code arrives after the header's (a split page such as the checkout, or
    // the cart's lazy island); the gate opens once this page's own hydration is done.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // The gate is at least a screen tall, loading or loaded, so the footer never moves into
    // view when the browser's cart replaces the placeholder: no layout shift.
    view! {
        <div class="cart-gate">
            <CartNotices hydrated/>
            <Show
                when=move || hydrated.get() && store.loaded.get()
                fallback=CartPlaceholder
            >
                <Show
                    when=move || !store.cart.read().lines.is_empty()
                    fallback=|| view! {
                        <div class="empty">
                            <p>"Your cart is empty."</p>
                            <p><a class="button" href="/shop">"Browse products"</a></p>
                        </div>
                    }
                >
                    {children.with_value(|c| c())}
                </Show>
            </Show>
        </div>
    }
}

/// Where the cart will be, while it loads.
#[component]
fn CartPlaceholder() -> impl IntoView {
    view! { <p class="loading cart-placeholder" role="status">"Loading your cart…"</p> }
}

/// `children` once the shop has priced the cart, or said why it could not. Until then the
/// placeholder stays: drawn before, each line would grow when its picture and price arrive,
/// and move everything below it.
#[component]
pub(crate) fn OncePriced(pricing: CartPricing, children: ChildrenFn) -> impl IntoView {
    let children = StoredValue::new(children);
    view! {
        <Show when=move || pricing.answered() fallback=CartPlaceholder>
            {children.with_value(|c| c())}
        </Show>
    }
}

/// The cart priced: item prices and the code's offer come from the server once per change of
/// items or code; every total after that is computed here by the shared rules.
#[derive(Clone, Copy)]
pub struct CartPricing {
    pub priced: LocalResource<Result<PricedCart, AppError>>,
    pub items: Memo<HashMap<String, CartItem>>,
    pub coupon: Memo<Option<Coupon>>,
    pub quote: Memo<Quote>,
}

impl CartPricing {
    pub fn load() -> CartPricing {
        let store = CartStore::expect();
        let pricing_key = Memo::new(move |_| {
            let cart = store.cart.read();
            let skus: BTreeSet<String> = cart.lines.iter().map(|l| l.sku.clone()).collect();
            (skus, cart.coupon.clone())
        });
        let priced = LocalResource::new(move || {
            pricing_key.track();
            let request = CartRequest::from(&*store.cart.read_untracked());
            cart_prices(request)
        });
        let server_cart = move || priced.get().and_then(Result::ok);

        // Bring the cart in line with what the server says can be sold.
        Effect::new(move |_| {
            let Some(priced) = server_cart() else { return };
            let mut cart = store.cart.get_untracked();
            let mut notices = cart.reconcile(&priced.items_by_sku());
            if let Some(Err(reason)) = &priced.coupon {
                cart.coupon = None;
                notices.push(CartNotice::CouponDropped {
                    reason: reason.clone(),
                });
            }
            // Every change comes with a notice: with none, the cart stays as it is (and unsaved).
            if !notices.is_empty() {
                store.update(|c| *c = cart);
                store.notify(notices);
            }
        });

        let items = Memo::new(move |_| server_cart().map(|p| p.items_by_sku()).unwrap_or_default());
        let coupon = Memo::new(move |_| {
            server_cart().and_then(|p: PricedCart| p.coupon.and_then(Result::ok))
        });
        let quote = Memo::new(move |_| {
            let rates = store_info().map(|s| s.shipping).unwrap_or_default();
            store
                .cart
                .read()
                .quote(&items.read(), coupon.read().as_ref(), &rates)
        });
        CartPricing {
            priced,
            items,
            coupon,
            quote,
        }
    }

    /// Whether the shop has answered once. A new answer replaces the last only when it
    /// arrives, so this stays true while the cart is priced again.
    pub fn answered(&self) -> bool {
        self.priced.read().is_some()
    }

    /// Why the cart could not be priced, if it could not.
    pub fn load_error(&self) -> Option<AppError> {
        self.priced.get().and_then(Result::err)
    }
}

/// Why the cart could not be priced, when it could not.
#[component]
pub(crate) fn PricingProblem(pricing: CartPricing) -> impl IntoView {
    move || {
        pricing.load_error().map(
            |error| view! { <p class="notice notice--error" role="alert">{error.to_string()}</p> },
        )
    }
}

#[component]
fn PricedCartView() -> impl IntoView {
    let store = CartStore::expect();
    let pricing = CartPricing::load();
    let CartPricing {
        items,
        coupon,
        quote,
        ..
    } = pricing;
    view! {
        <OncePriced pricing>
            <PricingProblem pricing/>
            <div class="cart-layout">
                <CartLines items checkout=false/>
                <aside class="cart-summary" aria-label="Order summary">
                    <CouponForm coupon/>
                    <ShippingChoice items coupon/>
                    <TotalsPanel quote/>
                    <Show when=move || store.cart.read().destination().is_ok()>
                        <p><a class="button button--block" href="/checkout">"Go to checkout"</a></p>
                    </Show>
                </aside>
            </div>
        </OncePriced>
    }
}

#[component]
pub(crate) fn CartLines(items: Memo<HashMap<String, CartItem>>, checkout: bool) -> impl IntoView {
    let store = CartStore::expect();
    let lines = move || store.cart.get().lines;
    view! {
        <div class="cart-lines">
            <ul class="lines" aria-label="Items in your cart">
                <For each=lines key=|l| (l.sku.clone(), l.quantity) let(line)>
                    {
                        let sku = line.sku.clone();
                        let item = move || items.read().get(&sku).cloned();
                        let sku = line.sku.clone();
                        view! {
                            <li class="line">
                                {move || match item() {
                                    None => view! { <p class="loading">{format!("{} × {}", line.quantity, sku.clone())}</p> }.into_any(),
                                    Some(item) => view! { <LineView item quantity=line.quantity checkout/> }.into_any(),
                                }}
                            </li>
                        }
                    }
                </For>
            </ul>
            {(!checkout).then(|| {
                // Emptying loses every line: it is asked again first.
                let asking = RwSignal::new(false);
                view! {
                    <div class="empty-cart" role="group" aria-label="Empty the cart">
                        {move || if asking.get() {
                            view! {
                                <p>"Remove every item from your cart?"</p>
                                <button type="button" class="button button--danger button--small" on:click=move |_| store.update(|c| c.clear())>
                                    "Yes, empty the cart"
                                </button>
                                <button type="button" class="button button--ghost button--small" on:click=move |_| asking.set(false)>
                                    "Keep my items"
                                </button>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class="button button--ghost button--small" on:click=move |_| asking.set(true)>
                                    "Empty cart"
                                </button>
                            }.into_any()
                        }}
                    </div>
                }
            })}
        </div>
    }
}

#[component]
fn LineView(item: CartItem, quantity: u32, checkout: bool) -> impl IntoView {
    let store = CartStore::expect();
    let quantity = quantity.min(item.max_quantity());
    let line_total = item.unit_price * quantity;
    let select_id = format!("qty-{}", item.sku);
    let href = format!("/products/{}?sku={}", item.product_slug, item.sku);
    let sku = item.sku.clone();
    let remove_sku = item.sku.clone();
    let remove_label = format!("Remove {}", item.display_name());
    view! {
        <img src=item.image.clone() alt="" width="80" height="80" class="line__image"/>
        <div class="line__info">
            <a class="line__name" href=href>{item.product_name.clone()}</a>
            <p class="line__options">{item.options.clone()}</p>
            <p class="line__price">{item.unit_price.to_string()}" each"</p>
        </div>
        <div class="line__controls">
            {if checkout {
                view! { <p>"Qty "{quantity}</p> }.into_any()
            } else {
                view! {
                    <label for=select_id.clone()>"Quantity"</label>
                    <select
                        id=select_id
                        data-sku=item.sku.clone()
                        on:change=move |ev| {
                            let quantity = event_target_value(&ev).parse().unwrap_or(1);
                            store.update(|c| c.set_quantity(&sku, quantity));
                        }
                    >
                        {(1..=item.max_quantity().max(1))
                            .map(|n| view! { <option value=n.to_string() selected=n == quantity>{n}</option> })
                            .collect_view()}
                    </select>
                    <button
                        type="button"
                        class="link-button"
                        aria-label=remove_label
                        on:click=move |_| store.update(|c| c.remove(&remove_sku))
                    >
                        "Remove"
                    </button>
                }
                .into_any()
            }}
            <p class="line__total">{line_total.to_string()}</p>
        </div>
    }
}

/// The promo code field. One code per order: replacing an applied code asks first.
#[component]
pub(crate) fn CouponForm(coupon: Memo<Option<Coupon>>) -> impl IntoView {
    let store = CartStore::expect();
    let typed = RwSignal::new(String::new());
    // Why the last code was not applied: the code's own refusal, or a failure to reach the shop.
    let refusal = RwSignal::new(None::<String>);
    let pending_replace = RwSignal::new(None::<String>);
    let applying = RwSignal::new(false);

    let apply = move |code: String| {
        applying.set(true);
        refusal.set(None);
        pending_replace.set(None);
        let lines = store.cart.read_untracked().lines.clone();
        leptos::task::spawn_local(async move {
            match apply_coupon(code, lines).await {
                Ok(Ok(accepted)) => {
                    store.update(|c| c.coupon = Some(accepted.code.to_string()));
                    typed.set(String::new());
                }
                Ok(Err(reason)) => refusal.set(Some(reason.to_string())),
                Err(error) => refusal.set(Some(error.to_string())),
            }
            applying.set(false);
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let code = typed.get_untracked().trim().to_ascii_uppercase();
        let current = store.cart.read_untracked().coupon.clone();
        match current {
            Some(current) if !code.is_empty() && current != code => pending_replace.set(Some(code)),
            _ => apply(code),
        }
    };
    let support = move || store_info().map(|s| s.support_email).unwrap_or_default();

    view! {
        <form class="coupon-form" on:submit=on_submit novalidate>
            <label for="coupon-code">"Promo code"</label>
            <div class="inline-field">
                <input
                    id="coupon-code"
                    name="coupon"
                    autocomplete="off"
                    autocapitalize="characters"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                    aria-describedby="coupon-feedback"
                />
                <button type="submit" class="button button--small" disabled=move || applying.get()>"Apply"</button>
            </div>
            <div id="coupon-feedback" aria-live="polite">
                {move || pending_replace.get().map(|code| {
                    let current = store.cart.read().coupon.clone().unwrap_or_default();
                    let question = format!("Only one code per order: replace {current} with {code}?");
                    view! {
                        <div class="confirm" role="alertdialog" aria-label="Replace promo code">
                            <p>{question}</p>
                            <button type="button" class="button button--small" on:click=move |_| apply(code.clone())>"Replace"</button>
                            <button type="button" class="button button--small button--ghost" on:click=move |_| pending_replace.set(None)>
                                {format!("Keep {current}")}
                            </button>
                        </div>
                    }
                })}
                {move || refusal.get().map(|reason| view! {
                    <p class="field-error" role="alert">
                        {reason}
                        " If it still doesn't work, contact us at "
                        <a href=move || format!("mailto:{}", support())>{support}</a>
                        "."
                    </p>
                })}
                {move || coupon.get().map(|c| view! {
                    <p class="coupon-applied">"Code "<strong>{c.code.to_string()}</strong>" applied: "{c.describe()}"."</p>
                })}
            </div>
        </form>
    }
}

/// Where the cart goes: the shop's destinations and "Another country", which it refuses with
/// the list of where it ships.
#[component]
pub(crate) fn DestinationSelect(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] autocomplete: &'static str,
) -> impl IntoView {
    let store = CartStore::expect();
    let country = move || {
        store
            .cart
            .read()
            .country
            .clone()
            .unwrap_or_else(|| "US".into())
    };
    let refused = move || store.cart.read().destination().is_err();
    let support = move || store_info().map(|s| s.support_email).unwrap_or_default();
    let message_id = format!("{id}-refused");
    view! {
        <label for=id>{label}</label>
        <select
            id=id
            autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
            aria-invalid=move || refused().to_string()
            aria-describedby={
                let id = message_id.clone();
                move || refused().then(|| id.clone())
            }
            on:change=move |ev| {
                let code = event_target_value(&ev);
                store.update(|c| c.country = Some(code));
            }
        >
            {Country::ALL.into_iter().map(|c| {
                let code = c.code();
                view! { <option value=code selected=move || country() == code>{c.name()}</option> }
            }).collect_view()}
            <option value=OTHER_COUNTRY selected=move || country() == OTHER_COUNTRY>"Another country"</option>
        </select>
        <Show when=refused>
            <p class="field-error" id=message_id.clone() role="alert">
                "Sorry, we don't ship there yet. We ship to the United States, Japan, the United Kingdom, Germany, Italy, Spain and the Netherlands. Questions? Write to "
                <a href=move || format!("mailto:{}", support())>{support}</a>
                "."
            </p>
        </Show>
    }
}

/// The shipping methods with their fees and arrival dates, and the destination unless the
/// page asks for it elsewhere (the checkout, with the address).
#[component]
pub(crate) fn ShippingChoice(
    items: Memo<HashMap<String, CartItem>>,
    coupon: Memo<Option<Coupon>>,
    #[prop(default = true)] ask_destination: bool,
) -> impl IntoView {
    let store = CartStore::expect();
    let estimate = move |method: ShippingMethod| {
        store_info().map(|s| {
            let today = s.calendar.today();
            s.delivery.estimate(today, method, &s.calendar).describe()
        })
    };
    // The holidays the slowest estimate steps over, named so the dates make sense.
    let holidays = move || {
        let s = store_info()?;
        let today = s.calendar.today();
        let latest = ShippingMethod::ALL
            .into_iter()
            .map(|m| s.delivery.estimate(today, m, &s.calendar).latest)
            .max()?;
        let named: Vec<String> = s
            .calendar
            .holidays_skipped(today, latest)
            .into_iter()
            .map(describe_holiday)
            .collect();
        (!named.is_empty()).then(|| named.join(", "))
    };
    // Each option's price for this cart, so the shopper can compare before choosing: the
    // cart priced by the shared rules with that method.
    let fee = move |method: ShippingMethod| {
        let rates = store_info().map(|s| s.shipping).unwrap_or_default();
        let mut cart = store.cart.get();
        cart.method = method;
        let fee = cart
            .quote(&items.read(), coupon.read().as_ref(), &rates)
            .shipping;
        if fee.is_zero() {
            "Free".to_owned()
        } else {
            fee.to_string()
        }
    };
    view! {
        <fieldset class="shipping">
            <legend>"Shipping"</legend>
            {ask_destination.then(|| view! { <DestinationSelect id="ship-country" label="Destination"/> })}
            <div class="methods" role="radiogroup" aria-label="Shipping method">
                {ShippingMethod::ALL.into_iter().map(|method| {
                    let id = format!("ship-{}", method.slug());
                    let label_for = id.clone();
                    view! {
                        <label class="method" for=label_for>
                            <input
                                type="radio"
                                id=id
                                name="shipping-method"
                                value=method.slug()
                                prop:checked=move || store.cart.read().method == method
                                on:change=move |_| store.update(|c| c.method = method)
                            />
                            <span class="method__name">{method.label()}</span>
                            <span class="method__fee">{move || fee(method)}</span>
                            <span class="method__eta">{move || estimate(method).map(|e| format!("Arrives {e}"))}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
            <p class="note" data-testid="delivery-note">
                {move || match holidays() {
                    Some(named) => format!("Delivery dates are estimates. They allow for our holidays, when we neither dispatch nor count business days: {named}. Promotions can add a few days."),
                    None => "Delivery dates are estimates: promotions and public holidays can add a few days.".to_owned(),
                }}
            </p>
        </fieldset>
    }
}

#[component]
pub(crate) fn TotalsPanel(quote: Memo<Quote>) -> impl IntoView {
    let store = CartStore::expect();
    let q = move || quote.get();
    view! {
        <dl class="totals" aria-label="Totals">
            <div class="totals__row">
                <dt>"Subtotal"</dt>
                <dd data-testid="subtotal">{move || q().subtotal.to_string()}</dd>
            </div>
            {move || match q().coupon {
                CouponOutcome::Applied { code, discount } => view! {
                    <div class="totals__row">
                        <dt>
                            "Discount ("{code.clone()}") "
                            <button type="button" class="link-button" aria-label=format!("Remove code {code}") on:click=move |_| store.update(|c| c.coupon = None)>
                                "Remove"
                            </button>
                        </dt>
                        <dd data-testid="discount">{format!("−{discount}")}</dd>
                    </div>
                }.into_any(),
                CouponOutcome::BelowMinimum { code, missing } => view! {
                    <div class="totals__row totals__row--note">
                        <dt>{format!("Code {code}")}</dt>
                        <dd data-testid="discount">{format!("Add {missing} more to use it")}</dd>
                    </div>
                }.into_any(),
                CouponOutcome::NoCoupon => ().into_any(),
            }}
            <div class="totals__row">
                <dt>{move || q().method.label()}</dt>
                <dd data-testid="shipping">{move || if q().shipping.is_zero() { "Free".to_owned() } else { q().shipping.to_string() }}</dd>
            </div>
            <div class="totals__row totals__row--total">
                <dt>"Total"</dt>
                <dd data-testid="total">{move || q().total.to_string()}</dd>
            </div>
        </dl>
        // Below the list: a description list holds only its terms and their descriptions.
        {move || q().free_shipping_gap.map(|gap: Money| view! {
            <p class="totals__hint" data-testid="free-shipping-hint">{format!("Add {gap} more for free standard shipping.")}</p>
        })}
    }
}
