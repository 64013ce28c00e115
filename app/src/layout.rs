//! The frame around every page (header, footer, page title) and the shared error and 404
//! views.

use crate::accounts::pages::AccountLink;
use crate::cart::store::CartStore;
use crate::catalog::model::Category;
use crate::error::AppError;
use crate::islands::island_or_component;
// Only the server chooses the island (see `island_or_component!`).
use crate::search::header::SiteSearch;
#[cfg(feature = "ssr")]
use crate::search::header::SiteSearchIsland;
use crate::shop::StoreInfo;
use crate::wire::WireOnceResource;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

type StoreResource = WireOnceResource<Result<StoreInfo, AppError>>;

/// The shop's settings once loaded; `None` while loading or if they could not be read. An
/// island has them as a plain value, given by the page around it.
pub fn store_info() -> Option<StoreInfo> {
    if let Some(store) = use_context::<StoreInfo>() {
        return Some(store);
    }
    use_context::<StoreResource>()
        .and_then(|r| r.get())
        .and_then(Result::ok)
}

/// The shop's settings for a page that passes them on to an island: `render` of them once
/// loaded, or the error notice. Put it inside a `<Suspense>`.
pub fn with_store_info<V: IntoView + 'static>(
    render: impl Fn(StoreInfo) -> V + Clone + Send + Sync + 'static,
) -> impl Fn() -> Suspend<AnyView> + Send + Sync + 'static {
    when_loaded(expect_context::<StoreResource>(), render)
}

/// The shop's name without waiting: from the server's settings while rendering there, from
/// the already-loaded settings in the browser.
fn shop_name_now() -> Option<String> {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::shop::ServerState>() {
        return Some(state.store.name);
    }
    use_context::<StoreResource>()
        .and_then(|r| r.get_untracked())
        .and_then(Result::ok)
        .map(|s| s.name)
}

/// Sets the document title as "Page · Shop name", and the page description. The title is a
/// plain string: a title that reads a resource can outlive the page's reactive owner.
#[component]
pub fn PageTitle(
    #[prop(into)] text: String,
    #[prop(optional, into)] description: Option<String>,
) -> impl IntoView {
    let title = match shop_name_now() {
        Some(name) => format!("{text} · {name}"),
        None => text,
    };
    view! {
        <Title text=title/>
        {description.map(|d| view! { <Meta name="description" content=d/> })}
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let name = move || store_info().map(|s| s.name).unwrap_or_default();
    // A plain closure, as for the name: a `Show` here keeps a memo of the settings resource
    // that server rendering can reach after the resource is gone.
    let test_mode = move || {
        store_info().filter(|s| s.test_payments).map(|_| {
            view! {
                <p class="test-mode" role="note" data-testid="test-mode">
                    <strong>"Test mode:"</strong>" no real payments are taken and no orders are shipped."
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
    let label = move || match count() {
        Some(1) => "Cart, 1 item".to_owned(),
        Some(n) => format!("Cart, {n} items"),
        None => "Cart".to_owned(),
    };
    view! {
        <a class="cart-link" href="/cart" aria-label=label>
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path d="M3 4h2l2.4 10.2a1 1 0 0 0 1 .8h8.9a1 1 0 0 0 1-.8L20 7H6.2" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
                <circle cx="9" cy="19" r="1.6" fill="currentColor"/>
                <circle cx="17" cy="19" r="1.6" fill="currentColor"/>
            </svg>
            <span class="cart-link__text">"Cart"</span>
            <span class="cart-count" data-testid="cart-count" aria-hidden="true">{move || count().filter(|n| *n > 0).map(|n| n.to_string())}</span>
        </a>
    }
}

/// Support e-mail and phone, as a definition list; shown in the footer and on help pages.
#[component]
pub fn ContactDetails() -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || store_info().map(|store| {
                let mailto = format!("mailto:{}", store.support_email);
                let tel = format!("tel:{}", store.support_phone.replace(' ', ""));
                view! {
                    <dl class="contact">
                        <dt>"E-mail"</dt>
                        <dd><a href=mailto>{store.support_email.clone()}</a></dd>
                        <dt>"Phone"</dt>
                        <dd><a href=tel>{store.support_phone.clone()}</a></dd>
                    </dl>
                }
            })}
        </Transition>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
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

/// Marks the server response with an HTTP status (404 for pages that do not exist).
pub fn set_http_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_http_status(404);
    view! {
        <PageTitle text="Page not found"/>
        <section class="page narrow" aria-labelledby="not-found-title">
            <h1 id="not-found-title">"Page not found"</h1>
            <p>"We couldn't find that page. It may have moved, or the link may be mistyped."</p>
            <p><a class="button" href="/shop">"Browse all products"</a></p>
            <p>"Looking for an order? "<a href="/orders/find">"Find it with its number and e-mail"</a>", or sign in to see your orders."</p>
            <p>"Need a hand? Our customer care team is here:"</p>
            <ContactDetails/>
        </section>
    }
}

/// A failed load, told plainly, with the way to reach support.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    if error == AppError::NotFound {
        return view! { <NotFound/> }.into_any();
    }
    match error {
        AppError::Unavailable => set_http_status(503),
        AppError::SignInRequired => {
            set_http_status(401);
            let here = leptos_router::hooks::use_location();
            let sign_in = format!("/account/sign-in?next={}", here.pathname.get_untracked());
            return view! {
                <div class="notice notice--info" role="alert">
                    <p>{error.to_string()}</p>
                    <p><a class="button" href=sign_in>"Sign in"</a></p>
                </div>
            }
            .into_any();
        }
        AppError::NotAllowed => {
            set_http_status(403);
            return view! {
                <div class="notice notice--error" role="alert" data-testid="not-allowed">
                    <h2>"Not allowed"</h2>
                    <p>{error.to_string()}</p>
                    <p><a class="button" href="/">"Back to the shop"</a></p>
                </div>
            }
            .into_any();
        }
        _ => {}
    }
    view! {
        <div class="notice notice--error" role="alert">
            <p>{error.to_string()}</p>
            <ContactDetails/>
        </div>
    }
    .into_any()
}

/// Shown while a page's data loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

/// What a loaded server resource shows: `render` of its value, or the error notice. Put it
/// inside a `<Suspense>` or `<Transition>`.
pub fn when_loaded<R, T, V>(
    resource: R,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl Fn() -> Suspend<AnyView> + Send + Sync + 'static
where
    R: std::future::IntoFuture<Output = Result<T, AppError>> + Copy + Send + Sync + 'static,
    R::IntoFuture: Send,
    V: IntoView + 'static,
{
    move || {
        let render = render.clone();
        Suspend::new(async move {
            match resource.await {
                Ok(value) => render(value).into_any(),
                Err(error) => view! { <ErrorNotice error/> }.into_any(),
            }
        })
    }
}
