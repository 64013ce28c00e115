//! Customer pages for staff: the accounts and guest buyers, searchable, and one customer with
//! their orders, tickets and warranty claims.

use super::customers::{customer_for_staff, list_customers, CustomerProfile};
use super::pages::{FilterField, Pager, StaffFrame};
use crate::accounts::model::{Buyer, CustomerList};
use crate::forms::query_value;
use crate::local_time::{format_day, format_time};
use crate::page::{when_loaded, Loading, TableScroll};
use crate::support::pages::TicketHistory;
use crate::warranty::pages::ClaimHistory;
use crate::wire;
use crate::words::counted;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn page_of(query: &leptos_router::params::ParamsMap) -> u32 {
    query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1)
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Signal::derive(move || {
        let query = query.read();
        (query.get("q").unwrap_or_default(), page_of(&query))
    });
    let customers = wire::resource(
        move || wanted.get(),
        |(search, page)| list_customers(search, page),
    );
    view! {
        <StaffFrame title="Customers" heading_id="customers-title" body=move |_| view! {
            <form method="get" action="/admin/customers" class="panel form order-filter" role="search">
                <FilterField id="customers-q" name="q" label="Name or e-mail contains" value=Signal::derive(move || wanted.get().0)/>
                <button type="submit" class="button">"Search"</button>
            </form>
            <Suspense fallback=Loading>
                {when_loaded(customers, move |list| view! { <CustomerTable list search=wanted.get_untracked().0/> })}
            </Suspense>
        }.into_any()/>
    }
}

#[component]
fn CustomerTable(list: CustomerList, search: String) -> impl IntoView {
    if list.rows.is_empty() {
        return view! { <p data-testid="customers-empty">"No customer matches."</p> }.into_any();
    }
    let link = move |page: u32| format!("/admin/customers?q={}&page={page}", query_value(&search));
    let previous = (list.page > 1).then(|| link(list.page - 1));
    let next = (list.page < list.pages).then(|| link(list.page + 1));
    view! {
        <p role="status">{format!("{} · page {} of {}", counted(u64::from(list.count), "customer", "customers"), list.page, list.pages)}</p>
        <TableScroll label="Customers">
            <table class="staff-table">
                <caption>"Accounts and guest buyers, newest first"</caption>
                <thead>
                    <tr><th scope="col">"Name"</th><th scope="col">"E-mail"</th><th scope="col">"Kind"</th><th scope="col">"Since"</th><th scope="col">"Orders"</th><th scope="col">"Spent"</th></tr>
                </thead>
                <tbody>
                    {list.rows.into_iter().map(|row| view! {
                        <tr data-testid="customer-row">
                            <td><a href=row.href()>{row.name.clone()}</a></td>
                            <td>{row.email.clone()}</td>
                            <td>{match row.buyer { Buyer::Account { .. } => "Account", Buyer::Guest => "Guest" }}</td>
                            <td>{format_day(row.joined_at)}</td>
                            <td>{row.orders}</td>
                            <td>{row.spent.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <Pager label="Customer pages" previous next/>
    }
    .into_any()
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let wanted = move || {
        let query = query.read();
        (
            params.read().get("id").unwrap_or_default(),
            query.get("email").unwrap_or_default(),
            page_of(&query),
        )
    };
    let customer = wire::resource(wanted, |(id, email, page)| {
        customer_for_staff(id, email, page)
    });
    view! {
        <StaffFrame title="Customer" heading_id="customer-title" body=move |_| view! {
            <p><a href="/admin/customers">"All customers"</a></p>
            <Suspense fallback=Loading>
                {when_loaded(customer, |profile| view! { <CustomerView profile/> })}
            </Suspense>
        }.into_any()/>
    }
}

#[component]
fn CustomerView(profile: CustomerProfile) -> impl IntoView {
    let who = profile.summary;
    let history = profile.orders;
    let tickets = profile.tickets;
    let claims = profile.claims;
    let base = who.href();
    let link = move |page: u32| {
        let join = if base.contains('?') { '&' } else { '?' };
        format!("{base}{join}page={page}")
    };
    let previous = (history.page > 1).then(|| link(history.page - 1));
    let next = (history.page < history.pages).then(|| link(history.page + 1));
    view! {
        <h2 data-testid="customer-name">{who.name.clone()}</h2>
        <dl class="facts">
            <div><dt>"E-mail"</dt><dd>{who.email.clone()}</dd></div>
            <div><dt>"Account"</dt><dd data-testid="customer-kind">{match who.buyer {
                Buyer::Account { role, .. } => format!("{role}, joined {}", format_time(who.joined_at)),
                Buyer::Guest => format!("None: a guest, first order {}", format_time(who.joined_at)),
            }}</dd></div>
            <div><dt>"Orders"</dt><dd>{format!("{}, {} after refunds", who.orders, who.spent)}</dd></div>
        </dl>
        <section class="panel" aria-labelledby="customer-orders-title">
            <h2 id="customer-orders-title">"Orders"</h2>
            {if history.orders.is_empty() {
                view! { <p>"No orders yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="history" data-testid="customer-orders">
                        {history.orders.into_iter().map(|o| view! {
                            <li class="history__order">
                                <a href=format!("/admin/orders/{}", o.number)><strong>{o.number.clone()}</strong></a>
                                <span>{format_day(o.placed_at)}</span>
                                <span class=format!("status status--{}", o.status.slug())>{o.status.label()}</span>
                                <strong>{o.total.to_string()}</strong>
                            </li>
                        }).collect_view()}
                    </ul>
                    <Pager label="Order pages" previous next/>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="customer-tickets-title">
            <h2 id="customer-tickets-title">"Tickets"</h2>
            {if tickets.is_empty() {
                view! { <p>"No tickets."</p> }.into_any()
            } else {
                view! { <TicketHistory tickets href_base="/admin/tickets/"/> }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="customer-claims-title">
            <h2 id="customer-claims-title">"Warranty claims"</h2>
            {if claims.is_empty() {
                view! { <p>"No warranty claims."</p> }.into_any()
            } else {
                view! { <ClaimHistory claims href_base="/admin/claims/"/> }.into_any()
            }}
        </section>
    }
}
