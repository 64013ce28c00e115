//! The shop's staff: who is on it, inviting someone, changing a role, reading the audit log.
//! Admins only, except `staff_session`, which every staff page asks first.

use crate::accounts::model::Customer;
use crate::audit::AuditPage;
use crate::error::AppError;
use crate::forms::FormResult;
use crate::wire::Postcard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::accounts::{
        email, links,
        model::{Email, LinkPurpose},
        repo,
    },
    crate::audit::{self, AuditFilter, Change},
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::{session::require_role, Role},
    crate::mail::queue,
    crate::shop::server_state,
};

/// The staff member asking; anyone else is asked to sign in or refused.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn staff_session() -> Result<Customer, AppError> {
    require_role(Role::Support).await
}

#[server(prefix = "/api/admin", output = Postcard)]
pub async fn list_staff() -> Result<Vec<Customer>, AppError> {
    require_role(Role::Admin).await?;
    Ok(repo::staff_members(&server_state()?.db.pool).await?)
}

/// The staff role a form names.
#[cfg(feature = "ssr")]
fn staff_role(slug: &str) -> Result<Role, &'static str> {
    Role::from_slug(slug)
        .filter(|role| role.is_staff())
        .ok_or("Choose Support or Admin.")
}

/// E-mails `email` a link that sets their password and gives them `role`.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn invite_staff(email: String, role: String) -> Result<FormResult, AppError> {
    let admin = require_role(Role::Admin).await?;
    let typed = [("email", email.as_str())];
    let mut errors = FieldErrors::default();
    let address = Email::parse(&email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let role = staff_role(&role).map_err(|m| errors.add("role", m)).ok();
    let (Some(address), Some(role)) = (address, role) else {
        return needs_correcting(errors, &typed);
    };
    let state = server_state()?;
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let token = links::issue(
        &mut tx,
        &address,
        LinkPurpose::StaffInvite(role),
        now,
        links::INVITE_LIFETIME_SECS,
    )
    .await?;
    let url = format!(
        "{}/account/set-password?token={token}",
        state.store.public_url
    );
    let message = email::staff_invitation(address.as_str(), role, &admin.email, &url, &state.store);
    queue::enqueue(&mut tx, &message, now).await?;
    audit::record(
        &mut tx,
        &admin,
        Change::new("invite staff", format!("account {address}")).after(role),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(FormResult::Done)
}

/// Gives an existing account another role (shopper takes a staff member off the staff).
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn change_role(email: String, role: String) -> Result<FormResult, AppError> {
    let admin = require_role(Role::Admin).await?;
    let typed = [("email", email.as_str())];
    let Ok(address) = Email::parse(&email) else {
        return needs_correcting(
            FieldErrors::single("email", "Enter an e-mail address like name@example.com."),
            &typed,
        );
    };
    let Some(role) = Role::from_slug(&role) else {
        return needs_correcting(
            FieldErrors::single("role", "Choose Shopper, Support or Admin."),
            &typed,
        );
    };
    let state = server_state()?;
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let Some(account) = repo::account_by_email(&mut tx, &address).await? else {
        return needs_correcting(
            FieldErrors::single("email", "No account has this address. Invite them instead."),
            &typed,
        );
    };
    if account.id == admin.id {
        return needs_correcting(
            FieldErrors::single("role", "You can't change your own role: ask another admin."),
            &typed,
        );
    }
    if account.role != role {
        repo::set_role(&mut tx, account.id, role).await?;
        audit::record(
            &mut tx,
            &admin,
            Change::new("change role", format!("account {address}"))
                .before(account.role)
                .after(role),
            state.clock.unix(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(FormResult::Done)
}

#[server(prefix = "/api/admin", output = Postcard)]
pub async fn audit_log(actor: String, text: String, page: u32) -> Result<AuditPage, AppError> {
    require_role(Role::Admin).await?;
    let filter = AuditFilter { actor, text };
    Ok(audit::list(&server_state()?.db.pool, &filter, page).await?)
}

/// How the first admin is made, outside any session (`server create-admin EMAIL`): an admin
/// invitation for `email`, whose link is printed for whoever runs the command. The shop has
/// no default password; opening the link sets one.
#[cfg(feature = "ssr")]
pub async fn create_admin_link(
    db: &crate::db::Db,
    public_url: &str,
    email: &str,
    now: i64,
) -> Result<String, AppError> {
    let address = Email::parse(email).map_err(|m| AppError::InvalidInput(m.into()))?;
    let mut conn = db.pool.acquire().await?;
    let token = links::issue(
        &mut conn,
        &address,
        LinkPurpose::StaffInvite(Role::Admin),
        now,
        links::INVITE_LIFETIME_SECS,
    )
    .await?;
    Ok(format!("{public_url}/account/set-password?token={token}"))
}
