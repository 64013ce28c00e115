//! Stripe.js on the checkout page (in the browser): Stripe's own card field, a token for the
//! card, and the bank's confirmation (3-D Secure). Only calls that Stripe.js and localstripe's
//! stand-in both have are used: `Stripe(key)`, `elements().create("card")`, `mount`,
//! `on("change")`, `createToken` and `confirmCardPayment(clientSecret)`.
//!
//! On the server there is no card field: `StripeCard::create` answers `None`.

/// The id of the page's `<script>` that loads Stripe.js.
pub const SCRIPT_ID: &str = "stripe-js";

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Function, Object, Promise, Reflect};
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::{JsCast, JsValue};

    /// Stripe.js with the shop's key, and its card field.
    #[derive(Clone)]
    pub struct StripeCard {
        stripe: JsValue,
        card: JsValue,
    }

    fn get(target: &JsValue, name: &str) -> Option<JsValue> {
        Reflect::get(target, &JsValue::from_str(name))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Option<JsValue> {
        let method = get(target, name)?.dyn_into::<Function>().ok()?;
        let args: js_sys::Array = args.iter().collect();
        method.apply(target, &args).ok()
    }

    /// The message Stripe gives with a refusal or a field's problem.
    fn error_message(answer: &JsValue) -> Option<String> {
        get(answer, "error").map(|error| {
            get(&error, "message")
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "Your card could not be used.".into())
        })
    }

    async fn settle(promise: Option<JsValue>) -> Result<JsValue, String> {
        let promise = promise
            .and_then(|p| p.dyn_into::<Promise>().ok())
            .ok_or_else(|| {
                "Card payments are not available right now: reload the page.".to_owned()
            })?;
        let answer = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|_| {
                "Stripe could not be reached: check your connection and try again.".to_owned()
            })?;
        match error_message(&answer) {
            Some(message) => Err(message),
            None => Ok(answer),
        }
    }

    impl StripeCard {
        /// Stripe.js's card field for `publishable_key`, once the script has loaded.
        pub fn create(publishable_key: &str) -> Option<StripeCard> {
            let window: JsValue = leptos::prelude::window().into();
            let stripe = call(&window, "Stripe", &[publishable_key.into()])?;
            let elements = call(&stripe, "elements", &[])?;
            let options = Object::new();
            let _ = Reflect::set(&options, &"hidePostalCode".into(), &JsValue::TRUE);
            let card = call(&elements, "create", &["card".into(), options.into()])?;
            Some(StripeCard { stripe, card })
        }

        /// Runs `then` once Stripe.js has loaded (at once if it has).
        pub fn when_loaded(then: impl FnOnce() + 'static) {
            let window: JsValue = leptos::prelude::window().into();
            if get(&window, "Stripe").is_some() {
                return then();
            }
            let Some(script) = leptos::prelude::document().get_element_by_id(super::SCRIPT_ID)
            else {
                return;
            };
            let listener = Closure::once_into_js(then);
            let _ = script.add_event_listener_with_callback("load", listener.unchecked_ref());
        }

        /// Shows the field inside `holder`, moving it there if it was shown elsewhere.
        pub fn mount(&self, holder: &leptos::web_sys::Element) {
            let _ = call(&self.card, "unmount", &[]);
            let _ = call(&self.card, "mount", &[holder.clone().into()]);
        }

        /// Calls `report` with the field's message as the shopper types (`None` once fixed).
        pub fn on_change(&self, report: impl Fn(Option<String>) + 'static) {
            let handler = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
                report(error_message(&event));
            });
            let _ = call(
                &self.card,
                "on",
                &["change".into(), handler.into_js_value()],
            );
        }

        /// A token for the card typed in the field: its id, or Stripe's message.
        pub async fn token(&self) -> Result<String, String> {
            let answer = settle(call(
                &self.stripe,
                "createToken",
                std::slice::from_ref(&self.card),
            ))
            .await?;
            get(&answer, "token")
                .and_then(|t| get(&t, "id"))
                .and_then(|id| id.as_string())
                .ok_or_else(|| "Your card could not be used.".to_owned())
        }

        /// Lets the shopper's bank confirm the payment (3-D Secure). Its answer only tells the
        /// page when to ask the shop, which asks Stripe.
        pub async fn confirm(&self, client_secret: &str) -> Result<(), String> {
            settle(call(
                &self.stripe,
                "confirmCardPayment",
                &[client_secret.into()],
            ))
            .await
            .map(|_| ())
        }
    }
}

#[cfg(not(feature = "hydrate"))]
pub use server::*;

#[cfg(not(feature = "hydrate"))]
mod server {
    /// No card field is drawn on the server; the page's code that uses one runs in the browser.
    #[derive(Clone)]
    pub struct StripeCard;

    impl StripeCard {
        pub fn create(_publishable_key: &str) -> Option<StripeCard> {
            None
        }

        pub fn when_loaded(_then: impl FnOnce() + 'static) {}

        pub fn mount(&self, _holder: &leptos::web_sys::Element) {}

        pub fn on_change(&self, _report: impl Fn(Option<String>) + 'static) {}

        pub async fn token(&self) -> Result<String, String> {
            Err("Card payments need the browser.".into())
        }

        pub async fn confirm(&self, _client_secret: &str) -> Result<(), String> {
            Err("Card payments need the browser.".into())
        }
    }
}
