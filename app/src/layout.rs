//! The frame around every page: the header (the shop's name, the categories, search, the
//! account and cart links) and the footer; staff pages have a header of their own and no
//! footer. It shows features, so it sits above them; what pages are made of (title, loading,
//! errors) is in `page`.

use crate::accounts::pages::AccountLink;
use crate::cart::store::CartStore;
use crate::catalog::model::Category;
use crate::islands::island_or_component;
use crate::page::{store_info, ContactDetails};
// Only the server chooses the island (see `island_or_component!`).
use crate::search::header::SiteSearch;
#[cfg(feature = "ssr")]
use crate::search::header::SiteSearchIsland;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Whether the page shown is a staff dashboard (inside the router).
fn on_staff_page() -> Memo<bool> {
    let location = use_location();
    Memo::new(move |_| {
        let path = location.pathname.read();
        *path == "/admin" || path.starts_with("/admin/")
    })
}

/// The header of the page shown: the shop's, or on staff pages the dashboard's own.
#[component]
pub fn PageHeader() -> impl IntoView {
    let staff = on_staff_page();
    move || {
        if staff.get() {
            view! { <StaffHeader/> }.into_any()
        } else {
            view! { <SiteHeader/> }.into_any()
        }
    }
}

/// The footer of the page shown: the shop's customer care, none on staff pages.
#[component]
pub fn PageFooter() -> impl IntoView {
    let staff = on_staff_page();
    move || (!staff.get()).then(|| view! { <SiteFooter/> })
}

/// Staff pages' header: the dashboard's name, a way back to the shop and the account; no
/// cart, search, categories or test-mode banner, which are the shoppers'.
#[component]
fn StaffHeader() -> impl IntoView {
    let name = move || store_info().map(|s| s.name).unwrap_or_default();
    view! {
        <header class="site-header staff-header">
            <div class="site-header__inner">
                <a class="brand" href="/admin">
                    <Transition fallback=|| ()>{name}</Transition>
                    <span class="staff-header__tag">"Staff"</span>
                </a>
                <div class="header-actions">
                    <a href="/">"View the shop"</a>
                    <AccountLink/>
                </div>
            </div>
        </header>
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    let name = move || store_info().map(|s| s.name).unwrap_or_default();
    // A plain closure, as for the name: a `Show` here keeps a memo of the settings resource
    // that server rendering can reach after the resource is gone.
    let test_mode = move || {
        store_info().filter(|s| s.test_payments).map(|s| {
            // With Stripe's test keys, Stripe itself is in test mode.
            let label = if s.payment_methods.stripe().is_some() {
                "Stripe test mode:"
            } else {
                "Test mode:"
            };
            view! {
                <p class="test-mode" role="note" data-testid="test-mode">
                    <strong>{label}</strong>" no real payments are taken and no orders are shipped."
                </p>
            }
        })
    };
    view! {
        <Transition fallback=|| ()>{test_mode}</Transition>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <svg class="brand__mark" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                        <rect x="5" y="1.5" width="14" height="21" rx="3.5" fill="none" stroke="currentColor" stroke-width="2"/>
                        <circle cx="9.5" cy="6" r="1.6" fill="currentColor"/>
                    </svg>
                    <Transition fallback=|| ()>{name}</Transition>
                </a>
                <nav aria-label="Main" class="site-nav">
                    <ul>
                        <li><A href="/shop">"Shop all"</A></li>
                        {Category::ALL
                            .into_iter()
                            .map(|c| {
                                let href = format!("/shop?category={}", c.slug());
                                view! { <li><a href=href>{c.label()}</a></li> }
                            })
                            .collect_view()}
                        <li><A href="/help">"Help"</A></li>
                    </ul>
                </nav>
                {island_or_component!(view! { <SiteSearchIsland/> }, view! { <SiteSearch/> })}
                <div class="header-actions">
                    <AccountLink/>
                    {island_or_component!(view! { <CartLinkIsland/> }, view! { <CartLink/> })}
                </div>
            </div>
        </header>
    }
}

/// The header's link to the cart on a page served as islands: the only part of its header that
/// runs in the browser.
#[cfg(any(feature = "ssr", not(feature = "split")))]
#[island]
fn CartLinkIsland() -> impl IntoView {
    view! { <CartLink/> }
}

/// The header's link to the cart, with the number of items once the saved cart is read.
#[component]
fn CartLink() -> impl IntoView {
    let store = CartStore::expect();
    let count = move || store.loaded.get().then(|| store.cart.read().item_count());
    // The link's name is its text ("Cart, 2 items"): the badge is for the eye alone, and the
    // words for it are hidden from the eye, so what is seen is part of what is heard.
    let items = move || match count() {
        Some(1) => ", 1 item".to_owned(),
        Some(n) => format!(", {n} items"),
        None => String::new(),
    };
    view! {
        <a class="cart-link" href="/cart">
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path d="M3 4h2l2.4 10.2a1 1 0 0 0 1 .8h8.9a1 1 0 0 0 1-.8L20 7H6.2" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
                <circle cx="9" cy="19" r="1.6" fill="currentColor"/>
                <circle cx="17" cy="19" r="1.6" fill="currentColor"/>
            </svg>
            <span class="cart-link__text">"Cart"</span>
            <span class="cart-count" data-testid="cart-count" aria-hidden="true">{move || count().filter(|n| *n > 0).map(|n| n.to_string())}</span>
            <span class="visually-hidden">{items}</span>
        </a>
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <section aria-labelledby="footer-contact">
                    <h2 id="footer-contact">"Customer care"</h2>
                    <ContactDetails/>
                </section>
                <nav aria-label="Footer">
                    <ul>
                        <li><a href="/help">"Help center"</a></li>
                        <li><a href="/shop">"All products"</a></li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}
