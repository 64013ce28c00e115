//! Staff order pages: the searchable list, and one order with its actions and notes.

use super::orders::{
    list_orders, order_for_staff, AddOrderNote, LostPackage, MoveOrder, RefundOrder,
    ReplaceLostOrder, StaffOrder,
};
use super::pages::{FilterField, Pager, StaffFrame};
use crate::error::AppError;
use crate::forms::query_value;
use crate::forms::{FormFailure, FormState};
use crate::local_time::format_time;
use crate::orders::model::OrderLine;
use crate::orders::model::{OrderFilter, StaffOrderList, WITH_UNPAID};
use crate::orders::pages::OrderPanels;
use crate::orders::refunds::RefundOptions;
use crate::orders::status::{OrderAction, OrderStatus};
use crate::orders::tracking::Carrier;
use crate::page::{when_loaded, Loading, TableScroll};
use crate::support::pages::TicketHistory;
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Signal::derive(move || {
        let query = query.read();
        let field = |name: &str| query.get(name).unwrap_or_default();
        let filter = OrderFilter {
            status: field("status"),
            from: field("from"),
            to: field("to"),
            email: field("email"),
            number: field("number"),
        };
        let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        (filter, page)
    });
    let orders = wire::resource(
        move || wanted.get(),
        |(filter, page)| list_orders(filter, page),
    );
    view! {
        <StaffFrame title="Orders" heading_id="orders-title" body=move |_| view! {
            <OrderList wanted orders/>
        }.into_any()/>
    }
}

#[component]
fn OrderList(
    wanted: Signal<(OrderFilter, u32)>,
    orders: wire::WireResource<Result<StaffOrderList, AppError>>,
) -> impl IntoView {
    let filter = move || wanted.get().0;
    view! {
        <form method="get" action="/admin/orders" class="panel form order-filter">
            <div class="field">
                <label for="orders-status">"Status"</label>
                <select id="orders-status" name="status">
                    <option value="" selected=move || filter().status.is_empty()>"Placed orders, any status"</option>
                    {OrderStatus::ALL.into_iter().filter(|s| s.is_placed()).map(|status| view! {
                        <option value=status.slug() selected=move || filter().status == status.slug()>{status.label()}</option>
                    }).collect_view()}
                    <optgroup label="Never paid">
                        {OrderStatus::ALL.into_iter().filter(|s| !s.is_placed()).map(|status| view! {
                            <option value=status.slug() selected=move || filter().status == status.slug()>{status.label()}</option>
                        }).collect_view()}
                        <option value=WITH_UNPAID selected=move || filter().status == WITH_UNPAID>"Everything, with unpaid attempts"</option>
                    </optgroup>
                </select>
            </div>
            <FilterField id="orders-from" name="from" label="Placed from" kind="date" value=Signal::derive(move || filter().from)/>
            <FilterField id="orders-to" name="to" label="Placed until" kind="date" value=Signal::derive(move || filter().to)/>
            <FilterField id="orders-email" name="email" label="Customer e-mail contains" value=Signal::derive(move || filter().email)/>
            <FilterField id="orders-number" name="number" label="Order number contains" value=Signal::derive(move || filter().number)/>
            <button type="submit" class="button">"Search"</button>
        </form>
        <Suspense fallback=Loading>
            {when_loaded(orders, move |list| view! { <OrderTable list filter=filter()/> })}
        </Suspense>
        <form method="get" action=crate::admin::EXPORT_PATH class="panel form order-filter" data-testid="export">
            <div class="field">
                <label for="export-from">"Export from"</label>
                <input id="export-from" name="from" type="date" required/>
            </div>
            <div class="field">
                <label for="export-to">"Export until"</label>
                <input id="export-to" name="to" type="date" required/>
            </div>
            <button type="submit" class="button button--ghost">"Download CSV"</button>
        </form>
    }
}

