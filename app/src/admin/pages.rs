//! Staff pages: the dashboard's home, the staff and their roles, the audit log. Each asks the
//! server who is asking first; a shopper or a visitor gets "not allowed" or "sign in".

use super::staff::{audit_log, list_staff, staff_session, ChangeRole, InviteStaff};
use crate::accounts::model::Customer;
use crate::audit::{AuditEntry, AuditPage};
use crate::error::AppError;
use crate::forms::{query_value, Field, FormFailure, FormResult, FormState};
use crate::identity::Role;
use crate::local_time::format_time;
use crate::page::{when_loaded, Loading, PageTitle, TableScroll};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// The staff member asking, or why this page is not for them.
fn staff_session_resource() -> wire::WireResource<Result<Customer, AppError>> {
    wire::resource(|| (), |_| staff_session())
}

/// The dashboard's sections, as far as `role` may open them: a side column on a wide screen,
/// folded behind a "Menu" button on a phone. The page shown is marked as current.
#[component]
fn AdminNav(role: Role, open: RwSignal<bool>) -> impl IntoView {
    let admin = role.includes(Role::Admin);
    let location = use_location();
    let link = move |href: &'static str, label: &'static str| {
        let current = move || {
            let path = location.pathname.read();
            let here = if href == "/admin" {
                *path == *href
            } else {
                *path == *href || path.starts_with(&format!("{href}/"))
            };
            here.then_some("page")
        };
        view! { <li><a href=href aria-current=current on:click=move |_| open.set(false)>{label}</a></li> }
    };
    let mut sections = vec![
        ("/admin", "Dashboard"),
        ("/admin/orders", "Orders"),
        ("/admin/tickets", "Tickets"),
        ("/admin/claims", "Claims"),
        ("/admin/customers", "Customers"),
        ("/admin/mail", "E-mail"),
        ("/admin/holidays", "Holidays"),
    ];
    if admin {
        sections.extend([
            ("/admin/products", "Products"),
            ("/admin/coupons", "Promo codes"),
            ("/admin/affiliates", "Affiliates"),
            ("/admin/staff", "Staff"),
            ("/admin/audit", "Audit log"),
        ]);
    }
    view! {
        <div class="staff-side">
            <button type="button" class="button button--ghost staff-menu" aria-controls="staff-nav"
                aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                "Menu"
            </button>
            <nav id="staff-nav" class="admin-nav" class:admin-nav--open=move || open.get() aria-label="Staff dashboard">
                <ul>{sections.into_iter().map(|(href, label)| link(href, label)).collect_view()}</ul>
            </nav>
        </div>
    }
}

/// A staff page: its title, and once the server has said the caller may see it, the
/// dashboard's navigation beside `body`; anyone else is told to sign in or that it is not
/// theirs. A page's own resources are made before this frame, not in `body`: made inside the
/// suspended part, a resource that follows the address was fetched again on the server
/// after the part's owner was gone (without the request's context).
#[component]
pub(super) fn StaffFrame<F>(title: &'static str, heading_id: &'static str, body: F) -> impl IntoView
where
    F: Fn(Customer) -> AnyView + Clone + Send + Sync + 'static,
{
    let me = staff_session_resource();
    // Held here: the part below is drawn again when a resource read in `body` arrives, and an
    // open menu must stay open.
    let menu_open = RwSignal::new(false);
    view! {
        <PageTitle text=title/>
        <section class="page admin" aria-labelledby=heading_id>
            <h1 id=heading_id>{title}</h1>
            <Suspense fallback=Loading>
                {when_loaded(me, move |me| view! {
                    <AdminNav role=me.role open=menu_open/>
                    <div class="staff-body">{body(me)}</div>
                })}
            </Suspense>
        </section>
    }
}

/// Options for a role `<select>`, with `selected` chosen.
fn role_options(roles: &'static [Role], selected: Role) -> impl IntoView {
    roles
        .iter()
        .map(|role| {
            view! { <option value=role.slug() selected={*role == selected}>{role.to_string()}</option> }
        })
        .collect_view()
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let invite = ServerAction::<InviteStaff>::new();
    let change = ServerAction::<ChangeRole>::new();
    let staff = wire::resource(
        move || (invite.version().get(), change.version().get()),
        |_| list_staff(),
    );
    view! {
        <StaffFrame title="Staff" heading_id="staff-title" body=move |_| view! {
            <StaffAdmin invite change staff/>
        }.into_any()/>
    }
}

