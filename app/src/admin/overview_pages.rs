//! The dashboard's home: the overview of a chosen period (30 days unless asked otherwise).

use super::overview::{period, shop_overview, Overview, PERIODS};
use super::pages::StaffFrame;
use crate::charts::{BarChart, RowChart};
use crate::local_time::format_utc_day;
use crate::money::Money;
use crate::page::{when_loaded, Loading};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let query = use_query_map();
    let days = move || period(query.read().get("days").and_then(|d| d.parse().ok()));
    let figures = wire::resource(days, shop_overview);
    view! {
        <StaffFrame title="Staff dashboard" heading_id="admin-title" body=move |me| view! {
            <p data-testid="staff-member">"Signed in as "{me.name}" ("{me.role.to_string()}")."</p>
            <nav class="periods" aria-label="Period">
                {PERIODS.into_iter().map(|d| view! {
                    <a href=format!("/admin?days={d}") aria-current=move || (days() == d).then_some("page")>{format!("Last {d} days")}</a>
                }).collect_view()}
            </nav>
            <Suspense fallback=Loading>
                {when_loaded(figures, |figures| view! { <OverviewView figures/> })}
            </Suspense>
        }.into_any()/>
    }
}

fn dollars(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

fn count(n: i64) -> String {
    n.to_string()
}

#[component]
fn OverviewView(figures: Overview) -> impl IntoView {
    let labels: Vec<String> = figures
        .daily
        .iter()
        .map(|d| format_utc_day(d.day))
        .collect();
    let revenue: Vec<i64> = figures.daily.iter().map(|d| d.revenue.cents()).collect();
    let orders: Vec<i64> = figures.daily.iter().map(|d| i64::from(d.orders)).collect();
    let busiest = figures
        .daily
        .iter()
        .max_by_key(|d| (d.revenue, d.day))
        .filter(|d| !d.revenue.is_zero())
        .map(|d| {
            format!(
                " The best day was {} with {}.",
                format_utc_day(d.day),
                d.revenue
            )
        })
        .unwrap_or_default();
    let days = figures.days;
    view! {
        <dl class="kpis" data-testid="kpis">
            <div><dt>"Revenue"</dt><dd data-testid="kpi-revenue">{figures.revenue().to_string()}</dd></div>
            <div><dt>"Orders"</dt><dd data-testid="kpi-orders">{figures.orders()}</dd></div>
            <div><dt>"Average order"</dt><dd>{figures.average().to_string()}</dd></div>
            <div><dt>"Open tickets"</dt><dd data-testid="kpi-tickets"><a href="/admin/tickets">{figures.open_tickets}</a></dd></div>
            <div><dt>"Claims to review"</dt><dd data-testid="kpi-claims"><a href="/admin/claims">{figures.waiting_claims}</a></dd></div>
        </dl>
        {(figures.failed_mail > 0).then(|| view! {
            <p class="notice notice--error" role="alert">
                {format!("{} e-mail(s) could not be sent. ", figures.failed_mail)}
                <a href="/admin/mail?state=failed">"See and send them again"</a>
            </p>
        })}
        <div class="charts">
            <BarChart
                id="revenue-chart"
                caption=format!("Revenue per day, last {days} days")
                summary=format!("{} in {} orders over {days} days.{busiest}", figures.revenue(), figures.orders())
                label_heading="Day"
                value_heading="Revenue"
                labels=labels.clone()
                values=revenue
                format=dollars
            />
            <BarChart
                id="orders-chart"
                caption=format!("Orders per day, last {days} days")
                summary=format!("{} over {days} days.", crate::words::counted(u64::from(figures.orders()), "order", "orders"))
                label_heading="Day"
                value_heading="Orders"
                labels
                values=orders
                format=count
            />
            <RowChart
                id="status-chart"
                caption="Orders of the period by status now".to_owned()
                rows=figures.by_status.iter().map(|(s, n)| (s.label().to_owned(), i64::from(*n))).collect()
            />
        </div>
        <div class="overview-lists">
            <section class="panel" aria-labelledby="top-title">
                <h2 id="top-title">"Best sellers"</h2>
                {if figures.top_products.is_empty() {
                    view! { <p>"No sales in this period."</p> }.into_any()
                } else {
                    view! {
                        <ol data-testid="top-products">
                            {figures.top_products.into_iter().map(|p| view! {
                                <li>{p.name}" · "{format!("{} sold, {}", p.units, p.sales)}</li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
            <section class="panel" aria-labelledby="codes-title">
                <h2 id="codes-title">"Promo codes used"</h2>
                {if figures.coupons.is_empty() {
                    view! { <p>"No promo code was used in this period."</p> }.into_any()
                } else {
                    view! {
                        <ul data-testid="coupon-use">
                            {figures.coupons.into_iter().map(|c| view! {
                                <li><strong>{c.code}</strong>" · "{format!("{}, {} off", crate::words::counted(u64::from(c.orders), "order", "orders"), c.discount)}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="panel" aria-labelledby="low-title">
                <h2 id="low-title">"Low stock"</h2>
                {if figures.low_stock.is_empty() {
                    view! { <p>"Nothing is running low."</p> }.into_any()
                } else {
                    view! {
                        <ul data-testid="low-stock">
                            {figures.low_stock.into_iter().map(|l| view! {
                                <li>
                                    <a href=format!("/admin/products/{}", l.slug)>{l.product}</a>
                                    " · "{l.options}" · "<strong>{format!("{} left", l.stock)}</strong>
                                    {format!(" (low at {})", l.threshold)}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
}
