//! How a shipped order is tracked: the carrier and its tracking number, and the carrier's
//! tracking page for it.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Carrier {
    Usps,
    Ups,
    FedEx,
    Dhl,
}

impl Carrier {
    pub const ALL: [Carrier; 4] = [Carrier::Usps, Carrier::Ups, Carrier::FedEx, Carrier::Dhl];

    pub fn slug(self) -> &'static str {
        match self {
            Carrier::Usps => "usps",
            Carrier::Ups => "ups",
            Carrier::FedEx => "fedex",
            Carrier::Dhl => "dhl",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Carrier> {
        Carrier::ALL.into_iter().find(|c| c.slug() == slug)
    }

    fn tracking_page(self) -> &'static str {
        match self {
            Carrier::Usps => "https://tools.usps.com/go/TrackConfirmAction?tLabels=",
            Carrier::Ups => "https://www.ups.com/track?tracknum=",
            Carrier::FedEx => "https://www.fedex.com/fedextrack/?trknbr=",
            Carrier::Dhl => "https://www.dhl.com/us-en/home/tracking.html?tracking-id=",
        }
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Carrier::Usps => "USPS",
            Carrier::Ups => "UPS",
            Carrier::FedEx => "FedEx",
            Carrier::Dhl => "DHL",
        })
    }
}

/// A shipped order's carrier and tracking number, validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracking {
    pub carrier: Carrier,
    pub number: String,
}

impl Tracking {
    /// Checks what staff typed: a known carrier, and a tracking number of 6 to 40 letters and
    /// digits (spaces and dashes dropped, letters upper-cased).
    pub fn parse(carrier: &str, number: &str) -> Result<Tracking, (&'static str, &'static str)> {
        let carrier = Carrier::from_slug(carrier).ok_or(("carrier", "Choose the carrier."))?;
        let number: String = number
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        if number.is_empty() {
            return Err(("tracking", "Enter the tracking number."));
        }
        if !(6..=40).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err((
                "tracking",
                "A tracking number has 6 to 40 letters and digits.",
            ));
        }
        Ok(Tracking { carrier, number })
    }

    /// The carrier's page for this parcel.
    pub fn url(&self) -> String {
        format!("{}{}", self.carrier.tracking_page(), self.number)
    }
}

/// Carriers' tracking can take this long after shipping to show the parcel.
pub const TRACKING_UPDATE_HOURS: i64 = 48;

/// What the order page says about tracking a shipped order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrackingHint {
    /// Within 48 hours of shipping: tracking can take 24-48 hours to update.
    UpdatesSoon,
    /// Still not delivered 48 hours after shipping: the shopper is invited to contact us.
    AskUs,
}

/// The hint for an order that is `status`, shipped at `shipped_at` (unix seconds), at `now`.
pub fn tracking_hint(
    status: super::status::OrderStatus,
    shipped_at: Option<i64>,
    now: i64,
) -> Option<TrackingHint> {
    if status != super::status::OrderStatus::Shipped {
        return None;
    }
    let shipped_at = shipped_at?;
    Some(if now - shipped_at < TRACKING_UPDATE_HOURS * 3600 {
        TrackingHint::UpdatesSoon
    } else {
        TrackingHint::AskUs
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_normalised_and_checked() {
        let tracking = Tracking::parse("ups", " 1z999-aa1 0123456784 ").unwrap();
        assert_eq!(tracking.number, "1Z999AA10123456784");
        assert_eq!(
            tracking.url(),
            "https://www.ups.com/track?tracknum=1Z999AA10123456784"
        );
        assert_eq!(
            Tracking::parse("pigeon", "123456").unwrap_err().0,
            "carrier"
        );
        assert_eq!(Tracking::parse("dhl", "").unwrap_err().0, "tracking");
        assert_eq!(Tracking::parse("dhl", "12345").unwrap_err().0, "tracking");
        assert_eq!(
            Tracking::parse("dhl", "12345<b>").unwrap_err().0,
            "tracking"
        );
        assert!(Tracking::parse("usps", &"9".repeat(40)).is_ok());
        assert!(Tracking::parse("usps", &"9".repeat(41)).is_err());
    }

    #[test]
    fn carriers_round_trip() {
        for carrier in Carrier::ALL {
            assert_eq!(Carrier::from_slug(carrier.slug()), Some(carrier));
        }
    }

    #[test]
    fn tracking_may_lag_for_48_hours_then_we_ask_to_hear_from_the_shopper() {
        use crate::orders::status::OrderStatus;
        let shipped = 1_795_780_800;
        let hint = |at: i64| tracking_hint(OrderStatus::Shipped, Some(shipped), at);
        assert_eq!(hint(shipped), Some(TrackingHint::UpdatesSoon));
        assert_eq!(
            hint(shipped + 48 * 3600 - 1),
            Some(TrackingHint::UpdatesSoon)
        );
        assert_eq!(hint(shipped + 48 * 3600), Some(TrackingHint::AskUs));
        assert_eq!(hint(shipped + 10 * 24 * 3600), Some(TrackingHint::AskUs));
        assert_eq!(
            tracking_hint(OrderStatus::Delivered, Some(shipped), shipped + 72 * 3600),
            None
        );
        assert_eq!(tracking_hint(OrderStatus::Shipped, None, shipped), None);
    }
}
