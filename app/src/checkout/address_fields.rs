//! The contact and shipping address part of the checkout form. The country comes first, as the
//! cart's destination; the fields after it are the ones that country's addresses use, in its
//! order and under its names.

use super::address_formats::{AddressFormat, Part, RegionField};
use super::draft::CheckoutDraft;
use super::fields::{bind, SelectField, TextField};
use crate::cart::pages::DestinationSelect;
use crate::cart::store::CartStore;
use crate::forms::FieldErrors;
use crate::pricing::shipping::Country;
use leptos::prelude::*;

/// Who the order is for and where it goes, bound to the form as typed. `signed_in` is the
/// signed-in shopper's e-mail.
#[component]
pub(super) fn ContactAndAddress(
    draft: RwSignal<CheckoutDraft>,
    errors: RwSignal<FieldErrors>,
    signed_in: Signal<Option<String>>,
) -> impl IntoView {
    let store = CartStore::expect();
    let (email, set_email) = bind(draft, |d| &mut d.email);
    let (name, set_name) = bind(draft, |d| &mut d.address.name);
    let (phone, set_phone) = bind(draft, |d| &mut d.address.phone);
    // The fields are laid out again only when the country changes, not on every cart change.
    let country = Memo::new(move |_| store.cart.read().destination().ok());
    view! {
        <fieldset class="panel">
            <legend>"Contact"</legend>
            <TextField name="email" label="E-mail for your confirmation" kind="email" autocomplete="email" value=email on_input=set_email errors/>
            <Show when=move || signed_in.read().is_none()>
                <p class="note">"Checking out as a guest. Have an account? "<a href="/account/sign-in?next=/checkout">"Sign in"</a>" to see this order in your history."</p>
            </Show>
        </fieldset>
        <fieldset class="panel">
            <legend>"Shipping address"</legend>
            <div class="field">
                <DestinationSelect id="checkout-country" label="Country or region" autocomplete="country"/>
            </div>
            <TextField name="name" label="Full name" autocomplete="name" value=name on_input=set_name errors/>
            {move || {
                let format = AddressFormat::of(country.get().unwrap_or(Country::UnitedStates));
                format.parts.iter().map(|part| address_part(*part, format, draft, errors)).collect_view()
            }}
            <TextField name="phone" label="Phone, for the courier" kind="tel" autocomplete="tel" value=phone on_input=set_phone errors required=false/>
        </fieldset>
    }
}

/// One field of the address as the country names it.
fn address_part(
    part: Part,
    format: AddressFormat,
    draft: RwSignal<CheckoutDraft>,
    errors: RwSignal<FieldErrors>,
) -> AnyView {
    match part {
        Part::Street => {
            let (value, on_input) = bind(draft, |d| &mut d.address.line1);
            view! { <TextField name="line1" label="Street address" autocomplete="address-line1" value on_input errors/> }.into_any()
        }
        Part::Unit => {
            let (value, on_input) = bind(draft, |d| &mut d.address.line2);
            view! { <TextField name="line2" label=format.unit_label autocomplete="address-line2" value on_input errors required=false/> }.into_any()
        }
        Part::City => {
            let (value, on_input) = bind(draft, |d| &mut d.address.city);
            view! { <TextField name="city" label=format.city_label autocomplete="address-level2" value on_input errors/> }.into_any()
        }
        Part::Postcode => {
            let (value, on_input) = bind(draft, |d| &mut d.address.postcode);
            view! { <TextField name="postcode" label=format.postcode_label autocomplete="postal-code" placeholder=format.postcode_example value on_input errors/> }.into_any()
        }
        Part::Region => {
            let (value, on_input) = bind(draft, |d| &mut d.address.region);
            match format.region {
                Some(RegionField::List { label, choices, .. }) => view! {
                    <SelectField name="region" label choices autocomplete="address-level1" value on_input errors/>
                }
                .into_any(),
                Some(RegionField::Text { label, required }) => view! {
                    <TextField name="region" label autocomplete="address-level1" value on_input errors required/>
                }
                .into_any(),
                None => ().into_any(),
            }
        }
    }
}