#[component]
fn StaffAdmin(
    invite: ServerAction<InviteStaff>,
    change: ServerAction<ChangeRole>,
    staff: wire::WireResource<Result<Vec<Customer>, AppError>>,
) -> impl IntoView {
    let invite_form = FormState::new(move || invite.value().get());
    let change_form = FormState::new(move || change.value().get());
    let invited = move || matches!(invite.value().get(), Some(Ok(FormResult::Done)));
    view! {
        <div class="panel">
            <h2>"Invite someone"</h2>
            <ActionForm action=invite attr:class="form" attr:novalidate=true>
                <Field id="invite-email" name="email" label="E-mail" kind="email" autocomplete="off" form=invite_form/>
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="role">{role_options(&Role::STAFF, Role::Support)}</select>
                    <p class="field-error" role="alert">{move || invite_form.errors.read().get("role")}</p>
                </div>
                <FormFailure form=invite_form/>
                <p role="status">{move || invited().then_some("Invitation sent. The link works for 7 days.")}</p>
                <button type="submit" class="button" disabled=move || invite.pending().get()>"Send invitation"</button>
            </ActionForm>
        </div>
        <div class="panel">
            <h2>"Who is on the staff"</h2>
            <p class="field-error" role="alert" data-testid="role-error">
                {move || change_form.errors.read().get("role").or_else(|| change_form.errors.read().get("email"))}
            </p>
            <FormFailure form=change_form/>
            <Suspense fallback=Loading>
                {when_loaded(staff, move |staff| view! {
                    <ul class="staff-list">
                        {staff.into_iter().map(|member| view! { <StaffRow member change/> }).collect_view()}
                    </ul>
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn StaffRow(member: Customer, change: ServerAction<ChangeRole>) -> impl IntoView {
    let select_id = format!("role-{}", member.id);
    view! {
        <li class="staff-row" data-testid="staff-row">
            <span><strong>{member.name}</strong>" · "{member.email.clone()}</span>
            <ActionForm action=change attr:class="staff-row__form">
                <input type="hidden" name="email" value=member.email/>
                <label for=select_id.clone()>"Role"</label>
                <select id=select_id name="role">{role_options(&Role::ALL, member.role)}</select>
                <button type="submit" class="button button--ghost">"Change role"</button>
            </ActionForm>
        </li>
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Signal::derive(move || {
        let query = query.read();
        (
            query.get("actor").unwrap_or_default(),
            query.get("q").unwrap_or_default(),
            query
                .get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(0),
        )
    });
    let entries = wire::resource(
        move || filter.get(),
        |(actor, text, page)| audit_log(actor, text, page),
    );
    view! {
        <StaffFrame title="Audit log" heading_id="audit-title" body=move |_| view! {
            <AuditLog filter entries/>
        }.into_any()/>
    }
}

#[component]
fn AuditLog(
    filter: Signal<(String, String, u32)>,
    entries: wire::WireResource<Result<AuditPage, AppError>>,
) -> impl IntoView {
    let filter = move || filter.get();
    view! {
        <form method="get" action="/admin/audit" class="panel form audit-filter">
            <FilterField id="audit-actor" name="actor" label="Staff e-mail contains" value=Signal::derive(move || filter().0)/>
            <FilterField id="audit-text" name="q" label="Action or record contains" value=Signal::derive(move || filter().1)/>
            <button type="submit" class="button">"Filter"</button>
        </form>
        <Suspense fallback=Loading>
            {when_loaded(entries, move |page| view! { <AuditTable page filter=filter()/> })}
        </Suspense>
    }
}

/// One field of a list's search form (sent with GET, so a search is a link), showing what the
/// address asks for now.
#[component]
pub(super) fn FilterField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    value: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=name type=kind value=move || value.get()/>
        </div>
    }
}

/// Links to the newer and older pages of a list, where there are any.
#[component]
pub(super) fn Pager(
    label: &'static str,
    previous: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label=label>
            {previous.map(|href| view! { <a href=href>"Newer"</a> })}
            {next.map(|href| view! { <a href=href>"Older"</a> })}
        </nav>
    }
}

#[component]
fn AuditTable(page: AuditPage, filter: (String, String, u32)) -> impl IntoView {
    let (actor, text, number) = filter;
    let (actor, text) = (query_value(&actor), query_value(&text));
    let link = move |to: u32| format!("/admin/audit?actor={actor}&q={text}&page={to}");
    let previous = (number > 0).then(|| link(number - 1));
    let next = page.more.then(|| link(number + 1));
    if page.entries.is_empty() {
        return view! { <p data-testid="audit-empty">"No staff action matches."</p> }.into_any();
    }
    view! {
        <TableScroll label="Staff actions">
            <table class="audit-table">
                <caption>"Staff actions, newest first"</caption>
                <thead>
                    <tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"Record"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr>
                </thead>
                <tbody>
                    {page.entries.into_iter().map(|entry: AuditEntry| view! {
                        <tr data-testid="audit-row">
                            <td>{format_time(entry.at)}</td>
                            <td>{entry.actor_email}</td>
                            <td>{entry.action}</td>
                            <td>{entry.record}</td>
                            <td>{entry.before}</td>
                            <td>{entry.after}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <Pager label="Audit log pages" previous next/>
    }
    .into_any()
}
