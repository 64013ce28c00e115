//! The page where the buyer approves a payment (`payer-action`): pay with PayPal balance, with
//! a card its bank will decline at capture, or with an eCheck that stays pending; or cancel.
//! Each sends the buyer back to the shop's `return_url` or `cancel_url`, as PayPal does.

use super::{Funding, StandIn};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Token {
    token: String,
}

#[derive(Deserialize)]
pub(crate) struct Answer {
    token: String,
    #[serde(default)]
    choice: String,
    /// Set by the cancel button (the chosen funding is sent with it too).
    cancel: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

pub(crate) async fn approval(State(s): State<StandIn>, Query(q): Query<Token>) -> Response {
    let Some(order) = s.books().orders.get(&q.token).cloned() else {
        return (StatusCode::NOT_FOUND, "No such PayPal order").into_response();
    };
    let amount = &order.request["purchase_units"][0]["amount"]["value"];
    let token = escape(&q.token);
    let again = if order.status == "PAYER_ACTION_REQUIRED" {
        "<p role=\"alert\">Your card was declined. Choose another way to pay.</p>"
    } else {
        ""
    };
    Html(format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>PayPal (stand-in)</title></head>
<body><main><h1>Pay with PayPal (test stand-in)</h1>{again}
<p>Total: <strong>${amount}</strong> USD</p>
<form method="post" action="/checkoutnow"><input type="hidden" name="token" value="{token}">
<fieldset><legend>Pay with</legend>
<label><input type="radio" name="choice" value="balance" checked> PayPal balance</label>
<label><input type="radio" name="choice" value="declined"> Visa card ending 0002 (declined by its bank)</label>
<label><input type="radio" name="choice" value="echeck"> eCheck (clears later)</label>
</fieldset>
<button type="submit">Agree and pay</button>
<button type="submit" name="cancel" value="1">Cancel and return to the store</button>
</form></main></body></html>"#,
        amount = escape(amount.as_str().unwrap_or_default()),
    ))
    .into_response()
}

pub(crate) async fn answer(State(s): State<StandIn>, Form(a): Form<Answer>) -> Response {
    let Some(order) = s.books().orders.get(&a.token).cloned() else {
        return (StatusCode::NOT_FOUND, "No such PayPal order").into_response();
    };
    let context = &order.request["payment_source"]["paypal"]["experience_context"];
    let back = |field: &str| context[field].as_str().unwrap_or_default().to_owned();
    let funding = match a.choice.as_str() {
        _ if a.cancel.is_some() => None,
        "balance" => Some(Funding::Balance),
        "declined" => Some(Funding::DeclinedCard),
        "echeck" => Some(Funding::ECheck),
        _ => None,
    };
    let to = match funding {
        Some(funding) if s.approve(&a.token, funding) => with_query(
            &back("return_url"),
            &format!("token={}&PayerID=QYR5Z8XDVJNXQ", a.token),
        ),
        _ => with_query(&back("cancel_url"), &format!("token={}", a.token)),
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

fn with_query(url: &str, query: &str) -> String {
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{query}")
}
