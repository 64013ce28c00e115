//! The checkout's inputs: each bound to part of the form's state, with its label and its
//! message linked for screen readers.

use crate::forms::FieldErrors;
use leptos::prelude::*;

/// A text input bound to part of the form state, with its label and its error message linked
/// for screen readers.
#[component]
pub(super) fn TextField(
    /// The field's name in `FieldErrors`.
    name: &'static str,
    label: &'static str,
    value: Signal<String>,
    on_input: Callback<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] inputmode: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = format!("checkout-{name}");
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let error = move || errors.read().get(name);
    view! {
        <div class="field">
            <label for=id.clone()>{label}{(!required).then_some(" (optional)")}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                placeholder=(!placeholder.is_empty()).then_some(placeholder)
                required=required
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
            />
            <p class="field-error" id=error_id>{error}</p>
        </div>
    }
}

/// Binds a text field to one string of `state`.
pub(super) fn bind<T: Clone + Send + Sync + 'static>(
    state: RwSignal<T>,
    field: fn(&mut T) -> &mut String,
) -> (Signal<String>, Callback<String>) {
    let value = Signal::derive(move || field(&mut state.get()).clone());
    let set = Callback::new(move |text: String| state.update(|s| *field(s) = text));
    (value, set)
}

/// A choice from a fixed list, bound like a text field; an empty value shows "Choose…".
#[component]
pub(super) fn SelectField(
    name: &'static str,
    label: &'static str,
    choices: &'static [(&'static str, &'static str)],
    value: Signal<String>,
    on_input: Callback<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(optional)] autocomplete: &'static str,
) -> impl IntoView {
    let id = format!("checkout-{name}");
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let error = move || errors.read().get(name);
    let chosen = move |option: &str| value.read().eq_ignore_ascii_case(option);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                required=true
                on:change=move |ev| on_input.run(event_target_value(&ev))
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
            >
                <option value="" selected=move || !choices.iter().any(|(v, _)| chosen(v))>"Choose…"</option>
                {choices.iter().map(|(v, shown)| {
                    view! { <option value=*v selected=move || chosen(v)>{*shown}</option> }
                }).collect_view()}
            </select>
            <p class="field-error" id=error_id>{error}</p>
        </div>
    }
}
