//! A product's variants as one table for staff: filters (phone, type, colour, stock), a
//! selection and what to do to it at once (price, on sale, stock, picture), and each row's
//! price and on-sale state saved where it is typed, without reading the page again, so the
//! scroll position and everything else typed stay as they are.

use super::catalog::{ChangeVariants, SaveVariant};
use crate::catalog::art::Art;
use crate::catalog::staff::StaffVariant;
use crate::forms::{empty_on_success, submission_key, FormFailure, FormResult, FormState};
use crate::page::TableScroll;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Which variants a stock filter keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StockFilter {
    #[default]
    Any,
    InStock,
    /// On sale, at or below the product's low-stock level.
    Low,
    SoldOut,
}

impl StockFilter {
    const ALL: [StockFilter; 4] = [
        StockFilter::Any,
        StockFilter::InStock,
        StockFilter::Low,
        StockFilter::SoldOut,
    ];

    fn slug(self) -> &'static str {
        match self {
            StockFilter::Any => "",
            StockFilter::InStock => "in-stock",
            StockFilter::Low => "low",
            StockFilter::SoldOut => "sold-out",
        }
    }

    fn label(self) -> &'static str {
        match self {
            StockFilter::Any => "Any stock",
            StockFilter::InStock => "In stock",
            StockFilter::Low => "Running low",
            StockFilter::SoldOut => "Sold out",
        }
    }
}

/// The table's filters: an empty text keeps every value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub model: String,
    pub style: String,
    pub colour: String,
    pub stock: StockFilter,
}

impl Filters {
    pub fn keeps(&self, variant: &StaffVariant, low_stock: i64) -> bool {
        let same = |wanted: &str, value: &Option<String>| {
            wanted.is_empty() || value.as_deref().unwrap_or(NONE) == wanted
        };
        same(&self.model, &variant.model)
            && same(&self.style, &variant.style)
            && same(&self.colour, &variant.colour)
            && match self.stock {
                StockFilter::Any => true,
                StockFilter::InStock => variant.stock > 0,
                StockFilter::Low => variant.on_sale && variant.stock <= low_stock,
                StockFilter::SoldOut => variant.stock <= 0,
            }
    }
}

/// The filter value of variants without a phone, style or colour.
const NONE: &str = "-";

/// What the table keeps while the product is read again after a change: the filters and the
/// selection. Held by the page, outside the part that is drawn again.
#[derive(Clone, Copy)]
pub struct TableState {
    filters: RwSignal<Filters>,
    selected: RwSignal<BTreeSet<String>>,
}

impl Default for TableState {
    fn default() -> TableState {
        TableState {
            filters: RwSignal::new(Filters::default()),
            selected: RwSignal::new(BTreeSet::new()),
        }
    }
}

