//! The storefront application, compiled into the server (feature `ssr`) and into the browser's
//! WebAssembly (feature `hydrate`). Organised by feature: each module holds its types, rules,
//! server functions, storage (server only) and pages.

#![recursion_limit = "256"]

pub mod accounts;
pub mod address;
pub mod admin;
pub mod affiliates;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod build_output;
pub mod calendar;
pub mod cart;
pub mod catalog;
pub mod charts;
pub mod checkout;
pub mod clock;
pub mod coupons;
pub mod error;
pub mod forms;
pub mod help;
pub mod identity;
pub mod islands;
pub mod layout;
pub mod local_time;
pub mod mail;
pub mod money;
pub mod orders;
pub mod page;
pub mod payments;
pub mod photos;
pub mod pricing;
pub mod search;
pub mod shop;
pub mod split;
#[cfg(feature = "ssr")]
pub mod stylesheet;
pub mod support;
pub mod throttle;
pub mod warranty;
pub mod wire;
pub mod words;

#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod conversations;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod maintenance;
#[cfg(feature = "ssr")]
pub mod sitemap;
#[cfg(feature = "ssr")]
pub mod tokens;

use accounts::pages::AuthState;
use cart::store::CartStore;
use layout::{PageFooter, PageHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};
use page::NotFound;

/// The page's scripts: the islands' bundle for a page served as islands, else the app's. Both
/// start once the browser is idle after the first paint, with no hints that would fetch them
/// before it: every page works before its WASM arrives (forms post, links load).
fn scripts(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if islands::this_page() {
        return view! { <HydrationScripts options=islands::options(&options) islands=true/> }
            .into_any();
    }
    view! { <HydrationScripts options defer=true/> }.into_any()
}

/// The stylesheet, inline in the page the server renders (`stylesheet`).
fn stylesheet(options: &LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    return view! { <stylesheet::InlineStylesheet options=options.clone()/> };
    #[cfg(not(feature = "ssr"))]
    let _ = options;
}

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {stylesheet(&options)}
                <script nonce=leptos::nonce::use_nonce() inner_html=local_time::ZONE_SCRIPT></script>
                {scripts(options.clone())}
                {checkout::pages::card_provider_script()}
                <AutoReload options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Marks the page as hydrated for the browser tests. Effects run once the WASM has hydrated
/// the page; suspended parts finish hydrating in microtasks, so the marker waits for the next
/// task.
pub fn mark_hydrated() {
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let store = wire::once_resource(shop::get_store_info());
    provide_context(store);
    CartStore::provide();
    AuthState::provide();

    // Browser tests wait for the hydration marker before interacting. A split page on screen
    // hydrates later, when its chunk arrives, and marks the page itself (see `split`).
    Effect::new(|_| {
        let split_page = document()
            .query_selector("[data-split-page]")
            .ok()
            .flatten()
            .is_some();
        if !split_page {
            mark_hydrated();
        }
    });

    // The router would treat "#main" as a navigation; move focus itself so keyboard and
    // screen-reader users land in the content.
    let main = NodeRef::<leptos::html::Main>::new();
    let skip_to_content = move |ev: leptos::ev::MouseEvent| {
        if let Some(main) = main.get() {
            ev.prevent_default();
            let _ = main.focus();
        }
    };

    view! {
        <Router>
            <a class="skip-link" href="#main" on:click=skip_to_content>"Skip to content"</a>
            <PageHeader/>
            <main id="main" tabindex="-1" node_ref=main>
                <Routes fallback=NotFound>
                    <Route path=path!("") view={Lazy::<split::Home>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/shop") view={Lazy::<split::Catalog>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/products/:slug") view={Lazy::<split::Product>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/cart") view={Lazy::<split::Cart>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/help") view={Lazy::<split::Help>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/help/:slug") view={Lazy::<split::HelpAnswer>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/search") view={Lazy::<split::Search>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/support/new") view={Lazy::<split::NewTicket>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/support/tickets/:number") view={Lazy::<split::Ticket>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/tickets") view={Lazy::<split::MyTickets>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account") view={Lazy::<split::Account>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-in") view={Lazy::<split::SignIn>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-up") view={Lazy::<split::SignUp>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/check-email") view={Lazy::<split::CheckEmail>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/confirm") view={Lazy::<split::ConfirmSignUp>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/checkout") view={Lazy::<split::Checkout>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/checkout/paypal/:number") view={Lazy::<split::PayPalReturn>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/orders") view={Lazy::<split::OrderHistory>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orders/find") view={Lazy::<split::FindOrder>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:number") view={Lazy::<split::Order>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/pay/paypal/:reference") view={Lazy::<split::PayPalApproval>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/forgot-password") view={Lazy::<split::ForgotPassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/set-password") view={Lazy::<split::SetPassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view={Lazy::<split::AdminHome>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/staff") view={Lazy::<split::Staff>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view={Lazy::<split::AuditLog>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders") view={Lazy::<split::StaffOrders>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders/:number") view={Lazy::<split::StaffOrder>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products") view={Lazy::<split::StaffProducts>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products/:slug") view={Lazy::<split::StaffProduct>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/coupons") view={Lazy::<split::StaffCoupons>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/coupons/:code") view={Lazy::<split::StaffCoupon>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/customers") view={Lazy::<split::StaffCustomers>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/customers/:id") view={Lazy::<split::StaffCustomer>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/mail") view={Lazy::<split::StaffMail>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/holidays") view={Lazy::<split::StaffHolidays>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tickets") view={Lazy::<split::StaffTickets>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tickets/:number") view={Lazy::<split::StaffTicket>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/claims") view={Lazy::<split::StaffClaims>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/claims/:number") view={Lazy::<split::StaffClaim>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/warranty/claim") view={Lazy::<split::ClaimForm>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/warranty/claims/:number") view={Lazy::<split::Claim>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/claims") view={Lazy::<split::MyClaims>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/affiliates") view={Lazy::<split::Program>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/affiliates/dashboard") view={Lazy::<split::PartnerDashboard>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/affiliates") view={Lazy::<split::StaffAffiliates>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            <PageFooter/>
        </Router>
    }
}
