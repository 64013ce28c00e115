//! Catalog pages for admins: the product list with a new-product form, and one product with
//! its variants (a table of their own, `variant_table`), a form for a new variant, its text and
//! visibility, and the stock history.

use super::catalog::{
    list_products, product_for_staff, AddVariant, ChangeVariants, SaveProduct, SaveVariant,
};
use super::pages::StaffFrame;
use super::variant_table::{TableState, VariantTable};
use crate::catalog::art::{Art, PALETTE};
use crate::catalog::model::Category;
use crate::catalog::staff::{ProductForm, StaffProduct, StaffProductRow, StockMovementRow};
use crate::forms::{FormFailure, FormResult, FormState};
use crate::local_time::format_time;
use crate::page::{when_loaded, Loading, TableScroll};
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
        <TableScroll label="Products">
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
        </TableScroll>
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
    let actions = Actions {
        save: ServerAction::<SaveProduct>::new(),
        save_variant: ServerAction::<SaveVariant>::new(),
        add_variant: ServerAction::<AddVariant>::new(),
        change: ServerAction::<ChangeVariants>::new(),
        photos_taken: RwSignal::new(0),
    };
    let table = TableState::default();
    // A row's own save is not among these: reading the product again would redraw the table
    // under what staff are typing in the next row.
    let product = wire::resource(
        move || {
            (
                slug(),
                actions.save.version().get(),
                actions.add_variant.version().get(),
                actions.change.version().get(),
                actions.photos_taken.get(),
            )
        },
        |(slug, ..)| product_for_staff(slug),
    );
    view! {
        <StaffFrame title="Product" heading_id="product-edit-title" body=move |_| view! {
            <p><a href="/admin/products">"All products"</a></p>
            // A transition keeps the page drawn while it is read again, so the scroll position
            // stays where staff were.
            <Transition fallback=Loading>
                {when_loaded(product, move |product| view! { <ProductView product actions table/> })}
            </Transition>
        }.into_any()/>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveProduct>,
    save_variant: ServerAction<SaveVariant>,
    add_variant: ServerAction<AddVariant>,
    change: ServerAction<ChangeVariants>,
    photos_taken: RwSignal<u32>,
}

#[component]
fn ProductView(product: StaffProduct, actions: Actions, table: TableState) -> impl IntoView {
    let shop_link = (!product.hidden).then(|| format!("/products/{}", product.slug));
    view! {
        <h2 data-testid="product-name">{product.form.name.clone()}</h2>
        <p>
            {if product.hidden { "Hidden from the shop." } else { "Shown in the shop." }}" "
            {shop_link.map(|href| view! { <a href=href>"See it in the shop"</a> })}
        </p>
        <VariantTable product=product.slug.clone() variants=product.variants
            low_stock=i64::from(product.low_stock_threshold) table
            save=actions.save_variant change=actions.change photos_taken=actions.photos_taken/>
        <NewVariant product=product.slug.clone() models=product.models add=actions.add_variant/>
        <section class="panel" aria-labelledby="details-title">
            <h2 id="details-title">"Details"</h2>
            <ProductEditor slug=product.slug form=product.form hidden=product.hidden save=actions.save/>
        </section>
        <StockHistory movements=product.movements/>
    }
}

#[component]
fn StockHistory(movements: Vec<StockMovementRow>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="movements-title">
            <h2 id="movements-title">"Stock history"</h2>
            {if movements.is_empty() {
                view! { <p>"No stock has moved yet."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Stock history">
                        <table class="staff-table" data-testid="movements">
                            <caption>"Latest changes of stock, newest first"</caption>
                            <thead><tr><th scope="col">"When"</th><th scope="col">"SKU"</th><th scope="col">"Change"</th><th scope="col">"Why"</th><th scope="col">"By"</th></tr></thead>
                            <tbody>
                                {movements.into_iter().map(|m| view! {
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
                    </TableScroll>
                }.into_any()
            }}
        </section>
    }
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
