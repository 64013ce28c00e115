//! Orders of a date range as CSV, for staff (server only). Written by the `csv` crate, so
//! fields with commas, quotes or line breaks are quoted as RFC 4180 says; money is a decimal
//! string ("19.99"), times are ISO 8601 in UTC. Each export is recorded in the audit log.

use crate::audit::{self, Change};
use crate::clock::{day_start, DAY_SECONDS};
// Under the staff prefix, so the router refuses a lower role before the export runs.
pub use super::EXPORT_PATH;
use crate::error::AppError;
use crate::identity::session::account_from_headers;
use crate::identity::Role;
use crate::money::Money;
use crate::orders::staff_list::{self, ExportRow};
use crate::shop::ServerState;
use axum::http::HeaderMap;

/// The longest range one export covers.
pub const MAX_DAYS: i64 = 366;

const HEADER: [&str; 20] = [
    "order_number",
    "placed_at_utc",
    "status",
    "email",
    "ship_name",
    "ship_country",
    "shipping_method",
    "items",
    "item_count",
    "subtotal",
    "discount",
    "coupon",
    "shipping",
    "total",
    "refunded",
    "currency",
    "payment",
    "payment_reference",
    "carrier",
    "tracking_number",
];

/// The first second and the end (exclusive) of the days `from` to `to`, both included.
pub fn range(from: &str, to: &str) -> Result<(i64, i64), &'static str> {
    let (Ok(Some(first)), Ok(Some(last))) = (day_start(from), day_start(to)) else {
        return Err("Give the first and last day to export as YYYY-MM-DD.");
    };
    let until = last + DAY_SECONDS;
    if until <= first {
        return Err("The first day must come before the last.");
    }
    if until - first > MAX_DAYS * DAY_SECONDS {
        return Err("Export at most a year of orders at a time.");
    }
    Ok((first, until))
}

fn iso(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

fn money(amount: Money) -> String {
    format!("{:.2}", amount.amount())
}

/// `rows` as CSV bytes, header first.
pub fn write_csv(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    for row in rows {
        out.write_record([
            row.number.clone(),
            iso(row.placed_at),
            row.status.slug().to_owned(),
            row.email.clone(),
            row.ship_name.clone(),
            row.country.clone(),
            row.method.clone(),
            row.items.clone(),
            row.item_count.to_string(),
            money(row.subtotal),
            money(row.discount),
            row.coupon.clone().unwrap_or_default(),
            money(row.shipping),
            money(row.total),
            money(row.refunded),
            "USD".to_owned(),
            row.payment.clone(),
            row.reference.clone().unwrap_or_default(),
            row.carrier.clone().unwrap_or_default(),
            row.tracking.clone().unwrap_or_default(),
        ])?;
    }
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// The placed orders of the days `from` to `to` as a CSV file for the staff member the
/// request's session belongs to: its name and bytes.
pub async fn orders_csv(
    state: &ServerState,
    headers: &HeaderMap,
    from: &str,
    to: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let staff = match account_from_headers(state, headers).await? {
        Some(account) if account.role.includes(Role::Support) => account,
        Some(_) => return Err(AppError::NotAllowed),
        None => return Err(AppError::SignInRequired),
    };
    let (first, until) = range(from, to).map_err(|m| AppError::InvalidInput(m.into()))?;
    let rows = staff_list::export_rows(&state.db.pool, first, until).await?;
    let bytes = write_csv(&rows).map_err(|err| {
        tracing::error!(error = %err, "cannot write the orders export");
        AppError::Unavailable
    })?;
    let mut conn = state.db.pool.acquire().await?;
    audit::record(
        &mut conn,
        &staff,
        Change::new("export orders", format!("orders {from} to {to}"))
            .after(format!("{} orders", rows.len())),
        state.clock.unix(),
    )
    .await?;
    Ok((format!("orders-{from}-to-{to}.csv"), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::status::OrderStatus;

    fn row() -> ExportRow {
        ExportRow {
            number: "CF-ABCD2345".into(),
            placed_at: 1_795_780_800,
            status: OrderStatus::Shipped,
            email: "ada@example.com".into(),
            ship_name: "Lovelace, Ada \"Countess\"".into(),
            country: "GB".into(),
            method: "standard".into(),
            items: "2 × Signature Case (iPhone 17, Clear)\n1 × Grip".into(),
            item_count: 3,
            subtotal: Money::from_cents(5597),
            discount: Money::from_cents(500),
            coupon: Some("SAVE5".into()),
            shipping: Money::ZERO,
            total: Money::from_cents(5097),
            refunded: Money::from_cents(1999),
            payment: "Visa ending in 4242".into(),
            reference: Some("ch_1".into()),
            carrier: Some("ups".into()),
            tracking: Some("1Z999".into()),
        }
    }

    #[test]
    fn fields_are_quoted_and_money_is_decimal() {
        let text = String::from_utf8(write_csv(&[row()]).unwrap()).unwrap();
        let mut lines = text.splitn(2, '\n');
        assert_eq!(lines.next().unwrap(), HEADER.join(","));
        let record = lines.next().unwrap();
        assert!(record.starts_with("CF-ABCD2345,2026-11-27T12:00:00Z,shipped,ada@example.com,"));
        assert!(
            record.contains("\"Lovelace, Ada \"\"Countess\"\"\""),
            "{record}"
        );
        assert!(record.contains("\"2 × Signature Case (iPhone 17, Clear)\n1 × Grip\""));
        assert!(
            record.contains(",3,55.97,5.00,SAVE5,0.00,50.97,19.99,USD,"),
            "{record}"
        );
        // A reader gets back exactly what was written.
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let back = reader.records().next().unwrap().unwrap();
        assert_eq!(&back[4], "Lovelace, Ada \"Countess\"");
        assert_eq!(back.len(), HEADER.len());
    }

    #[test]
    fn a_range_is_whole_days_of_at_most_a_year() {
        let (first, until) = range("2026-11-27", "2026-11-27").unwrap();
        assert_eq!(until - first, DAY_SECONDS);
        assert!(range("2026-11-28", "2026-11-27").is_err());
        assert!(range("", "2026-11-27").is_err());
        assert!(range("2025-01-01", "2026-11-27").is_err());
    }
}
