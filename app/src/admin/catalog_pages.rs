//! Catalog pages for admins: the product list with a new-product form, and one product with
//! its text, visibility, variants (price, on sale, picture: an uploaded photo or a drawing,
//! stock adjusted with a reason), a form for a new variant and the stock history.

use super::catalog::{
    list_products, product_for_staff, AddVariant, AdjustStock, SaveProduct, SaveVariant, UseDrawing,
};
use super::pages::StaffFrame;
use crate::catalog::art::{Art, PALETTE};
use crate::catalog::model::Category;
use crate::catalog::staff::{ProductForm, StaffProduct, StaffProductRow, StaffVariant};
use crate::forms::{FormFailure, FormResult, FormState};
use crate::orders::model::format_time;
use crate::page::{when_loaded, Loading};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductsPage() -> impl IntoView {
    let create = ServerAction::<SaveProduct>::new();
    let products = wire::resource(move || create.version().get(), |_| list_products());
    view! {
        <StaffFrame title="Products" heading_id="products-title" body=move |_| view! {
            <Suspense fallback=Loading>
                {when_loaded(products, |rows| view! { <ProductTable rows/> })}
            </Suspense>
            <section class="panel" aria-labelledby="new-product-title">
                <h2 id="new-product-title">"New product"</h2>
                <p class="note">"A new product stays hidden until you show it, once it has variants to sell."</p>
                <ProductEditor slug=String::new() form=ProductForm { low_stock: "5".into(), ..Default::default() } hidden=true save=create/>
            </section>
        }.into_any()/>
    }
}