/// How a variant is named in the table: its phone, style and colour.
fn describe(variant: &StaffVariant) -> String {
    let parts = [&variant.model, &variant.style, &variant.colour]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>();
    if parts.is_empty() {
        "One size".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// The distinct values of one option among the variants, in their order, "-" for none.
fn options_of(
    variants: &[StaffVariant],
    value: impl Fn(&StaffVariant) -> &Option<String>,
) -> Vec<String> {
    let mut seen = Vec::<String>::new();
    for variant in variants {
        let v = value(variant).clone().unwrap_or_else(|| NONE.to_owned());
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

/// "1 variant", "3 variants".
fn variants_text(n: usize) -> String {
    crate::words::counted(n as u64, "variant", "variants")
}

#[component]
pub fn VariantTable(
    product: String,
    variants: Vec<StaffVariant>,
    low_stock: i64,
    table: TableState,
    save: ServerAction<SaveVariant>,
    change: ServerAction<ChangeVariants>,
    /// Counts the photos the shop took, so the product is read again after each.
    photos_taken: RwSignal<u32>,
) -> impl IntoView {
    let variants = StoredValue::new(variants);
    let total = variants.with_value(Vec::len);
    let shown_skus = Memo::new(move |_| {
        let filters = table.filters.get();
        variants.with_value(|all| {
            all.iter()
                .filter(|v| filters.keeps(v, low_stock))
                .map(|v| v.sku.clone())
                .collect::<BTreeSet<_>>()
        })
    });
    // A filter drops what it hides from the selection: a change applies to what staff see.
    let set_filter = move |update: &dyn Fn(&mut Filters, String), value: String| {
        table.filters.update(|f| update(f, value));
        let shown = shown_skus.get_untracked();
        table
            .selected
            .update(|s| s.retain(|sku| shown.contains(sku)));
    };
    let filter_select = move |id: &'static str,
                              label: &'static str,
                              any: &'static str,
                              values: Vec<String>,
                              current: fn(&Filters) -> String,
                              update: fn(&mut Filters, String)| {
        (values.len() > 1).then(|| {
            view! {
                <div class="field">
                    <label for=id>{label}</label>
                    <select id=id prop:value=move || current(&table.filters.read())
                        on:change=move |ev| set_filter(&update, event_target_value(&ev))>
                        <option value="">{any}</option>
                        {values.into_iter().map(|v| {
                            let text = if v == NONE { "None".to_owned() } else { v.clone() };
                            view! { <option value=v>{text}</option> }
                        }).collect_view()}
                    </select>
                </div>
            }
        })
    };
    let (models, styles, colours) = variants.with_value(|all| {
        (
            options_of(all, |v| &v.model),
            options_of(all, |v| &v.style),
            options_of(all, |v| &v.colour),
        )
    });
    let selected_count = move || table.selected.read().len();
    let all_shown_selected = move || {
        let shown = shown_skus.read();
        !shown.is_empty() && shown.iter().all(|sku| table.selected.read().contains(sku))
    };
    let toggle_all = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let shown = shown_skus.get_untracked();
        table.selected.update(|s| {
            if on {
                s.extend(shown);
            } else {
                s.retain(|sku| !shown.contains(sku));
            }
        });
    };
    // Which row's inline save the page is reporting on.
    let saving = RwSignal::new(None::<(String, String)>);
    let save_note = move || {
        let (_, name) = saving.get()?;
        if save.pending().get() {
            return Some(format!("Saving {name}…"));
        }
        matches!(save.value().get(), Some(Ok(FormResult::Done)))
            .then(|| format!("Saved {name}. The shop shows it now."))
    };
    let save_error = move || match save.value().get() {
        Some(Ok(FormResult::Invalid(errors))) => errors.get("price"),
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    view! {
        <section class="panel" aria-labelledby="variants-title">
            <h2 id="variants-title">"Variants"</h2>
            {if total == 0 {
                view! { <p>"No variants yet: add one below."</p> }.into_any()
            } else {
                view! {
                    <div class="variant-filters" role="search" aria-label="Filter the variants">
                        {filter_select("filter-model", "Phone", "Any phone", models, |f| f.model.clone(), |f, v| f.model = v)}
                        {filter_select("filter-style", "Type", "Any type", styles, |f| f.style.clone(), |f, v| f.style = v)}
                        {filter_select("filter-colour", "Colour", "Any colour", colours, |f| f.colour.clone(), |f, v| f.colour = v)}
                        <div class="field">
                            <label for="filter-stock">"Stock"</label>
                            <select id="filter-stock" prop:value=move || table.filters.read().stock.slug()
                                on:change=move |ev| set_filter(&|f, v| {
                                    f.stock = StockFilter::ALL.into_iter().find(|s| s.slug() == v).unwrap_or_default();
                                }, event_target_value(&ev))>
                                {StockFilter::ALL.into_iter().map(|s| view! { <option value=s.slug()>{s.label()}</option> }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <p data-testid="variant-count">
                        {move || format!("Showing {} of {}", shown_skus.read().len(), variants_text(total))}
                        " · "
                        <span data-testid="selected-count">{move || format!("{} selected", selected_count())}</span>
                    </p>
                    <Selection product=product.clone() table change photos_taken count=Signal::derive(selected_count)/>
                    <p role="status" data-testid="variant-saved">{save_note}</p>
                    <p class="field-error" role="alert" data-testid="variant-row-error">
                        {move || save_error().map(|e| format!("{}: {e}", saving.get().map(|(_, name)| name).unwrap_or_default()))}
                    </p>
                    <TableScroll label="Variants">
                        <table class="staff-table variant-table">
                            <caption class="visually-hidden">"Variants of this product"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">
                                        <input type="checkbox" id="select-all" aria-label="Select every variant shown"
                                            prop:checked=all_shown_selected on:change=toggle_all/>
                                    </th>
                                    <th scope="col"><span class="visually-hidden">"Picture"</span></th>
                                    <th scope="col">"Variant"</th>
                                    <th scope="col">"Price ($)"</th>
                                    <th scope="col">"On sale"</th>
                                    <th scope="col">"Stock"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {variants.get_value().into_iter().map(|variant| {
                                    let sku = variant.sku.clone();
                                    let shown = Signal::derive(move || shown_skus.read().contains(&sku));
                                    view! { <VariantRow variant low_stock table shown save saving/> }
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
fn VariantRow(
    variant: StaffVariant,
    low_stock: i64,
    table: TableState,
    shown: Signal<bool>,
    save: ServerAction<SaveVariant>,
    saving: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let name = describe(&variant);
    let sku = variant.sku.clone();
    let key = sku.to_ascii_lowercase();
    let low = variant.on_sale && variant.stock <= low_stock;
    let price = RwSignal::new(variant.price.amount().to_string());
    let on_sale = RwSignal::new(variant.on_sale);
    let send = {
        let (sku, name) = (sku.clone(), name.clone());
        move || {
            saving.set(Some((sku.clone(), name.clone())));
            save.dispatch(SaveVariant {
                sku: sku.clone(),
                price: price.get_untracked(),
                on_sale: on_sale.get_untracked().then(|| "on".to_owned()),
            });
        }
    };
    let send_too = send.clone();
    let saved_here = {
        let sku = sku.clone();
        move || {
            saving.read().as_ref().is_some_and(|(s, _)| *s == sku)
                && !save.pending().get()
                && matches!(save.value().get(), Some(Ok(FormResult::Done)))
        }
    };
    let selected = {
        let sku = sku.clone();
        move || table.selected.read().contains(&sku)
    };
    let toggle = {
        let sku = sku.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            table.selected.update(|s| {
                if on {
                    s.insert(sku.clone());
                } else {
                    s.remove(&sku);
                }
            });
        }
    };
    view! {
        <tr data-testid="variant" data-sku=sku.clone() hidden=move || !shown.get() class:variant--saved=saved_here>
            <td>
                <input type="checkbox" id=format!("select-{key}") form="variant-selection"
                    name=format!("form[selected][{sku}]") aria-label=format!("Select {name}")
                    prop:checked=selected on:change=toggle disabled=move || !shown.get()/>
            </td>
            <td><img src=variant.image.clone() alt="" width="40" height="40"/></td>
            <th scope="row">
                {name.clone()}<br/>
                <small>{sku.clone()}</small>
                {low.then(|| view! { " "<span class="status status--low">"Low stock"</span> })}
            </th>
            <td>
                <input id=format!("price-{key}") class="price-input" inputmode="decimal" autocomplete="off"
                    aria-label=format!("Price of {name}") prop:value=price
                    on:input=move |ev| price.set(event_target_value(&ev))
                    on:change=move |_| send()/>
            </td>
            <td>
                <input type="checkbox" id=format!("sale-{key}") aria-label=format!("{name} on sale")
                    prop:checked=on_sale
                    on:change=move |ev| { on_sale.set(event_target_checked(&ev)); send_too() }/>
            </td>
            <td data-testid="variant-stock">{variant.stock}</td>
        </tr>
    }
}

/// The selection's form: what to do to every selected variant. Its checkboxes are in the
/// table's rows (`form="variant-selection"`); a new key comes with every change made, so the
/// same submission sent twice is refused by the shop.
#[component]
fn Selection(
    product: String,
    table: TableState,
    change: ServerAction<ChangeVariants>,
    photos_taken: RwSignal<u32>,
    count: Signal<usize>,
) -> impl IntoView {
    let state = FormState::new(move || change.value().get());
    let error = move |field: &'static str| move || state.errors.read().get(field);
    let done = move || {
        matches!(change.value().get(), Some(Ok(FormResult::Done)))
            .then_some("Done. The shop shows the change now.")
    };
    let none = move || count.get() == 0;
    // A change made empties the form and takes a new key (a replay is refused by the old one).
    let key = RwSignal::new(submission_key());
    let form_ref = empty_on_success(change, move || key.set(submission_key()));
    let sending = RwSignal::new(None::<u32>);
    let photo_refused = RwSignal::new(None::<String>);
    let on_photo = move |event: leptos::ev::Event| {
        let Some(sku) = table.selected.get_untracked().into_iter().next() else {
            return;
        };
        send_photo(&event, &sku, sending, photos_taken, photo_refused);
    };
    view! {
        <ActionForm action=change node_ref=form_ref attr:id="variant-selection" attr:class="form selection" attr:novalidate=true>
            <input type="hidden" name="form[product]" value=product/>
            <input type="hidden" name="form[key]" value=move || key.get()/>
            <fieldset class="selection-group" disabled=none>
                <legend>{move || format!("Change the {} selected", variants_text(count.get()))}</legend>
                <p class="note">{move || none().then_some("Tick variants in the table, or every variant shown, to change them together.")}</p>
                <p class="field-error" role="alert" data-testid="selection-error">
                    {move || error("selected")().or_else(error("key")).or_else(error("change")).or_else(error("reason")).or_else(error("price")).or_else(error("art")).or_else(move || photo_refused.get())}
                </p>
                <p role="status" data-testid="selection-done">{done}</p>
                <FormFailure form=state/>
                <div class="selection-row">
                    <div class="field">
                        <label for="bulk-price">"New price ($)"</label>
                        <input id="bulk-price" name="form[price]" inputmode="decimal" autocomplete="off"/>
                    </div>
                    <button type="submit" class="button button--ghost" name="form[action]" value="set_price">"Set price"</button>
                    <button type="submit" class="button button--ghost" name="form[action]" value="put_on_sale">"Put on sale"</button>
                    <button type="submit" class="button button--ghost" name="form[action]" value="take_off_sale">"Take off sale"</button>
                </div>
                <div class="selection-row">
                    <div class="field">
                        <label for="bulk-change">"Add or remove units"</label>
                        <input id="bulk-change" name="form[change]" inputmode="numeric" placeholder="+12 or -3" autocomplete="off"/>
                    </div>
                    <div class="field">
                        <label for="bulk-reason">"Reason"</label>
                        <input id="bulk-reason" name="form[reason]" placeholder="Delivery, breakage, recount" autocomplete="off"/>
                    </div>
                    <button type="submit" class="button button--ghost" name="form[action]" value="adjust_stock">"Adjust stock"</button>
                </div>
                <div class="selection-row">
                    <div class="field">
                        <label for="bulk-art">"Drawing"</label>
                        <select id="bulk-art" name="form[art]">
                            {Art::ALL.into_iter().map(|art| view! { <option value=art.slug()>{art.slug().replace('-', " ")}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button button--ghost" name="form[action]" value="use_drawing">"Use drawing"</button>
                    <div class="field">
                        <label for="bulk-photo">"Or upload a photo (one variant selected)"</label>
                        <input id="bulk-photo" type="file" accept="image/jpeg,image/png,image/webp" on:change=on_photo
                            disabled=move || count.get() != 1 || sending.get().is_some()/>
                        {move || sending.get().map(|percent| view! {
                            <progress max="100" value=percent aria-label="Photo sent">{format!("{percent}%")}</progress>
                        })}
                    </div>
                </div>
            </fieldset>
        </ActionForm>
    }
}

/// Sends the photo chosen in the file input that fired `event` as `sku`'s picture, showing its
/// progress in `sending`; the product is read again once the shop has it.
fn send_photo(
    event: &leptos::ev::Event,
    sku: &str,
    sending: RwSignal<Option<u32>>,
    photos_taken: RwSignal<u32>,
    refused: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        use crate::photos::upload_client::{chosen_files, send_to};
        let Some(file) = chosen_files(event).into_iter().next() else {
            return;
        };
        refused.set(None);
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
                        photos_taken.try_update(|n| *n += 1);
                    }
                    Err(why) => {
                        refused.try_set(Some(why));
                    }
                }
            },
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, sku, sending, photos_taken, refused);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn variant(model: Option<&str>, colour: &str, stock: i64, on_sale: bool) -> StaffVariant {
        StaffVariant {
            sku: format!("{model:?}-{colour}"),
            model: model.map(str::to_owned),
            style: None,
            colour: Some(colour.to_owned()),
            price: Money::from_cents(1999),
            stock,
            on_sale,
            image: String::new(),
        }
    }

    #[test]
    fn filters_keep_what_matches_every_choice() {
        let pixel = variant(Some("Pixel 10"), "Black", 0, true);
        let iphone_low = variant(Some("iPhone 17"), "Sand", 3, true);
        let iphone_off = variant(Some("iPhone 17"), "Black", 3, false);
        let universal = variant(None, "Sand", 40, true);
        let keep = |filters: Filters| {
            [&pixel, &iphone_low, &iphone_off, &universal]
                .into_iter()
                .filter(|v| filters.keeps(v, 5))
                .map(|v| v.sku.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(keep(Filters::default()).len(), 4);
        let iphones = Filters {
            model: "iPhone 17".into(),
            ..Filters::default()
        };
        assert_eq!(
            keep(iphones.clone()),
            [iphone_low.sku.clone(), iphone_off.sku.clone()]
        );
        let black_iphones = Filters {
            colour: "Black".into(),
            ..iphones
        };
        assert_eq!(keep(black_iphones), vec![iphone_off.sku.clone()]);
        let no_phone = Filters {
            model: NONE.into(),
            ..Filters::default()
        };
        assert_eq!(keep(no_phone), vec![universal.sku.clone()]);
        // Running low counts only what is on sale; sold out is none left.
        let low = Filters {
            stock: StockFilter::Low,
            ..Filters::default()
        };
        assert_eq!(keep(low), [pixel.sku.clone(), iphone_low.sku.clone()]);
        let sold_out = Filters {
            stock: StockFilter::SoldOut,
            ..Filters::default()
        };
        assert_eq!(keep(sold_out), vec![pixel.sku.clone()]);
        let in_stock = Filters {
            stock: StockFilter::InStock,
            ..Filters::default()
        };
        assert_eq!(keep(in_stock).len(), 3);
    }

    #[test]
    fn options_are_listed_once_in_order_with_none_for_a_missing_one() {
        let all = [
            variant(Some("Pixel 10"), "Black", 1, true),
            variant(None, "Sand", 1, true),
            variant(Some("Pixel 10"), "Sand", 1, true),
        ];
        assert_eq!(options_of(&all, |v| &v.model), ["Pixel 10", NONE]);
        assert_eq!(options_of(&all, |v| &v.colour), ["Black", "Sand"]);
        assert_eq!(variants_text(1), "1 variant");
        assert_eq!(variants_text(195), "195 variants");
    }
}
