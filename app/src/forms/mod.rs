//! What every form shares: a message per field, the answer to a submission, and the way a
//! form that needs correcting comes back to a browser without JavaScript, with what was typed.

pub mod fields;
#[cfg(feature = "ssr")]
pub mod once;

use crate::error::AppError;
use leptos::prelude::*;

pub use fields::{FieldErrors, FormCorrections, FormResult};

/// Answers a submission that needs correcting. Scripts get the messages as a value; a plain
/// form post gets an error, which Leptos carries back to the form page in its address, so the
/// page shows the same messages and keeps what was typed.
#[cfg(feature = "ssr")]
pub fn needs_correcting(
    errors: FieldErrors,
    typed: &[(&str, &str)],
) -> Result<FormResult, AppError> {
    if plain_form_post() {
        Err(AppError::NeedsCorrecting(FormCorrections {
            errors,
            typed: typed
                .iter()
                .map(|(field, value)| ((*field).to_owned(), (*value).to_owned()))
                .collect(),
        }))
    } else {
        Ok(FormResult::Invalid(errors))
    }
}

/// Whether the request being answered is a form posted without scripts: its answer is the
/// next page, not a value.
#[cfg(feature = "ssr")]
pub fn plain_form_post() -> bool {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .map(|accept| accept.contains("text/html"))
        })
        .unwrap_or(false)
}

/// `needs_correcting` for messages gathered as (field, message) pairs.
#[cfg(feature = "ssr")]
pub fn correct_fields(
    errors: Vec<(&str, String)>,
    typed: &[(&str, &str)],
) -> Result<FormResult, AppError> {
    let mut fields = FieldErrors::default();
    for (field, message) in errors {
        fields.add(field, &message);
    }
    needs_correcting(fields, typed)
}

/// A form's state after its last submission, whichever way it came back.
#[derive(Clone, Copy)]
pub struct FormState {
    pub errors: Signal<FieldErrors>,
    /// A failure outside the fields.
    pub failure: Signal<Option<String>>,
    typed: Signal<Vec<(String, String)>>,
}

impl FormState {
    pub fn new(
        value: impl Fn() -> Option<Result<FormResult, AppError>> + Clone + Send + Sync + 'static,
    ) -> FormState {
        let (fields, failure, typed) = (value.clone(), value.clone(), value);
        FormState {
            errors: Signal::derive(move || match fields() {
                Some(Ok(FormResult::Invalid(errors))) => errors,
                Some(Err(AppError::NeedsCorrecting(form))) => form.errors,
                _ => FieldErrors::default(),
            }),
            failure: Signal::derive(move || match failure() {
                Some(Err(AppError::NeedsCorrecting(_))) => None,
                Some(Err(error)) => Some(error.to_string()),
                _ => None,
            }),
            typed: Signal::derive(move || match typed() {
                Some(Err(AppError::NeedsCorrecting(form))) => form.typed,
                _ => Vec::new(),
            }),
        }
    }

    /// What was typed in `field` before a plain form post came back.
    pub fn typed(&self, field: &str) -> Option<String> {
        self.typed
            .read()
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
    }
}

/// The form to empty once `action` succeeds, with `then` run after: the page is redrawn in
/// place, keeping what was typed, so a second press would send the same thing again. A form
/// that needs correcting keeps what was typed.
pub fn empty_on_success<S>(
    action: ServerAction<S>,
    then: impl Fn() + 'static,
) -> NodeRef<leptos::html::Form>
where
    S: leptos::server_fn::ServerFn<Output = FormResult, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |seen: Option<usize>| {
        let version = action.version().get();
        let done = matches!(action.value().get_untracked(), Some(Ok(FormResult::Done)));
        if seen.is_some_and(|seen| seen != version) && done {
            if let Some(form) = form_ref.get_untracked() {
                form.reset();
            }
            then();
        }
        version
    });
    form_ref
}

/// A labelled input with its error message, linked for screen readers.
#[component]
pub fn Field(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    /// Shown until something typed comes back with the form.
    #[prop(default = None, into)]
    value: Option<String>,
    #[prop(default = true)] required: bool,
    form: FormState,
) -> impl IntoView {
    let error = move || form.errors.read().get(name);
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let typed = move || {
        (kind != "password")
            .then(|| form.typed(name))
            .flatten()
            .or_else(|| value.clone())
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=typed
                required=required
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
            />
            <p class="field-error" id=error_id role="alert">{error}</p>
        </div>
    }
}

/// A labelled multi-line field with its error message, keeping what was typed.
#[component]
pub fn TextArea(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = 5)] rows: u32,
    #[prop(default = 5000)] max: usize,
    form: FormState,
) -> impl IntoView {
    let error = move || form.errors.read().get(name);
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea
                id=id
                name=name
                rows=rows
                maxlength=max
                required
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
            >{move || form.typed(name)}</textarea>
            <p class="field-error" id=error_id role="alert">{error}</p>
        </div>
    }
}

/// The failure outside the fields, if any.
#[component]
pub fn FormFailure(form: FormState) -> impl IntoView {
    move || {
        form.failure
            .get()
            .map(|f| view! { <p class="notice notice--error" role="alert">{f}</p> })
    }
}

/// A fresh key for one submission of a form that must take effect once: 128 random bits as
/// hex. In the browser `getRandomValues`, which works on plain HTTP too, unlike `randomUUID`.
pub fn submission_key() -> String {
    #[cfg(feature = "hydrate")]
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let mut bytes = [0u8; 16];
        if crypto.get_random_values_with_u8_array(&mut bytes).is_ok() {
            return bytes.iter().map(|b| format!("{b:02x}")).collect();
        }
    }
    #[cfg(feature = "ssr")]
    return crate::tokens::random_hex(16);
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// `value` percent-encoded for a link's query string.
pub fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