#[component]
fn ProductTable(rows: Vec<StaffProductRow>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="staff-table">
                <caption>"Products, in shop order"</caption>
                <thead>
                    <tr><th scope="col">"Product"</th><th scope="col">"Category"</th><th scope="col">"Shown"</th><th scope="col">"Variants"</th><th scope="col">"In stock"</th><th scope="col">"Low stock"</th></tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr data-testid="product-row">
                            <td><a href=format!("/admin/products/{}", row.slug)>{row.name}</a></td>
                            <td>{row.category.label()}</td>
                            <td>{if row.hidden { "Hidden" } else { "Shown" }}</td>
                            <td>{row.variants}</td>
                            <td>{row.stock}</td>
                            <td>{(row.low_variants > 0).then(|| view! {
                                <span class="status status--low">{format!("{} low", row.low_variants)}</span>
                            })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The product's text, category, low-stock level and visibility; `slug` empty for a new one.
#[component]
fn ProductEditor(
    slug: String,
    form: ProductForm,
    hidden: bool,
    save: ServerAction<SaveProduct>,
) -> impl IntoView {
    let state = FormState::new(move || save.value().get());
    let new = slug.is_empty();
    let prefix = if new { "new" } else { "edit" };
    let saved = move || !new && matches!(save.value().get(), Some(Ok(FormResult::Done)));
    let text = move |name: &'static str, label: &'static str, value: String, long: bool| {
        let id = format!("{prefix}-{name}");
        let error = move || state.errors.read().get(name);
        let input_name = format!("form[{name}]");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                {if long {
                    view! { <textarea id=id name=input_name rows="4">{value}</textarea> }.into_any()
                } else {
                    view! { <input id=id name=input_name value=value autocomplete="off"/> }.into_any()
                }}
                <p class="field-error" role="alert">{error}</p>
            </div>
        }
    };
    let category_id = format!("{prefix}-category");
    let selected = form.category.clone();
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            <input type="hidden" name="slug" value=slug/>
            {text("name", "Name", form.name, false)}
            <div class="field">
                <label for=category_id.clone()>"Category"</label>
                <select id=category_id name="form[category]">
                    {Category::ALL.into_iter().map(|c| view! {
                        <option value=c.slug() selected=c.slug() == selected>{c.label()}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || state.errors.read().get("category")}</p>
            </div>
            {text("tagline", "Tagline", form.tagline, false)}
            {text("description", "Description", form.description, true)}
            {text("style_label", "Name of the style option (such as Case type)", form.style_label, false)}
            {text("low_stock", "Low stock at (units per variant)", form.low_stock, false)}
            {(!new).then(|| view! {
                <div class="field field--check">
                    <input id="edit-shown" name="shown" type="checkbox" checked=!hidden/>
                    <label for="edit-shown">"Shown in the shop"</label>
                </div>
            })}
            <FormFailure form=state/>
            <p role="status">{move || saved().then_some("Saved. The shop shows the change now.")}</p>
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {if new { "Create product" } else { "Save product" }}
            </button>
        </ActionForm>
    }
}

#[component]
pub fn ProductEditPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let save = ServerAction::<SaveProduct>::new();
    let save_variant = ServerAction::<SaveVariant>::new();
    let add_variant = ServerAction::<AddVariant>::new();
    let adjust = ServerAction::<AdjustStock>::new();
    let actions = Actions {
        save,
        save_variant,
        add_variant,
        adjust,
        use_drawing: ServerAction::<UseDrawing>::new(),
        photos_taken: RwSignal::new(0),
        photo_refused: RwSignal::new(None),
    };
    let product = wire::resource(
        move || {
            (
                slug(),
                save.version().get(),
                save_variant.version().get(),
                add_variant.version().get(),
                adjust.version().get(),
                actions.use_drawing.version().get(),
                actions.photos_taken.get(),
            )
        },
        |(slug, ..)| product_for_staff(slug),
    );
    view! {
        <StaffFrame title="Product" heading_id="product-edit-title" body=move |_| view! {
            <p><a href="/admin/products">"All products"</a></p>
            <Suspense fallback=Loading>
                {when_loaded(product, move |product| view! { <ProductView product actions/> })}
            </Suspense>
        }.into_any()/>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveProduct>,
    save_variant: ServerAction<SaveVariant>,
    add_variant: ServerAction<AddVariant>,
    adjust: ServerAction<AdjustStock>,
    use_drawing: ServerAction<UseDrawing>,
    /// Counts the photos the shop took, so the product is read again after each.
    photos_taken: RwSignal<u32>,
    /// Why the last photo sent was refused.
    photo_refused: RwSignal<Option<String>>,
}

#[component]
fn ProductView(product: StaffProduct, actions: Actions) -> impl IntoView {
    let variant_form = FormState::new(move || actions.save_variant.value().get());
    let adjust_form = FormState::new(move || actions.adjust.value().get());
    let drawing_form = FormState::new(move || actions.use_drawing.value().get());
    let price_saved = move || {
        matches!(
            actions.save_variant.value().get(),
            Some(Ok(FormResult::Done))
        )
    };
    let threshold = i64::from(product.low_stock_threshold);
    let shop_link = (!product.hidden).then(|| format!("/products/{}", product.slug));
    view! {
        <h2 data-testid="product-name">{product.form.name.clone()}</h2>
        <p>
            {if product.hidden { "Hidden from the shop." } else { "Shown in the shop." }}" "
            {shop_link.map(|href| view! { <a href=href>"See it in the shop"</a> })}
        </p>
        <section class="panel" aria-labelledby="variants-title">
            <h2 id="variants-title">"Variants"</h2>
            <p class="field-error" role="alert" data-testid="variant-error">
                {move || variant_form.errors.read().get("price").or_else(|| adjust_form.errors.read().get("change")).or_else(|| adjust_form.errors.read().get("reason")).or_else(|| actions.photo_refused.get())}
            </p>
            <p role="status" data-testid="variant-saved">
                {move || price_saved().then_some("Saved. The shop shows the new price now.")}
            </p>
            <FormFailure form=variant_form/>
            <FormFailure form=adjust_form/>
            <FormFailure form=drawing_form/>
            {if product.variants.is_empty() {
                view! { <p>"No variants yet: add one below."</p> }.into_any()
            } else {
                view! {
                    <ul class="variants">
                        {product.variants.into_iter().map(|variant| view! { <VariantRow variant threshold actions/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <NewVariant product=product.slug.clone() models=product.models add=actions.add_variant/>
        <section class="panel" aria-labelledby="details-title">
            <h2 id="details-title">"Details"</h2>
            <ProductEditor slug=product.slug form=product.form hidden=product.hidden save=actions.save/>
        </section>
        <section class="panel" aria-labelledby="movements-title">
            <h2 id="movements-title">"Stock history"</h2>
            {if product.movements.is_empty() {
                view! { <p>"No stock has moved yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="staff-table" data-testid="movements">
                            <caption>"Latest changes of stock, newest first"</caption>
                            <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"SKU"</th><th scope="col">"Change"</th><th scope="col">"Why"</th><th scope="col">"By"</th></tr></thead>
                            <tbody>
                                {product.movements.into_iter().map(|m| view! {
                                    <tr>
                                        <td>{format_time(m.at)}</td>
                                        <td>{m.sku}</td>
                                        <td>{format!("{:+}", m.change)}</td>
                                        <td>
                                            {m.reason}
                                            {m.order_number.map(|n| view! { " · "<a href=format!("/admin/orders/{n}")>{n.clone()}</a> })}
                                            {(!m.note.is_empty()).then(|| format!(" · {}", m.note))}
                                        </td>
                                        <td>{m.by.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn VariantRow(variant: StaffVariant, threshold: i64, actions: Actions) -> impl IntoView {
    let describe = [
        variant.model.clone(),
        variant.style.clone(),
        variant.colour.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let low = variant.on_sale && variant.stock <= threshold;
    let (on_sale, price_text) = (variant.on_sale, variant.price.amount().to_string());
    let key = variant.sku.to_ascii_lowercase();
    let (price_sku, stock_sku, drawing_sku) = (
        variant.sku.clone(),
        variant.sku.clone(),
        variant.sku.clone(),
    );
    let (price_id, sale_id, change_id, reason_id, photo_id, drawing_id) = (
        format!("price-{key}"),
        format!("sale-{key}"),
        format!("change-{key}"),
        format!("reason-{key}"),
        format!("photo-{key}"),
        format!("drawing-{key}"),
    );
    let sending = RwSignal::new(None::<u32>);
    let on_photo = {
        let sku = variant.sku.clone();
        move |event: leptos::ev::Event| send_photo(&event, &sku, sending, actions)
    };
    view! {
        <li class="variant-row" data-testid="variant" data-sku=variant.sku.clone()>
            <img src=variant.image.clone() alt="" width="48" height="48"/>
            <div>
                <strong>{if describe.is_empty() { "One size".to_owned() } else { describe }}</strong><br/>
                <small>{variant.sku.clone()}" · "<span data-testid="variant-stock">{format!("{} in stock", variant.stock)}</span></small>
                {low.then(|| view! { " "<span class="status status--low">"Low stock"</span> })}
            </div>
            <ActionForm action=actions.save_variant attr:class="form variant-form" attr:novalidate=true>
                <input type="hidden" name="sku" value=price_sku.clone()/>
                <div class="field field--inline">
                    <label for=price_id.clone()>"Price ($)"</label>
                    <input id=price_id name="price" inputmode="decimal" value=price_text.clone() autocomplete="off"/>
                </div>
                <div class="field field--check">
                    <input id=sale_id.clone() name="on_sale" type="checkbox" checked=on_sale/>
                    <label for=sale_id>"On sale"</label>
                </div>
                <button type="submit" class="button button--ghost">"Save"</button>
            </ActionForm>
            <ActionForm action=actions.adjust attr:class="form variant-form" attr:novalidate=true>
                <input type="hidden" name="sku" value=stock_sku.clone()/>
                <div class="field field--inline">
                    <label for=change_id.clone()>"Add or remove units"</label>
                    <input id=change_id name="change" inputmode="numeric" placeholder="+12 or -3" autocomplete="off"/>
                </div>
                <div class="field">
                    <label for=reason_id.clone()>"Reason"</label>
                    <input id=reason_id name="reason" placeholder="Delivery, breakage, recount" autocomplete="off"/>
                </div>
                <button type="submit" class="button button--ghost">"Adjust stock"</button>
            </ActionForm>
            <div class="variant-picture">
                <div class="field">
                    <label for=photo_id.clone()>"Upload a photo"</label>
                    <input id=photo_id type="file" accept="image/jpeg,image/png,image/webp" on:change=on_photo
                        disabled=move || sending.get().is_some()/>
                    {move || sending.get().map(|percent| view! {
                        <progress max="100" value=percent aria-label="Photo sent">{format!("{percent}%")}</progress>
                    })}
                </div>
                <ActionForm action=actions.use_drawing attr:class="form variant-form" attr:novalidate=true>
                    <input type="hidden" name="sku" value=drawing_sku.clone()/>
                    <div class="field">
                        <label for=drawing_id.clone()>"Or a drawing"</label>
                        <select id=drawing_id name="art">
                            {Art::ALL.into_iter().map(|art| view! { <option value=art.slug()>{art.slug().replace('-', " ")}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button button--ghost">"Use drawing"</button>
                </ActionForm>
            </div>
        </li>
    }
}

/// Sends the photo chosen in the file input that fired `event` as `sku`'s picture, showing its
/// progress in `sending`; the product is read again once the shop has it.
fn send_photo(
    event: &leptos::ev::Event,
    sku: &str,
    sending: RwSignal<Option<u32>>,
    actions: Actions,
) {
    #[cfg(feature = "hydrate")]
    {
        use crate::photos::upload_client::{chosen_files, send_to};
        let Some(file) = chosen_files(event).into_iter().next() else {
            return;
        };
        actions.photo_refused.set(None);
        sending.set(Some(0));
        send_to(
            &format!("{}/{sku}", crate::catalog::PICTURE_UPLOAD_PATH),
            None,
            &file,
            move |percent| {
                sending.try_set(Some(percent.min(100)));
            },
            move |outcome| {
                sending.try_set(None);
                match outcome {
                    Ok(_) => {
                        actions.photos_taken.try_update(|n| *n += 1);
                    }
                    Err(why) => {
                        actions.photo_refused.try_set(Some(why));
                    }
                }
            },
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, sku, sending, actions);
}

#[component]
fn NewVariant(
    product: String,
    models: Vec<crate::catalog::model::PhoneModel>,
    add: ServerAction<AddVariant>,
) -> impl IntoView {
    let form = FormState::new(move || add.value().get());
    let error = move |field: &'static str| move || form.errors.read().get(field);
    view! {
        <section class="panel" aria-labelledby="new-variant-title">
            <h2 id="new-variant-title">"Add a variant"</h2>
            <ActionForm action=add attr:class="form" attr:novalidate=true>
                <input type="hidden" name="product" value=product/>
                <div class="field">
                    <label for="variant-model">"Phone model"</label>
                    <select id="variant-model" name="model">
                        <option value="">"None (fits any phone)"</option>
                        {models.into_iter().map(|m| view! { <option value=m.slug>{format!("{} {}", m.brand, m.name)}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{error("model")}</p>
                </div>
                <div class="field">
                    <label for="variant-style">"Style (optional)"</label>
                    <input id="variant-style" name="style" autocomplete="off"/>
                    <p class="field-error" role="alert">{error("style")}</p>
                </div>
                <div class="field">
                    <label for="variant-colour">"Colour"</label>
                    <select id="variant-colour" name="colour">
                        <option value="">"No particular colour"</option>
                        {PALETTE.iter().map(|(name, _)| view! { <option value=*name>{*name}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{error("colour")}</p>
                </div>
                <div class="field">
                    <label for="variant-art">"Picture (the shop's own drawings)"</label>
                    <select id="variant-art" name="art">
                        {Art::ALL.into_iter().map(|art| view! { <option value=art.slug()>{art.slug().replace('-', " ")}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{error("art")}</p>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="variant-price">"Price ($)"</label>
                        <input id="variant-price" name="price" inputmode="decimal" autocomplete="off"/>
                        <p class="field-error" role="alert">{error("price")}</p>
                    </div>
                    <div class="field">
                        <label for="variant-stock">"Units in stock"</label>
                        <input id="variant-stock" name="stock" inputmode="numeric" value="0" autocomplete="off"/>
                        <p class="field-error" role="alert">{error("stock")}</p>
                    </div>
                </div>
                <FormFailure form/>
                <button type="submit" class="button" disabled=move || add.pending().get()>"Add variant"</button>
            </ActionForm>
        </section>
    }
}
