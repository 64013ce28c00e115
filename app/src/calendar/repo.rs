//! The `holidays` table.

use super::Holiday;
use sqlx::{AnyConnection, AnyPool, Row};
use time::Date;

use crate::clock::{date_text as day_text, parse_day};

/// The holidays on or after `from`, in date order.
pub async fn list_from(pool: &AnyPool, from: Date) -> Result<Vec<Holiday>, sqlx::Error> {
    let rows = sqlx::query("SELECT day, name FROM holidays WHERE day >= $1 ORDER BY day")
        .bind(day_text(from))
        .fetch_all(pool)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let day: String = row.get("day");
            Some(Holiday {
                day: parse_day(&day).ok().flatten()?,
                name: row.get("name"),
            })
        })
        .collect())
}

/// Adds a holiday; `false` if that day already is one.
pub async fn add(conn: &mut AnyConnection, holiday: &Holiday) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO holidays (day, name) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
    )
    .bind(day_text(holiday.day))
    .bind(&holiday.name)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the holiday on `day`, returning its name if there was one.
pub async fn remove(conn: &mut AnyConnection, day: Date) -> Result<Option<String>, sqlx::Error> {
    let name = sqlx::query_scalar::<_, String>("SELECT name FROM holidays WHERE day = $1")
        .bind(day_text(day))
        .fetch_optional(&mut *conn)
        .await?;
    if name.is_some() {
        sqlx::query("DELETE FROM holidays WHERE day = $1")
            .bind(day_text(day))
            .execute(conn)
            .await?;
    }
    Ok(name)
}
