//! What every page is made of: its title and description, the shop's settings once loaded,
//! a loading line, a failed load told plainly (with how to reach support), the 404 page, the
//! HTTP status of the server's answer and the frame of a wide table. Below every feature's pages.

use crate::error::AppError;
use crate::shop::StoreInfo;
use crate::wire::WireOnceResource;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

pub(crate) type StoreResource = WireOnceResource<Result<StoreInfo, AppError>>;

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
    R: std::future::IntoFuture<Output = Result<T, AppError>> + Clone + Send + Sync + 'static,
    R::IntoFuture: Send,
    V: IntoView + 'static,
{
    move || {
        let render = render.clone();
        let resource = resource.clone();
        Suspend::new(async move {
            match resource.await {
                Ok(value) => render(value).into_any(),
                Err(error) => view! { <ErrorNotice error/> }.into_any(),
            }
        })
    }
}

/// The frame of a table wider than a phone: it scrolls sideways, and it takes the keyboard's
/// focus (named by `label` for a screen reader) so that arrow keys scroll it too.
#[component]
pub fn TableScroll(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-label=label>
            {children()}
        </div>
    }
}
