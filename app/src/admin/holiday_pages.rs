//! The holidays page for staff: the days ahead the shop is closed, which every delivery
//! estimate and business-day window skips; admins add and remove them.

use super::holidays::{staff_holidays, AddHoliday, HolidayList, RemoveHoliday};
use super::pages::StaffFrame;
use crate::calendar::short_date;
use crate::clock::date_text;
use crate::error::AppError;
use crate::forms::{empty_on_success, Field, FormFailure, FormResult, FormState};
use crate::identity::Role;
use crate::page::{when_loaded, Loading};
use crate::wire;
use leptos::prelude::*;

#[component]
pub fn HolidaysPage() -> impl IntoView {
    let add = ServerAction::<AddHoliday>::new();
    let remove = ServerAction::<RemoveHoliday>::new();
    let list = wire::resource(
        move || (add.version().get(), remove.version().get()),
        |_| staff_holidays(),
    );
    view! {
        <StaffFrame title="Holidays" heading_id="holidays-title" body=move |me| {
            let admin = me.role.includes(Role::Admin);
            view! { <Holidays list add remove admin/> }.into_any()
        }/>
    }
}

#[component]
fn Holidays(
    list: wire::WireResource<Result<HolidayList, AppError>>,
    add: ServerAction<AddHoliday>,
    remove: ServerAction<RemoveHoliday>,
    admin: bool,
) -> impl IntoView {
    let add_form = FormState::new(move || add.value().get());
    let remove_form = FormState::new(move || remove.value().get());
    let added = move || matches!(add.value().get(), Some(Ok(FormResult::Done)));
    // Emptied after each success: a second press must not add the same day again.
    let emptied = empty_on_success(add, || ());
    view! {
        <p>"On these days the shop does not dispatch, and they do not count as business days: delivery estimates and the 3-business-day window for reporting a delivery problem skip them, as they skip weekends. Shoppers see the holidays an estimate skips named beside it."</p>
        <Show when=move || admin>
            <div class="panel">
                <h2>"Add a holiday"</h2>
                <ActionForm action=add node_ref=emptied attr:class="form" attr:novalidate=true>
                    <div class="field-row">
                        <Field id="holiday-day" name="day" label="Day" kind="date" form=add_form/>
                        <Field id="holiday-name" name="name" label="Name" autocomplete="off" form=add_form/>
                    </div>
                    <FormFailure form=add_form/>
                    <button type="submit" class="button" disabled=move || add.pending().get()>"Add holiday"</button>
                </ActionForm>
                <p role="status">{move || added().then_some("Holiday added: estimates count with it now.")}</p>
            </div>
        </Show>
        <div class="panel">
            <h2>"Holidays ahead"</h2>
            <FormFailure form=remove_form/>
            <Suspense fallback=Loading>
                {when_loaded(list, move |list| view! { <HolidayTable list remove admin/> })}
            </Suspense>
        </div>
    }
}

#[component]
fn HolidayTable(
    list: HolidayList,
    remove: ServerAction<RemoveHoliday>,
    admin: bool,
) -> impl IntoView {
    let zone = format!(
        "Days in the shop's time zone, {} (set by SHOP_TIME_ZONE). Today there is {}.",
        list.time_zone,
        short_date(list.today)
    );
    if list.holidays.is_empty() {
        return view! {
            <p class="note">{zone}</p>
            <p data-testid="no-holidays">"No holidays ahead: only weekends are skipped."</p>
        }
        .into_any();
    }
    view! {
        <p class="note">{zone}</p>
        <table class="staff-table" data-testid="holidays">
            <thead><tr><th scope="col">"Day"</th><th scope="col">"Holiday"</th>{admin.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}</tr></thead>
            <tbody>
                {list.holidays.into_iter().map(|holiday| {
                    let day = date_text(holiday.day);
                    let label = format!("Remove {}", holiday.name);
                    view! {
                        <tr>
                            <td>{short_date(holiday.day)}" "{holiday.day.year()}</td>
                            <td>{holiday.name.clone()}</td>
                            {admin.then(|| view! {
                                <td>
                                    <ActionForm action=remove>
                                        <input type="hidden" name="day" value=day/>
                                        <button type="submit" class="button button--ghost button--small" aria-label=label>"Remove"</button>
                                    </ActionForm>
                                </td>
                            })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
