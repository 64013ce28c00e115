//! Order pages: one order (also the confirmation page), the signed-in shopper's history, and a
//! guest's lookup by order number and e-mail.

use super::api::{
    get_order, order_change_offer, order_history, CancelOrder, ChangeOrderItem, FindOrder,
    ITEM_CHANGED,
};
use super::changes::{ChangeChoice, ChangeOffer};
use super::model::{OrderDetail, OrderHistoryPage, StaffStep};
use super::status::OrderStatus;
use super::tracking::TrackingHint;
use super::windows::PROBLEM_REPORT_BUSINESS_DAYS;
use crate::checkout::model::PaymentSummary;
use crate::error::AppError;
use crate::forms::{query_value, Field, FormFailure, FormResult, FormState, TextArea};
use crate::islands::island_or_component;
use crate::local_time::{format_day, format_time};
use crate::page::{set_http_status, ErrorNotice, Loading, PageTitle};
use crate::photos::picker::{new_draft, OptionalPhotos};
use crate::support::api::ReportDeliveryProblem;
use crate::support::{DeliveryProblem, MESSAGE_MAX};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// An order's details. With `?placed=1` it is the confirmation page shown right after paying.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let just_placed = move || query.read().get("placed").as_deref() == Some("1");
    let changed = move || query.read().get(ITEM_CHANGED).as_deref() == Some("1");
    let cancel = ServerAction::<CancelOrder>::new();
    let change = ServerAction::<ChangeOrderItem>::new();
    let key = move || query.read().get("key");
    // Found by its e-mail address on this very page, the order is read again.
    let find = ServerAction::<FindOrder>::new();
    let order = wire::resource(
        move || {
            (
                number(),
                key(),
                cancel.version().get(),
                change.version().get(),
                find.version().get(),
            )
        },
        |(number, key, ..)| get_order(number, key),
    );
    let offer = wire::resource(
        move || {
            (
                number(),
                key(),
                cancel.version().get(),
                change.version().get(),
            )
        },
        |(number, key, ..)| order_change_offer(number, key),
    );
    view! {
        <PageTitle text="Your order" description="Your order's status, delivery and tracking, and what you can still change, cancel or report."/>
        <section class="page narrow" aria-labelledby="order-title">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(order) => view! { <OrderView order just_placed=just_placed() cancel/> }.into_any(),
                        // Never a dead end: an order this browser may not see is found again
                        // with its e-mail address, or its account signs in.
                        Err(AppError::NotFound) => view! { <FindThisOrder number=number() find/> }.into_any(),
                        Err(AppError::SignInRequired) => view! { <SignInForOrder number=number()/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        offer.await.ok().map(|offer| view! { <ChangePanel number=number() offer change changed=changed()/> })
                    })}
                </Suspense>
            </Suspense>
        </section>
    }
}

#[component]
fn OrderView(
    order: OrderDetail,
    just_placed: bool,
    cancel: ServerAction<CancelOrder>,
) -> impl IntoView {
    let cancel_panel = view! { <CancelPanel order=order.clone() cancel/> };
    view! {
        {if just_placed {
            view! {
                <h1 id="order-title">"Thank you! Your order is placed."</h1>
                <p class="notice notice--info" role="status" data-testid="confirmation">
                    "Order "<strong data-testid="order-number">{order.number.clone()}</strong>
                    " is paid. We've e-mailed a confirmation to "<strong>{order.email.clone()}</strong>"."
                </p>
            }.into_any()
        } else {
            view! {
                <h1 id="order-title">"Order "<span data-testid="order-number">{order.number.clone()}</span></h1>
            }.into_any()
        }}
        <p>
            "Placed "{format_day(order.placed_at)}" · "
            <span class=format!("status status--{}", order.status.slug()) data-testid="order-status">{order.status.label()}</span>
        </p>
        {cancel_panel}
        <ProblemPanel order=order.clone()/>
        {(order.status == OrderStatus::Delivered).then(|| view! {
            <p class="note" data-testid="warranty-link">
                "A defect, or a quality problem with this delivery? "
                <a href=format!("/warranty/claim?order={}&email={}", order.number, query_value(&order.email))>"Claim under the warranty"</a>
                ": we replace a faulty item free of charge."
            </p>
        })}
        <OrderPanels order/>
    }
}

