//! The shop's holidays for staff (`/api/staff/` to read, `/api/admin/` to change): days the
//! shop neither dispatches nor counts as business days, for every estimate and window.

use crate::calendar::Holiday;
use crate::error::AppError;
use crate::forms::FormResult;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::audit::{self, Change},
    crate::calendar::{repo, zone},
    crate::clock::{date_text, parse_day},
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::{session::require_role, Role},
    crate::shop::server_state,
};

/// The longest holiday name.
pub const MAX_NAME: usize = 60;

/// The holidays from today on, with the shop's zone they are days in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayList {
    pub time_zone: String,
    pub today: time::Date,
    pub holidays: Vec<Holiday>,
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn staff_holidays() -> Result<HolidayList, AppError> {
    require_role(Role::Support).await?;
    let state = server_state()?;
    let today = zone::date_at(state.calendar.zone(), state.clock.unix());
    Ok(HolidayList {
        time_zone: state.store.time_zone.clone(),
        today,
        holidays: repo::list_from(&state.db.pool, today).await?,
    })
}

/// Adds a holiday on `day` (`YYYY-MM-DD`, today or later) called `name`.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn add_holiday(day: String, name: String) -> Result<FormResult, AppError> {
    let admin = require_role(Role::Admin).await?;
    let state = server_state()?;
    let now = state.clock.unix();
    let today = zone::date_at(state.calendar.zone(), now);
    let typed = [("day", day.as_str()), ("name", name.as_str())];
    let mut errors = FieldErrors::default();
    let date = match parse_day(&day) {
        Ok(Some(date)) if date < today => {
            errors.add(
                "day",
                "Choose today or a later day: past days no longer count.",
            );
            None
        }
        Ok(Some(date)) => Some(date),
        Ok(None) => {
            errors.add("day", "Choose the day.");
            None
        }
        Err(_) => {
            errors.add("day", "Enter the day as a date, like 2026-12-25.");
            None
        }
    };
    let name = name.trim();
    if name.is_empty() {
        errors.add("name", "Name the holiday, like Christmas Day.");
    } else if name.chars().count() > MAX_NAME {
        errors.add("name", "That is too long: use at most 60 characters.");
    }
    let (Some(date), true) = (date, errors.is_empty()) else {
        return needs_correcting(errors, &typed);
    };
    let holiday = Holiday {
        day: date,
        name: name.to_owned(),
    };
    let mut tx = crate::db::begin(&state.db.pool).await?;
    if !repo::add(&mut tx, &holiday).await? {
        tx.rollback().await?;
        return needs_correcting(
            FieldErrors::single("day", &format!("{} is already a holiday.", date_text(date))),
            &typed,
        );
    }
    let change = Change::new("add holiday", format!("holiday {}", date_text(date))).after(name);
    audit::record(&mut tx, &admin, change, now).await?;
    tx.commit().await?;
    state.calendar.clear().await;
    Ok(FormResult::Done)
}

/// Removes the holiday on `day`.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn remove_holiday(day: String) -> Result<FormResult, AppError> {
    let admin = require_role(Role::Admin).await?;
    let state = server_state()?;
    let now = state.clock.unix();
    let Ok(Some(date)) = parse_day(&day) else {
        return Err(AppError::InvalidInput("That is not a day.".into()));
    };
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let Some(name) = repo::remove(&mut tx, date).await? else {
        return Err(AppError::InvalidInput(
            "That day is not a holiday any more: reload the list.".into(),
        ));
    };
    let change = Change::new("remove holiday", format!("holiday {}", date_text(date))).before(name);
    audit::record(&mut tx, &admin, change, now).await?;
    tx.commit().await?;
    state.calendar.clear().await;
    Ok(FormResult::Done)
}