#[component]
fn OrderTable(list: StaffOrderList, filter: OrderFilter) -> impl IntoView {
    let link = move |page: u32| {
        format!(
            "/admin/orders?status={}&from={}&to={}&email={}&number={}&page={page}",
            query_value(&filter.status),
            query_value(&filter.from),
            query_value(&filter.to),
            query_value(&filter.email),
            query_value(&filter.number),
        )
    };
    let previous = (list.page > 1).then(|| link(list.page - 1));
    let next = (list.page < list.pages).then(|| link(list.page + 1));
    if list.rows.is_empty() {
        return view! { <p data-testid="orders-empty">"No order matches."</p> }.into_any();
    }
    view! {
        <p role="status" data-testid="orders-count">{format!("{} · page {} of {}", crate::words::counted(u64::from(list.count), "order", "orders"), list.page, list.pages)}</p>
        <TableScroll label="Orders">
            <table class="staff-table">
                <caption>"Orders, newest first"</caption>
                <thead>
                    <tr><th scope="col">"Order"</th><th scope="col">"Placed"</th><th scope="col">"Customer"</th><th scope="col">"Status"</th><th scope="col">"Items"</th><th scope="col">"Total"</th></tr>
                </thead>
                <tbody>
                    {list.rows.into_iter().map(|row| view! {
                        <tr data-testid="order-row">
                            <td><a href=format!("/admin/orders/{}", row.number)>{row.number.clone()}</a></td>
                            <td>{format_time(row.placed_at)}</td>
                            <td>{row.email}</td>
                            <td><span class=format!("status status--{}", row.status.slug())>{row.status.label()}</span></td>
                            <td>{row.items}</td>
                            <td>{row.total.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <Pager label="Order pages" previous next/>
    }
    .into_any()
}

#[component]
pub fn StaffOrderPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let move_order = ServerAction::<MoveOrder>::new();
    let add_note = ServerAction::<AddOrderNote>::new();
    let refund = ServerAction::<RefundOrder>::new();
    let replace = ServerAction::<ReplaceLostOrder>::new();
    let order = wire::resource(
        move || {
            (
                number(),
                move_order.version().get(),
                add_note.version().get(),
                refund.version().get(),
                replace.version().get(),
            )
        },
        |(number, ..)| order_for_staff(number),
    );
    let actions = OrderActions {
        move_order,
        add_note,
        refund,
        replace,
    };
    view! {
        <StaffFrame title="Order" heading_id="staff-order-title" body=move |_| view! {
            <p><a href="/admin/orders">"All orders"</a></p>
            <Transition fallback=Loading>
                {when_loaded(order, move |order| view! { <StaffOrderView order actions/> })}
            </Transition>
        }.into_any()/>
    }
}

#[derive(Clone, Copy)]
struct OrderActions {
    move_order: ServerAction<MoveOrder>,
    add_note: ServerAction<AddOrderNote>,
    refund: ServerAction<RefundOrder>,
    replace: ServerAction<ReplaceLostOrder>,
}

#[component]
fn StaffOrderView(order: StaffOrder, actions: OrderActions) -> impl IntoView {
    let OrderActions {
        move_order,
        add_note,
        refund,
        replace,
    } = actions;
    let detail = order.detail;
    let refund_panel = order.refund.map(|options| {
        view! { <RefundPanel options number=detail.number.clone() lines=detail.lines.clone() refund/> }
    });
    let number = detail.number.clone();
    let moved = FormState::new(move || move_order.value().get());
    let noted = FormState::new(move || add_note.value().get());
    let who = if order.by_account { "account" } else { "guest" };
    // Cancelling is destructive: it stands apart from the next steps, behind a confirmation.
    let (cancel, steps): (Vec<OrderAction>, Vec<OrderAction>) = order
        .actions
        .iter()
        .partition(|a| **a == OrderAction::Cancel);
    let can_cancel = !cancel.is_empty();
    view! {
        <h2 data-testid="staff-order-number">{detail.number.clone()}</h2>
        <p>
            "Placed "{format_time(detail.placed_at)}" by "{detail.email.clone()}" ("{who}") · "
            <span class=format!("status status--{}", detail.status.slug()) data-testid="staff-order-status">{detail.status.label()}</span>
        </p>
        {order.dispute.map(|reason| view! {
            <p class="notice notice--error" role="note" data-testid="dispute">
                <strong>"Payment disputed: "</strong>"the card holder's bank opened a dispute ("{reason}"). Answer it in the payment provider's dashboard before its deadline, and hold the shipment until it is settled."
            </p>
        })}
        {order.referral.map(|r| {
            let how = match (r.by_code, r.clicked_at) {
                (false, Some(at)) => format!("their link, clicked {}", format_time(at)),
                _ => "their personal promo code".to_owned(),
            };
            let taken_back = (!r.reversed.is_zero()).then(|| format!(", of which {} taken back", r.reversed));
            view! {
                <p class="note" data-testid="referral">
                    "Credited to partner "<strong>{r.partner_name}</strong>" by "{how}": commission "{r.commission.to_string()}{taken_back}"."
                </p>
            }
        })}
        <div class="panel">
            <h2>"Next step"</h2>
            <p class="field-error" role="alert" data-testid="action-error">
                {move || moved.errors.read().get("action")}
            </p>
            <FormFailure form=moved/>
            {if steps.is_empty() {
                view! { <p>"Nothing more to do: this order is "{detail.status.to_string()}"."</p> }.into_any()
            } else {
                steps.into_iter().map(|action| view! {
                    <ActionPanel action number=number.clone() move_order form=moved/>
                }).collect_view().into_any()
            }}
        </div>
        {order.lost.map(|lost| view! { <LostPanel lost number=number.clone() replace/> })}
        {can_cancel.then(|| view! {
            <CancelPanel number=number.clone() total=detail.totals.total.to_string() move_order/>
        })}
        {refund_panel}
        {(!order.tickets.is_empty()).then(|| view! {
            <div class="panel">
                <h2>"Tickets about this order"</h2>
                <TicketHistory tickets=order.tickets href_base="/admin/tickets/"/>
            </div>
        })}
        <OrderPanels order=detail staff_timeline=order.timeline/>
        <div class="panel">
            <h2>"Staff notes"</h2>
            <ul class="notes" data-testid="notes">
                {order.notes.into_iter().map(|note| view! {
                    <li><strong>{note.author}</strong>" · "{format_time(note.at)}<br/>{note.body}</li>
                }).collect_view()}
            </ul>
            <ActionForm action=add_note attr:class="form" attr:novalidate=true>
                <input type="hidden" name="number" value=number.clone()/>
                <div class="field">
                    <label for="note-body">"Add a note (staff only)"</label>
                    <textarea id="note-body" name="body" rows="3" maxlength="2000"></textarea>
                    <p class="field-error" role="alert">{move || noted.errors.read().get("body")}</p>
                </div>
                <button type="submit" class="button button--ghost">"Add note"</button>
            </ActionForm>
        </div>
    }
}

/// The form for one action: shipping asks for the carrier and tracking number.
#[component]
fn ActionPanel(
    action: OrderAction,
    number: String,
    move_order: ServerAction<MoveOrder>,
    form: FormState,
) -> impl IntoView {
    let shipping = action == OrderAction::Ship;
    view! {
        <ActionForm action=move_order attr:class="form order-action" attr:novalidate=true>
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="action" value=action.slug()/>
            {shipping.then(|| view! {
                <div class="field">
                    <label for="ship-carrier">"Carrier"</label>
                    <select id="ship-carrier" name="carrier">
                        {Carrier::ALL.into_iter().map(|c| view! { <option value=c.slug()>{c.to_string()}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{move || form.errors.read().get("carrier")}</p>
                </div>
                <div class="field">
                    <label for="ship-tracking">"Tracking number"</label>
                    <input id="ship-tracking" name="tracking" autocomplete="off"/>
                    <p class="field-error" role="alert">{move || form.errors.read().get("tracking")}</p>
                </div>
            })}
            <button type="submit" class="button" disabled=move || move_order.pending().get()>{action.label()}</button>
        </ActionForm>
    }
}

/// Refund in full, or chosen items (and the shipping), back to the payment that paid.
#[component]
fn RefundPanel(
    options: RefundOptions,
    number: String,
    lines: Vec<OrderLine>,
    refund: ServerAction<RefundOrder>,
) -> impl IntoView {
    let form = FormState::new(move || refund.value().get());
    view! {
        <section class="panel" aria-labelledby="refund-title" data-testid="refund-panel">
            <h2 id="refund-title">"Refund"</h2>
            <p>{format!("{} can still be refunded, back to the payment that paid.", options.remaining)}</p>
            <ActionForm action=refund attr:class="form" attr:novalidate=true>
                <input type="hidden" name="number" value=number/>
                <fieldset class="refund-lines">
                    <legend>"Items to refund"</legend>
                    {lines.into_iter().zip(options.lines_left).enumerate().map(|(index, (line, left))| {
                        let id = format!("refund-line-{index}");
                        view! {
                            <div class="field field--inline">
                                <label for=id.clone()>{format!("{} ({}), {} left", line.product_name, line.options, left)}</label>
                                <input id=id name=format!("quantities[{index}]") type="number" min="0" max=left.to_string()
                                    value="0" inputmode="numeric" disabled=left == 0/>
                            </div>
                        }
                    }).collect_view()}
                    {options.shipping_left.map(|shipping| view! {
                        <div class="field field--check">
                            <input id="refund-shipping" name="shipping" type="checkbox"/>
                            <label for="refund-shipping">{format!("Shipping ({shipping})")}</label>
                        </div>
                    })}
                </fieldset>
                <div class="field">
                    <label for="refund-reason">"Reason (the customer sees it)"</label>
                    <input id="refund-reason" name="reason" maxlength="500" autocomplete="off"/>
                    <p class="field-error" role="alert">{move || form.errors.read().get("reason")}</p>
                </div>
                <p class="field-error" role="alert" data-testid="refund-error">{move || form.errors.read().get("refund")}</p>
                <FormFailure form/>
                <div class="actions">
                    <button type="submit" name="scope" value="items" class="button button--danger" disabled=move || refund.pending().get()>"Refund selected"</button>
                    <button type="submit" name="scope" value="full" class="button button--danger" disabled=move || refund.pending().get()>
                        {format!("Refund everything left ({})", options.remaining)}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Cancelling, apart from the next steps and behind a confirmation: it gives the stock back,
/// refunds the order in full and tells the shopper.
#[component]
fn CancelPanel(
    number: String,
    total: String,
    move_order: ServerAction<MoveOrder>,
) -> impl IntoView {
    view! {
        <section class="panel panel--danger" aria-labelledby="cancel-title">
            <h2 id="cancel-title">"Cancel the order"</h2>
            <details class="cancel">
                <summary>"Cancel this order…"</summary>
                <p>{format!("The stock goes back on sale, {total} is refunded to the payment that paid, and the shopper is e-mailed. This cannot be undone.")}</p>
                <ActionForm action=move_order attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="number" value=number/>
                    <input type="hidden" name="action" value=OrderAction::Cancel.slug()/>
                    <button type="submit" class="button button--danger" disabled=move || move_order.pending().get()>
                        {format!("Yes, cancel and refund {total}")}
                    </button>
                </ActionForm>
            </details>
        </section>
    }
}

/// A shipped package lost in the post: once the carrier confirms it, the items are sent again
/// for free (or the order refunded, in the refund panel).
#[component]
fn LostPanel(
    lost: LostPackage,
    number: String,
    replace: ServerAction<ReplaceLostOrder>,
) -> impl IntoView {
    let form = FormState::new(move || replace.value().get());
    view! {
        <section class="panel" aria-labelledby="lost-title" data-testid="lost-panel">
            <h2 id="lost-title">"Package lost or delayed"</h2>
            {match lost {
                LostPackage::ReplacedBy(new) => view! {
                    <p data-testid="replacement">
                        "A free replacement was sent as order "
                        <a href=format!("/admin/orders/{new}")>{new.clone()}</a>"."
                    </p>
                }.into_any(),
                LostPackage::NotReplaced => view! {
                    <p>"If the carrier confirms the package is lost, send the items again for free, or refund the order below."</p>
                    <p class="field-error" role="alert" data-testid="lost-error">{move || form.errors.read().get("lost")}</p>
                    <FormFailure form/>
                    <details class="cancel">
                        <summary>"Send a free replacement…"</summary>
                        <p>"A new order with the same items, at no charge, goes to the same address; its stock is taken now. Prepare and ship it like any order."</p>
                        <ActionForm action=replace attr:class="form" attr:novalidate=true>
                            <input type="hidden" name="number" value=number/>
                            <button type="submit" class="button" disabled=move || replace.pending().get()>"Yes, send a free replacement"</button>
                        </ActionForm>
                    </details>
                }.into_any(),
            }}
        </section>
    }
}
