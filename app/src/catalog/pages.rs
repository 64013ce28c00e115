//! Catalog pages: home (featured products), the filtered listing and the product page.

use super::api::{browse_catalog, featured_products, get_product, phone_models, product_offer};
use super::art::swatch_colour;
use super::model::{
    CatalogFilter, Category, ModelOffer, PhoneModel, ProductDetail, ProductInfo, ProductSummary,
    StockLevel,
};
use super::variant_picker::{
    colour_options, option_text, pick_model, resolve, style_options, Selection,
};
use crate::address;
use crate::cart::store::CartStore;
use crate::error::AppError;
use crate::islands::island_or_component;
use crate::page::{store_info, when_loaded, ErrorNotice, Loading, PageTitle};
use crate::pricing::quote::MAX_LINE_QUANTITY;
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Cards in the first rows of a grid, whose pictures a phone shows without scrolling.
const ABOVE_THE_FOLD: usize = 2;

#[component]
fn ProductCard(
    product: ProductSummary,
    #[prop(optional, into)] model: MaybeProp<String>,
    /// The card's place in its grid: the first ones load their picture at once (the largest
    /// thing on the first screen), the others when scrolled near.
    position: usize,
) -> impl IntoView {
    let href = match model.get_untracked() {
        Some(model) => format!("/products/{}?model={model}", product.slug),
        None => format!("/products/{}", product.slug),
    };
    let price = if product.single_price {
        product.from_price.to_string()
    } else {
        format!("From {}", product.from_price)
    };
    view! {
        <li class="card">
            <a class="card__link" href=href>
                <img
                    class="card__image"
                    src=product.image
                    alt=""
                    width="400"
                    height="400"
                    loading=if position < ABOVE_THE_FOLD { "eager" } else { "lazy" }
                    fetchpriority=(position == 0).then_some("high")
                />
                <span class="card__category">{product.category.label()}</span>
                <h3 class="card__title">{product.name}</h3>
                <p class="card__tagline">{product.tagline}</p>
                <p class="card__price">{price}</p>
                {(!product.in_stock).then(|| view! { <p class="badge">"Out of stock"</p> })}
            </a>
        </li>
    }
}

#[component]
pub fn ProductGrid(
    products: Vec<ProductSummary>,
    /// The phone the shopper filtered by, carried to the product pages.
    #[prop(optional, into)]
    model: MaybeProp<String>,
) -> impl IntoView {
    view! {
        <ul class="product-grid">
            {products
                .into_iter()
                .enumerate()
                .map(|(position, p)| view! { <ProductCard product=p model position/> })
                .collect_view()}
        </ul>
    }
}

/// Models grouped by brand, in catalog order.
fn by_brand(models: &[PhoneModel]) -> Vec<(String, Vec<PhoneModel>)> {
    let mut groups: Vec<(String, Vec<PhoneModel>)> = Vec::new();
    for model in models {
        match groups.iter_mut().find(|(brand, _)| *brand == model.brand) {
            Some((_, list)) => list.push(model.clone()),
            None => groups.push((model.brand.clone(), vec![model.clone()])),
        }
    }
    groups
}

#[component]
pub fn HomePage() -> impl IntoView {
    let featured = wire::resource(|| (), |_| featured_products());
    let models = wire::resource(|| (), |_| phone_models());
    view! {
        <PageTitle
            text="Phone cases, screen protectors and accessories"
            description="Cases, screen protectors and accessories for iPhone, Galaxy and Pixel, designed and sold by us with a limited lifetime warranty."
        />
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">"Protection that fits. Made by us."</h1>
            <p>"Cases, screen protectors and accessories for the latest iPhone, Galaxy and Pixel phones, backed by our limited lifetime warranty."</p>
            <p class="hero__actions">
                <a class="button" href="/shop">"Shop all products"</a>
                <a class="button button--ghost" href="/shop?category=cases">"Shop cases"</a>
            </p>
        </section>
        <Transition fallback=|| ()>
            {move || store_info().filter(|s| s.demo_codes).map(|_| view! { <DemoCodes/> })}
        </Transition>
        <section class="section" aria-labelledby="featured-title">
            <h2 id="featured-title">"Featured"</h2>
            <Suspense fallback=Loading>
                {when_loaded(featured, |products| view! { <ProductGrid products/> })}
            </Suspense>
        </section>
        <section class="section" aria-labelledby="by-phone-title">
            <h2 id="by-phone-title">"Shop by phone"</h2>
            <Suspense fallback=Loading>
                {when_loaded(models, |models| view! { <ShopByPhone models/> })}
            </Suspense>
        </section>
    }
}