/// The address of a new ticket about order `number`.
fn ticket_about(number: &str, topic: &str) -> String {
    format!("/support/new?topic={topic}&order={number}")
}

/// Swapping an item for another variant while the policy allows it, or why it no longer can.
/// `changed`: the page was loaded after an item was changed by a form posted without scripts.
#[component]
fn ChangePanel(
    number: String,
    offer: ChangeOffer,
    change: ServerAction<ChangeOrderItem>,
    changed: bool,
) -> impl IntoView {
    let form = FormState::new(move || change.value().get());
    // A refused change comes back with the panel open, its reason beside the choice.
    let refused = change
        .value()
        .get_untracked()
        .is_some_and(|answer| !matches!(answer, Ok(FormResult::Done)));
    let (until, choices) = match offer {
        ChangeOffer::Closed(why) => {
            return view! {
                <p class="note" data-testid="cannot-change">
                    {why}" "<a href=ticket_about(&number, "order")>"Send us a message"</a>" if you need something changed."
                </p>
            }
            .into_any()
        }
        ChangeOffer::Open { until, choices } => (until, choices),
    };
    let changeable: Vec<ChangeChoice> = choices
        .into_iter()
        .filter(|c| !c.alternatives.is_empty())
        .collect();
    view! {
        // Outside the panel, which is drawn closed again once the order is read back.
        <p role="status" data-testid="change-done">
            {move || (changed || matches!(change.value().get(), Some(Ok(FormResult::Done))))
                .then_some("Item changed. We've e-mailed you the new details.")}
        </p>
        <details class="panel" data-testid="change-panel" open=refused>
            <summary>"Change an item"</summary>
            <p>{format!("Until {} you can change an item's phone model, type or colour to another in stock at the same price. The shipping method cannot be changed.", format_time(until))}</p>
            {if changeable.is_empty() {
                view! { <p>"No other variant is in stock at the same price right now."</p> }.into_any()
            } else {
                changeable.into_iter().enumerate().map(|(i, choice)| {
                    let select_id = format!("change-to-{i}");
                    let number = number.clone();
                    let as_ordered = format!("{} (as ordered)", choice.options);
                    view! {
                        <ActionForm action=change attr:class="form change-item">
                            <input type="hidden" name="number" value=number/>
                            <input type="hidden" name="sku" value=choice.sku.clone()/>
                            <p><strong>{choice.product_name}</strong>" · "{choice.options}" × "{choice.quantity}</p>
                            <div class="field">
                                <label for=select_id.clone()>"Change to"</label>
                                // The list starts on the item as it is, so it reads as a change.
                                <select id=select_id name="to">
                                    <option value=choice.sku.clone() selected>{as_ordered}</option>
                                    {choice.alternatives.into_iter().map(|(sku, label)| view! { <option value=sku>{label}</option> }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="button button--ghost" disabled=move || change.pending().get()>"Change this item"</button>
                        </ActionForm>
                    }
                }).collect_view().into_any()
            }}
            <p class="field-error" role="alert" data-testid="change-error">{move || form.errors.read().get("to")}</p>

            <FormFailure form/>
        </details>
    }
    .into_any()
}

/// What can be reported about `order` now, and what the panel says about it: a lost or late
/// package once shipped, a problem after delivery within the report window (the server
/// refuses later reports and says why).
fn problems_to_report(order: &OrderDetail) -> Option<(Vec<DeliveryProblem>, String)> {
    match (order.status, order.report_deadline) {
        (OrderStatus::Shipped, _) => Some((
            vec![DeliveryProblem::LostOrDelayed],
            "Tell us if your package seems lost or is late; we look into it with the carrier.".to_owned(),
        )),
        (OrderStatus::Delivered, Some(deadline)) => Some((
            DeliveryProblem::ALL.into_iter().filter(|k| k.after_delivery()).collect(),
            format!(
                "Report a damaged item, wrong or missing items, or a package you did not receive within {PROBLEM_REPORT_BUSINESS_DAYS} business days of delivery (until {}).",
                format_time(deadline)
            ),
        )),
        _ => None,
    }
}

/// Reporting a problem with the delivery, in a panel that opens. On a page served as islands
/// the form is an island in that panel, so its code (and the photo picker's) loads only for a
/// shopper who opens it.
#[component]
fn ProblemPanel(order: OrderDetail) -> impl IntoView {
    let Some((kinds, note)) = problems_to_report(&order) else {
        return ().into_any();
    };
    // A report posted without scripts and refused comes back with its panel open.
    let earlier = ServerAction::<ReportDeliveryProblem>::new()
        .value()
        .get_untracked();
    let open = earlier.is_some();
    // The photo picker loads when the panel is first opened.
    let opened = RwSignal::new(false);
    let on_toggle = move |_| {
        if !opened.get_untracked() {
            opened.set(true);
        }
    };
    let number = order.number;
    view! {
        <details class="panel" data-testid="problem-panel" open=open on:toggle=on_toggle>
            <summary>"Report a problem with this delivery"</summary>
            <p>{note}</p>
            {island_or_component!(
                view! { <ProblemReportIsland number kinds=wire::Packed(kinds) earlier=wire::Packed(earlier)/> },
                view! { <ProblemReport number kinds earlier wanted=opened.into()/> },
            )}
        </details>
    }
    .into_any()
}

/// The problem report's form on a page served as islands. It hydrates when its panel opens,
/// so the photo picker is wanted from then on. `earlier`: the answer to a report posted
/// without scripts, which an island cannot read from the page around it.
#[cfg(any(feature = "ssr", not(feature = "split")))]
#[island(lazy)]
fn ProblemReportIsland(
    number: String,
    kinds: wire::Packed<Vec<DeliveryProblem>>,
    earlier: wire::Packed<Option<Result<FormResult, AppError>>>,
) -> impl IntoView {
    let wanted = RwSignal::new(false);
    Effect::new(move |_| wanted.set(true));
    view! { <ProblemReport number kinds=kinds.0 earlier=earlier.0 wanted=wanted.into()/> }
}

/// What happened, in the shopper's words, with photos if they help.
#[component]
fn ProblemReport(
    number: String,
    kinds: Vec<DeliveryProblem>,
    earlier: Option<Result<FormResult, AppError>>,
    wanted: Signal<bool>,
) -> impl IntoView {
    let report = ServerAction::<ReportDeliveryProblem>::new();
    let form = FormState::new(move || report.value().get().or_else(|| earlier.clone()));
    let draft = new_draft();
    let error = Signal::derive(move || form.errors.read().get("photos"));
    let chosen = form.typed("problem");
    view! {
        <ActionForm action=report attr:class="form" attr:novalidate=true>
            <input type="hidden" name="number" value=number/>
            <div class="field">
                <label for="problem-kind">"What happened"</label>
                <select id="problem-kind" name="problem">
                    {kinds.into_iter().map(|k| {
                        let selected = chosen.as_deref() == Some(k.slug());
                        view! { <option value=k.slug() selected=selected>{k.label()}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert" data-testid="problem-error">{move || form.errors.read().get("problem")}</p>
            </div>
            <TextArea id="problem-description" name="description" label="Describe the problem" rows=4 max=MESSAGE_MAX form/>
            <input type="hidden" name="draft" prop:value=move || draft.get()/>
            <OptionalPhotos draft error wanted/>
            <noscript><p class="hint">"Adding photos needs JavaScript; without them, describe what you see and we will ask if we need a picture."</p></noscript>
            <FormFailure form/>
            <button type="submit" class="button" disabled=move || report.pending().get()>"Send report"</button>
        </ActionForm>
    }
}

/// Cancelling while the policy allows it (a second step confirms, without scripts too), or why
/// it no longer can be.
#[component]
fn CancelPanel(order: OrderDetail, cancel: ServerAction<CancelOrder>) -> impl IntoView {
    let form = FormState::new(move || cancel.value().get());
    let problem = move || form.errors.read().get("cancel");
    let status = order.status;
    let view = if status.shopper_can_cancel() {
        view! {
            <details class="panel cancel" data-testid="cancel-panel">
                <summary>"Cancel this order"</summary>
                <p>{if order.payment == PaymentSummary::NothingToPay {
                    "You can cancel until we start preparing it for shipping.".to_owned()
                } else {
                    format!(
                        "You can cancel until we start preparing it for shipping. The {} you paid goes back to {}; refunds take about 5-14 working days, depending on your bank or card issuer.",
                        order.totals.total, order.payment
                    )
                }}</p>
                <ActionForm action=cancel attr:class="form">
                    <input type="hidden" name="number" value=order.number.clone()/>
                    <button type="submit" class="button button--danger" disabled=move || cancel.pending().get()>
                        "Yes, cancel my order"
                    </button>
                </ActionForm>
            </details>
        }
        .into_any()
    } else if matches!(
        status,
        super::status::OrderStatus::Processing | super::status::OrderStatus::Shipped
    ) {
        view! {
            <p class="note" data-testid="cannot-cancel">
                "This order is already being prepared for shipping, so it can no longer be cancelled. "
                "If something is wrong with it, "<a href=ticket_about(&order.number, "order")>"send us a message"</a>"."
            </p>
        }
        .into_any()
    } else {
        ().into_any()
    };
    view! {
        {view}
        <p class="field-error" role="alert" data-testid="cancel-error">{problem}</p>
        <FormFailure form/>
    }
}

/// The signed-in shopper's orders, newest first, a page at a time.
#[component]
pub fn OrderHistoryPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    };
    let history = wire::resource(page, order_history);
    view! {
        <PageTitle text="Your orders" description="Every order placed with your account, newest first."/>
        <section class="page narrow" aria-labelledby="orders-title">
            <h1 id="orders-title">"Your orders"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(page) => view! { <HistoryView page/> }.into_any(),
                        Err(crate::error::AppError::SignInRequired) => {
                            set_http_status(401);
                            view! {
                                <p>"Please sign in to see your orders. Checked out as a guest? "<a href="/orders/find">"Find your order"</a>"."</p>
                                <p><a class="button" href="/account/sign-in?next=/account/orders">"Sign in"</a></p>
                            }.into_any()
                        }
                        Err(error) => view! { <crate::page::ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn HistoryView(page: OrderHistoryPage) -> impl IntoView {
    if page.orders.is_empty() {
        return view! {
            <div class="empty">
                <p>"You haven't placed any orders yet."</p>
                <p><a class="button" href="/shop">"Start shopping"</a></p>
            </div>
        }
        .into_any();
    }
    let (current, pages) = (page.page, page.pages);
    view! {
        <ul class="history" aria-label="Orders">
            {page.orders.into_iter().map(|o| {
                let href = format!("/orders/{}", o.number);
                view! {
                    <li class="history__order">
                        <a href=href><strong>{o.number.clone()}</strong></a>
                        <span>{format_day(o.placed_at)}</span>
                        <span class=format!("status status--{}", o.status.slug())>{o.status.label()}</span>
                        <span>{format!("{} item{}", o.item_count, if o.item_count == 1 { "" } else { "s" })}</span>
                        <strong>{o.total.to_string()}</strong>
                    </li>
                }
            }).collect_view()}
        </ul>
        <nav class="pagination" aria-label="Order pages">
            {(current > 1).then(|| view! { <a rel="prev" href=format!("/account/orders?page={}", current - 1)>"Newer orders"</a> })}
            <span>{format!("Page {current} of {pages}")}</span>
            {(current < pages).then(|| view! { <a rel="next" href=format!("/account/orders?page={}", current + 1)>"Older orders"</a> })}
        </nav>
    }
    .into_any()
}

/// A guest finds an order with its number and e-mail address. Works without JavaScript.
#[component]
pub fn FindOrderPage() -> impl IntoView {
    let query = use_query_map();
    let number = query.read_untracked().get("number");
    view! {
        <PageTitle text="Find your order" description="Look up an order by its number and the e-mail address it was placed with."/>
        <section class="page narrow" aria-labelledby="find-title">
            <h1 id="find-title">"Find your order"</h1>
            <p>"Checked out as a guest? Enter the order number from your confirmation e-mail and the e-mail address you used."</p>
            <FindOrderForm number find=ServerAction::new()/>
        </section>
    }
}

/// The look-up by order number and e-mail address, the number filled in when known.
#[component]
fn FindOrderForm(number: Option<String>, find: ServerAction<FindOrder>) -> impl IntoView {
    let form = FormState::new(move || find.value().get());
    view! {
        <ActionForm action=find attr:class="panel form" attr:novalidate=true>
            <Field id="find-number" name="number" label="Order number" autocomplete="off" value=number form/>
            <Field id="find-email" name="email" label="E-mail" kind="email" autocomplete="email" form/>
            <FormFailure form/>
            <button type="submit" class="button" disabled=move || find.pending().get()>"Find order"</button>
        </ActionForm>
        <p>"Have an account? "<a href="/account/orders">"See all your orders"</a>"."</p>
    }
}

/// An order this browser may not see (or that does not exist: the page says the same), from
/// an old e-mail or another device: found again with its e-mail address.
#[component]
fn FindThisOrder(number: String, find: ServerAction<FindOrder>) -> impl IntoView {
    view! {
        <h1 id="order-title">"Find your order"</h1>
        <p data-testid="find-this-order">
            {format!("To see order {number} on this device, enter the e-mail address it was placed with.")}
        </p>
        <FindOrderForm number=Some(number) find/>
    }
}

/// An account's order opened from its e-mailed link in a browser not signed in to it.
#[component]
fn SignInForOrder(number: String) -> impl IntoView {
    let next = format!(
        "/account/sign-in?next={}",
        query_value(&format!("/orders/{number}"))
    );
    view! {
        <h1 id="order-title">{format!("Order {number}")}</h1>
        <p data-testid="sign-in-for-order">"This order belongs to an account. Sign in to see it and everything you can do with it."</p>
        <p><a class="button" href=next>"Sign in to see your order"</a></p>
    }
}

/// An order's items and totals, delivery and timeline: what shoppers and staff both read,
/// staff with the timeline in their own words (`staff_timeline`).
#[component]
pub fn OrderPanels(
    order: OrderDetail,
    #[prop(optional)] staff_timeline: Option<Vec<StaffStep>>,
) -> impl IntoView {
    let t = order.totals.clone();
    let shipping = if t.shipping.is_zero() {
        "Free".to_owned()
    } else {
        t.shipping.to_string()
    };
    view! {
        <div class="panel">
            <h2>"Items"</h2>
            <ul class="order-lines">
                {order.lines.iter().map(|line| view! {
                    <li class="order-line">
                        <img src=line.image.clone() alt="" width="56" height="56"/>
                        <span>
                            <strong>{line.product_name.clone()}</strong><br/>
                            <small>{line.options.clone()}</small><br/>
                            <small>{format!("{} × {}", line.quantity, line.unit_price)}</small>
                        </span>
                        <span class="order-line__total">{line.total().to_string()}</span>
                    </li>
                }).collect_view()}
            </ul>
            <dl class="totals">
                <div class="totals__row"><dt>"Subtotal"</dt><dd>{t.subtotal.to_string()}</dd></div>
                {t.coupon.clone().filter(|_| !t.discount.is_zero()).map(|code| view! {
                    <div class="totals__row"><dt>{format!("Discount ({code})")}</dt><dd>{format!("−{}", t.discount)}</dd></div>
                })}
                <div class="totals__row"><dt>{order.method.label()}</dt><dd>{shipping}</dd></div>
                <div class="totals__row totals__row--total"><dt>"Total"</dt><dd data-testid="order-total">{t.total.to_string()}</dd></div>
            </dl>
            <p class="note">{match order.payment {
                PaymentSummary::NothingToPay => "Nothing to pay: this is a free replacement.".to_owned(),
                ref paid => format!("Paid with {paid}."),
            }}</p>
        </div>
        <div class="panel">
            <h2>"Delivery"</h2>
            <address class="address">
                {order.address.lines().into_iter().map(|l| view! { {l}<br/> }).collect_view()}
            </address>
            <p>{order.method.label()}": estimated delivery "<strong>{order.estimate.describe()}</strong>"."</p>
            <p class="note">"Delivery dates are estimates: promotions and public holidays can add a few days."</p>
            {order.tracking.clone().map(|tracking| view! {
                <p data-testid="tracking">
                    "Shipped with "{tracking.carrier.to_string()}", tracking number "<strong>{tracking.number.clone()}</strong>". "
                    <a href=tracking.url() rel="noopener noreferrer">"Track your parcel"</a>
                </p>
            })}
            {order.tracking_hint.map(|hint| match hint {
                TrackingHint::UpdatesSoon => view! {
                    <p class="note" data-testid="tracking-hint">"Tracking can take 24-48 hours to update after shipping."</p>
                }.into_any(),
                TrackingHint::AskUs => view! {
                    <p class="notice notice--info" data-testid="tracking-hint">
                        "No news of your parcel 48 hours after shipping? "
                        <a href=ticket_about(&order.number, "lost-package")>"Send us a message"</a>" about order "<strong>{order.number.clone()}</strong>" and we'll look into it."
                    </p>
                }.into_any(),
            })}
        </div>
        {(!order.refunds.is_empty()).then(|| view! {
            <div class="panel" data-testid="refunds">
                <h2>"Refunds"</h2>
                <ul class="refunds">
                    {order.refunds.iter().map(|r| view! {
                        <li>
                            <strong>{r.amount.to_string()}</strong>" · "{r.state.label()}" · "{format_day(r.at)}
                            <br/><small>{r.reason.clone()}</small>
                            {r.reference.clone().map(|reference| view! { <br/><small>"Reference "{reference}</small> })}
                        </li>
                    }).collect_view()}
                </ul>
                <p class="note">"Refunds go back to the payment method you used. They can take 5-14 working days to appear, depending on your bank or card issuer."</p>
            </div>
        })}
        <div class="panel">
            <h2>"Timeline"</h2>
            {match staff_timeline {
                Some(steps) => view! {
                    <ol class="timeline" data-testid="staff-timeline">
                        {steps.into_iter().map(|step| view! {
                            <li>
                                <strong>{step.note}</strong><br/>
                                <small>
                                    {format_time(step.at)}" · "{step.status.label()}
                                    {step.by.map(|by| view! { " · by "{by} })}
                                </small>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
                None => view! {
                    <ol class="timeline">
                        {order.events.iter().map(|e| view! {
                            <li><strong>{e.status.label()}</strong>" · "{format_day(e.at)}<br/><small>{e.note.clone()}</small></li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </div>
    }
}
