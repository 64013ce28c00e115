//! The help center. For now: how to reach customer care, and where the shop's policies will
//! live; tickets, order help and warranty claims arrive as later features.

use crate::layout::{ContactDetails, PageTitle};
use leptos::prelude::*;

#[component]
pub fn HelpPage() -> impl IntoView {
    view! {
        <PageTitle text="Help center" description="How to reach our customer care team."/>
        <section class="page narrow" aria-labelledby="help-title">
            <h1 id="help-title">"Help center"</h1>
            <p>"Questions about an order, a product or our warranty? Our customer care team answers every message."</p>
            <section class="panel" aria-labelledby="help-contact">
                <h2 id="help-contact">"Contact us"</h2>
                <ContactDetails/>
            </section>
            <section class="panel" aria-labelledby="help-topics">
                <h2 id="help-topics">"Popular topics"</h2>
                <dl class="faq">
                    <dt>"Shipping"</dt>
                    <dd>"We ship to the United States, Japan, the United Kingdom, Germany, Italy, Spain and the Netherlands, by standard delivery or express by DHL."</dd>
                    <dt>"Warranty"</dt>
                    <dd>"Everything we make is covered by a limited lifetime warranty against defects in material or workmanship. Contact us with your order number and photos of the defect."</dd>
                    <dt>"Orders"</dt>
                    <dd>
                        "Signed in? "<a href="/account/orders">"Your orders"</a>" lists every order with its status. Checked out as a guest? "
                        <a href="/orders/find">"Find your order"</a>" with its number and e-mail address. For changes and cancellations, write to us with your order number."
                    </dd>
                </dl>
            </section>
        </section>
    }
}