/// The demo shop's promo codes, so a visitor can try one in the cart.
#[component]
fn DemoCodes() -> impl IntoView {
    view! {
        <section class="section demo-codes" aria-labelledby="demo-codes-title" data-testid="demo-codes">
            <h2 id="demo-codes-title">"Try a demo promo code"</h2>
            <p>"This is a demo shop: enter one of these codes in your cart."</p>
            <ul class="chips">
                {crate::coupons::DEMO_CODES_TO_TRY.into_iter().map(|(code, gives)| view! {
                    <li><strong>{code}</strong>" · "{gives}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ShopByPhone(models: Vec<PhoneModel>) -> impl IntoView {
    view! {
        <div class="brands">
            {by_brand(&models)
                .into_iter()
                .map(|(brand, models)| view! {
                    <div class="brand-group">
                        <h3>{brand}</h3>
                        <ul class="chips">
                            {models.into_iter().map(|m| {
                                let href = format!("/shop?model={}", m.slug);
                                view! { <li><a class="chip" href=href>{m.name}</a></li> }
                            }).collect_view()}
                        </ul>
                    </div>
                })
                .collect_view()}
        </div>
    }
}

fn filter_query(filter: &CatalogFilter) -> String {
    let parts: Vec<String> = [
        ("category", filter.category.map(|c| c.slug().to_owned())),
        ("model", filter.model.clone()),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.map(|v| format!("{key}={v}")))
    .collect();
    if parts.is_empty() {
        "/shop".to_owned()
    } else {
        format!("/shop?{}", parts.join("&"))
    }
}

/// The listing's filter form. It works as a plain GET form before hydration; once hydrated, a
/// choice applies at once. It is rendered once and follows the filter, so focus stays on the
/// control the shopper is using.
#[component]
fn FilterForm(
    models: Vec<PhoneModel>,
    filter: Signal<CatalogFilter>,
    #[prop(into)] on_choose: Callback<CatalogFilter>,
) -> impl IntoView {
    let apply = move |change: &dyn Fn(&mut CatalogFilter)| {
        let mut next = filter.get_untracked();
        change(&mut next);
        on_choose.run(next);
    };
    let on_category = move |ev| {
        let value = event_target_value(&ev);
        apply(&|f| f.category = Category::from_slug(&value));
    };
    let on_model = move |ev| {
        let value = event_target_value(&ev);
        apply(&|f| f.model = Some(value.clone()).filter(|v| !v.is_empty()));
    };
    let models = StoredValue::new(by_brand(&models));
    // Each list of options is redrawn as a whole when the filter changes (the `<select>`
    // itself stays, and so does focus): cheaper to render than an effect per option.
    let category_options = move || {
        let chosen = filter.read().category.map(|c| c.slug()).unwrap_or("");
        std::iter::once(("", "All categories"))
            .chain(Category::ALL.into_iter().map(|c| (c.slug(), c.label())))
            .map(|(slug, label)| {
                let selected = slug == chosen;
                view! { <option value=slug selected=selected prop:selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let model_options = move || {
        let chosen = filter.read().model.clone();
        let none = chosen.is_none();
        let groups = models.with_value(|groups| {
            groups
                .iter()
                .map(|(brand, models)| {
                    let options = models
                        .iter()
                        .map(|m| {
                            let selected = chosen.as_deref() == Some(m.slug.as_str());
                            view! {
                                <option value=m.slug.clone() selected=selected prop:selected=selected>
                                    {m.name.clone()}
                                </option>
                            }
                        })
                        .collect_view();
                    view! { <optgroup label=brand.clone()>{options}</optgroup> }
                })
                .collect_view()
        });
        view! {
            <option value="" selected=none prop:selected=none>"All phones"</option>
            {groups}
        }
    };
    view! {
        <form class="filters" method="get" action="/shop" aria-label="Filter products">
            <div class="field">
                <label for="filter-category">"Category"</label>
                <select id="filter-category" name="category" on:change=on_category>
                    {category_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-model">"Phone model"</label>
                <select id="filter-model" name="model" on:change=on_model>
                    {model_options}
                </select>
            </div>
            <button type="submit" class="button button--small">"Apply filters"</button>
        </form>
    }
}

#[component]
pub fn CatalogListing() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        CatalogFilter {
            category: q.get("category").and_then(|c| Category::from_slug(&c)),
            model: q.get("model").filter(|m| !m.is_empty()),
        }
    });
    let models = wire::resource(|| (), |_| phone_models());
    let products = wire::resource(move || filter.get(), browse_catalog);
    let listing = move || {
        Suspend::new(async move {
            match (models.await, products.await) {
                (Ok(models), Ok(products)) => {
                    let filter = filter.get_untracked();
                    island_or_component!(
                        view! {
                            <CatalogBrowserIsland
                                models=wire::Packed(models)
                                filter=wire::Packed(filter)
                                products=wire::Packed(products)
                            />
                        },
                        view! { <CatalogBrowser models filter products/> },
                    )
                }
                (Err(error), _) | (_, Err(error)) => view! {
                    <section class="page" aria-labelledby="listing-title">
                        <h1 id="listing-title">"All products"</h1>
                        <ErrorNotice error/>
                    </section>
                }
                .into_any(),
            }
        })
    };
    view! {
        <PageTitle text="Shop" description="Browse our phone cases, screen protectors and accessories by phone model."/>
        <Suspense fallback=Loading>{listing}</Suspense>
    }
}

/// The listing on a page served as islands: the part of the page that runs in the browser.
#[cfg(any(feature = "ssr", not(feature = "split")))]
#[island(lazy)]
fn CatalogBrowserIsland(
    models: wire::Packed<Vec<PhoneModel>>,
    filter: wire::Packed<CatalogFilter>,
    products: wire::Packed<Vec<ProductSummary>>,
) -> impl IntoView {
    view! { <CatalogBrowser models=models.0 filter=filter.0 products=products.0/> }
}

/// The listing's heading, filters and results. A new choice shows its products in place,
/// without a page load, and focus stays on the control in use. The server's results for the
/// address come with it; later ones are fetched.
#[component]
fn CatalogBrowser(
    models: Vec<PhoneModel>,
    filter: CatalogFilter,
    products: Vec<ProductSummary>,
) -> impl IntoView {
    // The results on show, with the filter they answer.
    let shown = RwSignal::new((filter.clone(), Ok::<_, AppError>(products)));
    let filter = RwSignal::new(filter);
    let loading = RwSignal::new(false);
    // Only the answer to the latest choice is shown, whatever order the answers arrive in.
    let latest = StoredValue::new(0_u32);
    let fetch = move |next: CatalogFilter| {
        let ticket = latest.get_value().wrapping_add(1);
        latest.set_value(ticket);
        loading.set(true);
        leptos::task::spawn_local(async move {
            let answer = browse_catalog(next.clone()).await;
            // The listing may have been left (or redrawn by the app's router) meanwhile.
            if latest.try_get_value() == Some(ticket) {
                shown.try_set((next, answer));
                loading.try_set(false);
            }
        });
    };
    let choose = move |next: CatalogFilter| {
        if next != filter.get_untracked() {
            address::push(&filter_query(&next));
            filter.set(next.clone());
            fetch(next);
        }
    };
    address::on_back_or_forward(move |query| {
        let next = CatalogFilter {
            category: address::param(&query, "category").and_then(|c| Category::from_slug(&c)),
            model: address::param(&query, "model").filter(|m| !m.is_empty()),
        };
        filter.set(next.clone());
        fetch(next);
    });

    let heading = move || {
        filter
            .read()
            .category
            .map(Category::label)
            .unwrap_or("All products")
    };
    let names = StoredValue::new(models.clone());
    // "for iPhone 17"
    let for_model = move |filter: &CatalogFilter| {
        let slug = filter.model.as_deref()?;
        names.with_value(|models| {
            models
                .iter()
                .find(|m| m.slug == slug)
                .map(|m| format!(" for {}", m.name))
        })
    };
    let results = move || match shown.get() {
        (_, Err(error)) => {
            view! { <p class="notice notice--error" role="alert">{error.to_string()}</p> }
                .into_any()
        }
        (_, Ok(products)) if products.is_empty() => view! {
            <p class="result-count" role="status">"No products match these filters."</p>
            <p class="empty"><a href="/shop">"See all products"</a></p>
        }
        .into_any(),
        (filter, Ok(products)) => {
            let count = crate::words::counted(products.len() as u64, "product", "products");
            let for_model = for_model(&filter);
            let model = filter.model;
            view! {
                // A heading between the page's title and the cards' titles keeps the
                // outline in order for screen readers.
                <h2 class="result-count"><span role="status">{count}{for_model}</span></h2>
                <ProductGrid products model/>
            }
            .into_any()
        }
    };
    view! {
        <section class="page" aria-labelledby="listing-title">
            // "Phone cases for Pixel 10": the filters chosen, as they change.
            <h1 id="listing-title">{heading}{move || for_model(&filter.read())}</h1>
            <FilterForm models filter=filter.into() on_choose=choose/>
            <div class="results" aria-busy=move || loading.get().to_string()>{results}</div>
        </section>
    }
}

/// The choice asked for in the URL: a SKU code, or any of style and colour. The phone is the
/// one the server opened the page on (the SKU's, or the `model` asked for).
fn selection_from_query(
    product: &ProductDetail,
    query: &leptos_router::params::ParamsMap,
) -> Selection {
    let model = product.offer.model.as_deref();
    if let Some(sku) = query.get("sku") {
        if let Some(variant) = product.offer.variants.iter().find(|v| v.sku == sku) {
            return Selection::of(model, variant);
        }
    }
    Selection {
        model: model.map(str::to_owned),
        style: query.get("style"),
        colour: query.get("colour"),
    }
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // The phone (or SKU) in the address decides which phone's variants come with the page.
    let wanted = move || {
        let query = query.read();
        (
            params.read().get("slug").unwrap_or_default(),
            query.get("model"),
            query.get("sku"),
        )
    };
    let data = wire::resource(wanted, |(slug, model, sku)| get_product(slug, model, sku));
    view! {
        <Suspense fallback=Loading>
            {when_loaded(data, move |detail| {
                let initial = selection_from_query(&detail, &query.get_untracked());
                let ProductInfo { name, category, tagline, .. } = detail.info.clone();
                let category_href = format!("/shop?category={}", category.slug());
                view! {
                    <PageTitle text=name.clone() description=tagline/>
                    <nav aria-label="Breadcrumb" class="breadcrumb">
                        <ol>
                            <li><a href="/shop">"Shop"</a></li>
                            <li><a href=category_href>{category.label()}</a></li>
                            <li aria-current="page">{name}</li>
                        </ol>
                    </nav>
                    {island_or_component!(
                        view! { <ProductViewIsland product=wire::Packed(detail) initial=wire::Packed(initial)/> },
                        view! { <ProductView product=detail initial/> },
                    )}
                }
            })}
        </Suspense>
    }
}

/// One `<select>` of the variant picker; hidden when there is nothing to choose.
#[component]
fn OptionSelect(
    id: &'static str,
    name: &'static str,
    #[prop(into)] label: String,
    /// `(value, text)` pairs on offer.
    options: Signal<Vec<(String, String)>>,
    /// The value currently chosen.
    value: Signal<Option<String>>,
    #[prop(into)] on_pick: Callback<String>,
) -> impl IntoView {
    view! {
        <Show when=move || !options.read().is_empty()>
            <div class="field">
                <label for=id>{label.clone()}</label>
                <select id=id name=name on:change=move |ev| on_pick.run(event_target_value(&ev))>
                    // A handful of options, redrawn together when the choice changes: cheaper
                    // to render on the server than a keyed list with an effect per option.
                    {move || {
                        let chosen = value.get();
                        options
                            .get()
                            .into_iter()
                            .map(|(v, text)| {
                                let selected = chosen.as_deref() == Some(v.as_str());
                                view! { <option value=v selected=selected prop:selected=selected>{text}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        </Show>
    }
}

/// The colours as swatches with their names: radio buttons, so the arrow keys move between
/// them and, before the page is interactive, the form sends the one chosen.
#[component]
fn ColourSwatches(
    /// `(colour, text)` pairs on offer; the text marks a sold-out colour.
    options: Signal<Vec<(String, String)>>,
    value: Signal<Option<String>>,
    #[prop(into)] on_pick: Callback<String>,
) -> impl IntoView {
    view! {
        <Show when=move || !options.read().is_empty()>
            <fieldset class="swatches">
                <legend>"Colour"</legend>
                {move || {
                    let chosen = value.get();
                    options
                        .get()
                        .into_iter()
                        .map(|(colour, text)| {
                            let selected = chosen.as_deref() == Some(colour.as_str());
                            let fill = swatch_colour(&colour);
                            view! {
                                <label class="swatch">
                                    <input
                                        type="radio"
                                        name="colour"
                                        value=colour
                                        checked=selected
                                        prop:checked=selected
                                        on:change=move |ev| on_pick.run(event_target_value(&ev))
                                    />
                                    <svg class="swatch__chip" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                                        <circle cx="12" cy="12" r="11" fill=fill stroke="#00000040"/>
                                    </svg>
                                    <span>{text}</span>
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
        </Show>
    }
}

/// The product on a page served as islands: the part of the page that runs in the browser.
#[cfg(any(feature = "ssr", not(feature = "split")))]
#[island(lazy)]
fn ProductViewIsland(
    product: wire::Packed<ProductDetail>,
    initial: wire::Packed<Selection>,
) -> impl IntoView {
    view! { <ProductView product=product.0 initial=initial.0/> }
}

/// The product with its variant picker and "Add to cart".
#[component]
fn ProductView(product: ProductDetail, initial: Selection) -> impl IntoView {
    let ProductDetail {
        info,
        models,
        offer,
    } = product;
    let ProductInfo {
        slug,
        name,
        tagline,
        description,
        style_label,
        ..
    } = info;
    let slug = StoredValue::new(slug);
    let models = StoredValue::new(models);
    let opened_on = StoredValue::new(initial.clone());
    let wanted = RwSignal::new(initial);
    // The phones whose variants have arrived: the page's own, then each one the shopper picks.
    let offers = RwSignal::new(vec![offer]);
    let model =
        Memo::new(move |_| models.with_value(|m| pick_model(m, wanted.read().model.as_deref())));
    // The variants on show: the chosen phone's once they have arrived, the previous ones until
    // then (so the picker does not flicker while they load).
    let shown = Memo::new(move |previous: Option<&ModelOffer>| {
        let chosen = model.get();
        offers.with(|all| {
            all.iter()
                .find(|o| o.model == chosen)
                .or(previous)
                .cloned()
                .unwrap_or_default()
        })
    });
    let loading = move || shown.with(|o| o.model != model.get());
    let current = Memo::new(move |_| shown.with(|o| resolve(&o.variants, &wanted.read()).cloned()));
    // The address names the variant on show, so it can be shared, and Back returns to the one
    // shown before. The page's own first variant keeps the address it was opened with.
    Effect::new(move |previous: Option<Option<String>>| {
        let sku = current.with(|v| v.as_ref().map(|v| v.sku.clone()));
        if let (Some(_), Some(sku)) = (&previous, &sku) {
            if address::param(&address::query(), "sku").as_ref() != Some(sku) {
                address::push(&format!("?sku={sku}"));
            }
        }
        sku
    });
    address::on_back_or_forward(move |query| {
        let sku = address::param(&query, "sku");
        let shown_before = offers.with_untracked(|all| {
            all.iter().find_map(|o| {
                o.variants
                    .iter()
                    .find(|v| Some(&v.sku) == sku.as_ref())
                    .map(|v| Selection::of(o.model.as_deref(), v))
            })
        });
        wanted.set(shown_before.unwrap_or_else(|| opened_on.get_value()));
    });
    let chosen = move || {
        let picked = current.with(|v| {
            v.as_ref()
                .map(|v| Selection::of(None, v))
                .unwrap_or_default()
        });
        Selection {
            model: model.get(),
            ..picked
        }
    };

    // Fetches a phone's variants the first time the shopper picks it (and again when asked
    // after a failure). A failure is told only while its phone is the chosen one.
    let failed = RwSignal::new(None::<(Option<String>, AppError)>);
    let offer_failed = move || {
        failed.with(|f| {
            f.as_ref()
                .filter(|(phone, _)| *phone == model.get())
                .map(|(_, error)| error.clone())
        })
    };
    let requested = StoredValue::new(Vec::<Option<String>>::new());
    let fetch_offer = move |phone: Option<String>| {
        let have = offers.with_untracked(|all| all.iter().any(|o| o.model == phone));
        if have || requested.with_value(|r| r.contains(&phone)) {
            return;
        }
        requested.update_value(|r| r.push(phone.clone()));
        failed.set(None);
        leptos::task::spawn_local(async move {
            let answer = product_offer(slug.get_value(), phone.clone()).await;
            requested.update_value(|r| r.retain(|p| p != &phone));
            match answer {
                Ok(offer) => offers.update(|all| all.push(offer)),
                Err(error) => failed.set(Some((phone, error))),
            }
        });
    };
    Effect::new(move |_| fetch_offer(model.get()));

    let model_choices = Signal::derive(move || {
        models.with_value(|m| m.iter().map(|m| (m.slug.clone(), m.name.clone())).collect())
    });
    let styles = Signal::derive(move || {
        shown.with(|o| {
            style_options(&o.variants)
                .into_iter()
                .map(|s| {
                    let of_style = o.variants.iter().filter(|v| v.style.as_ref() == Some(&s));
                    (s.clone(), option_text(&s, of_style))
                })
                .collect()
        })
    });
    let colours = Signal::derive(move || {
        let style = chosen().style;
        shown.with(|o| {
            colour_options(&o.variants, style.as_deref())
                .into_iter()
                .map(|c| {
                    let of_colour = o.variants.iter().filter(|v| {
                        v.style.as_deref() == style.as_deref() && v.colour.as_ref() == Some(&c)
                    });
                    (c.clone(), option_text(&c, of_colour))
                })
                .collect()
        })
    });

    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let cart = CartStore::expect();
    let added = RwSignal::new(None::<String>);
    // How many more of the chosen variant the cart can take: stock and the line limit.
    let room = move || {
        current.get().map_or(0, |v| {
            let in_cart = cart.cart.read().quantity_of(&v.sku);
            v.stock.min(MAX_LINE_QUANTITY).saturating_sub(in_cart)
        })
    };
    let add_to_cart = move |_| {
        let Some(variant) = current.get_untracked() else {
            return;
        };
        if loading() || room() == 0 {
            return;
        }
        cart.update(|c| {
            c.add(&variant.sku, 1);
        });
        let in_cart = cart.cart.read_untracked().quantity_of(&variant.sku);
        added.set(Some(format!(
            "Added to your cart ({in_cart} of this option)."
        )));
    };
    let add_label = move || {
        let out = current.get().is_none_or(|v| !v.stock_level().can_buy());
        match (out, room()) {
            (true, _) => "Out of stock",
            (false, 0) => "Limit reached in your cart",
            _ => "Add to cart",
        }
    };

    let alt = {
        let name = name.clone();
        move || {
            let c = chosen();
            let details: Vec<String> = [
                c.model.and_then(|slug| {
                    models.with_value(|m| m.iter().find(|m| m.slug == slug).map(|m| m.name.clone()))
                }),
                c.style,
                c.colour,
            ]
            .into_iter()
            .flatten()
            .collect();
            if details.is_empty() {
                name.clone()
            } else {
                format!("{name}: {}", details.join(", "))
            }
        }
    };

    view! {
        <article class="product">
            <div class="product__media">
                <img
                    src=move || current.get().map(|v| v.image).unwrap_or_default()
                    alt=alt
                    width="400"
                    height="400"
                />
            </div>
            <div class="product__info">
                <h1>{name.clone()}</h1>
                <p class="product__tagline">{tagline}</p>
                <p class="product__price" data-testid="price">
                    {move || current.get().map(|v| v.price.to_string()).unwrap_or_default()}
                </p>
                <p
                    class="product__stock"
                    data-testid="stock"
                    class:stock--low=move || {
                        current.get().is_some_and(|v| matches!(v.stock_level(), StockLevel::Low(_)))
                    }
                    class:stock--out=move || current.get().is_some_and(|v| !v.stock_level().can_buy())
                    role="status"
                    aria-live="polite"
                >
                    {move || current.get().map(|v| v.stock_level().to_string()).unwrap_or_else(|| "Unavailable".into())}
                </p>
                <form
                    class="picker"
                    method="get"
                    aria-busy=move || loading().to_string()
                    on:submit=|ev| ev.prevent_default()
                >
                    <OptionSelect
                        id="pick-model"
                        name="model"
                        label="Phone model"
                        options=model_choices
                        value=Signal::derive(move || chosen().model)
                        on_pick=move |m| wanted.update(|w| w.model = Some(m))
                    />
                    <OptionSelect
                        id="pick-style"
                        name="style"
                        label=style_label
                        options=styles
                        value=Signal::derive(move || chosen().style)
                        on_pick=move |s| wanted.update(|w| w.style = Some(s))
                    />
                    <ColourSwatches
                        options=colours
                        value=Signal::derive(move || chosen().colour)
                        on_pick=move |c| wanted.update(|w| w.colour = Some(c))
                    />
                    // Without JavaScript the choice is sent as a query; once hydrated it
                    // applies instantly and this button is not needed.
                    <button type="submit" class="button button--small" hidden=move || hydrated.get()>
                        "Show this option"
                    </button>
                </form>
                {move || {
                    offer_failed()
                        .map(|error| view! {
                            <div class="notice notice--error" role="alert">
                                <p>{error.to_string()}</p>
                                <button
                                    type="button"
                                    class="button button--small"
                                    on:click=move |_| fetch_offer(model.get_untracked())
                                >
                                    "Try again"
                                </button>
                            </div>
                        })
                }}
                <button
                    type="button"
                    class="button button--block"
                    disabled=move || !hydrated.get() || loading() || room() == 0
                    on:click=add_to_cart
                >
                    {add_label}
                </button>
                <p class="product__added" role="status" aria-live="polite">
                    {move || added.get().map(|message| view! { {message}" "<a href="/cart">"View cart"</a> })}
                </p>
                <p class="product__sku">"SKU "<span data-testid="sku">{move || current.get().map(|v| v.sku).unwrap_or_default()}</span></p>
                <p class="product__description">{description}</p>
                <ul class="perks">
                    <li>"Designed, made and sold by us"</li>
                    <li>"Limited lifetime warranty against defects in material or workmanship"</li>
                </ul>
            </div>
        </article>
    }
    .into_any()
}
