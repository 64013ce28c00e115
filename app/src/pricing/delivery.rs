//! Delivery estimates: dispatch within 1-2 business days of purchase, then 3-7 business days
//! by DHL express or 7-15 by standard delivery. Weekends and the shop's holidays are skipped;
//! promotions can add time, which the shop tells the shopper beside the estimate.

use super::shipping::ShippingMethod;
use crate::calendar::{short_date, ShopCalendar};
use serde::{Deserialize, Serialize};
use time::Date;

/// A range of business days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessDays {
    pub min: u16,
    pub max: u16,
}

/// The delivery promise: configuration, never literals in the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryTimes {
    pub dispatch: BusinessDays,
    pub standard: BusinessDays,
    pub express: BusinessDays,
}

impl Default for DeliveryTimes {
    fn default() -> Self {
        DeliveryTimes {
            dispatch: BusinessDays { min: 1, max: 2 },
            standard: BusinessDays { min: 7, max: 15 },
            express: BusinessDays { min: 3, max: 7 },
        }
    }
}

/// The first and last day a parcel is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryEstimate {
    pub earliest: Date,
    pub latest: Date,
}

impl DeliveryTimes {
    /// The estimate for an order placed on `ordered`, skipping the shop's holidays.
    pub fn estimate(
        &self,
        ordered: Date,
        method: ShippingMethod,
        calendar: &ShopCalendar,
    ) -> DeliveryEstimate {
        let transit = match method {
            ShippingMethod::Standard => self.standard,
            ShippingMethod::Express => self.express,
        };
        DeliveryEstimate {
            earliest: calendar.add_business_days(ordered, self.dispatch.min + transit.min),
            latest: calendar.add_business_days(ordered, self.dispatch.max + transit.max),
        }
    }
}

impl DeliveryEstimate {
    /// "Tue 3 Dec – Fri 13 Dec", as shown to shoppers.
    pub fn describe(&self) -> String {
        format!(
            "{} – {}",
            short_date(self.earliest),
            short_date(self.latest)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::{macros::date, Duration};

    #[test]
    fn business_days_skip_weekends() {
        let plain = ShopCalendar::default();
        // 2026-11-27 is a Friday.
        for (from, days, to) in [
            (date!(2026 - 11 - 27), 1, date!(2026 - 11 - 30)),
            (date!(2026 - 11 - 28), 1, date!(2026 - 11 - 30)),
            (date!(2026 - 11 - 30), 5, date!(2026 - 12 - 07)),
            (date!(2026 - 11 - 30), 0, date!(2026 - 11 - 30)),
        ] {
            assert_eq!(plain.add_business_days(from, days), to);
        }
    }

    #[test]
    fn estimates_add_dispatch_and_transit() {
        let times = DeliveryTimes::default();
        let plain = ShopCalendar::default();
        // Ordered Monday 30 Nov: dispatch 1-2, DHL 3-7 -> 4 to 9 business days.
        let express = times.estimate(date!(2026 - 11 - 30), ShippingMethod::Express, &plain);
        assert_eq!(express.earliest, date!(2026 - 12 - 04));
        assert_eq!(express.latest, date!(2026 - 12 - 11));
        let standard = times.estimate(date!(2026 - 11 - 30), ShippingMethod::Standard, &plain);
        assert_eq!(standard.earliest, date!(2026 - 12 - 10));
        assert_eq!(standard.latest, date!(2026 - 12 - 23));
        assert_eq!(express.describe(), "Fri 4 Dec – Fri 11 Dec");
        // A holiday in the range moves both ends on by a business day.
        let holiday = ShopCalendar {
            holidays: vec![crate::calendar::Holiday {
                day: date!(2026 - 12 - 02),
                name: "Founders' Day".into(),
            }],
            utc_offset: 0,
        };
        let later = times.estimate(date!(2026 - 11 - 30), ShippingMethod::Express, &holiday);
        assert_eq!(later.describe(), "Mon 7 Dec – Mon 14 Dec");
    }

    proptest! {
        #[test]
        fn estimates_land_on_business_days_in_order(offset in 0i64..3650, express in any::<bool>()) {
            let ordered = date!(2026 - 01 - 01) + Duration::days(offset);
            let method = if express { ShippingMethod::Express } else { ShippingMethod::Standard };
            let plain = ShopCalendar::default();
            let e = DeliveryTimes::default().estimate(ordered, method, &plain);
            prop_assert!(plain.is_business_day(e.earliest) && plain.is_business_day(e.latest));
            prop_assert!(ordered < e.earliest && e.earliest <= e.latest);
            // Weekends stretch at most 2 days per 5 business days.
            let span = (e.latest - ordered).whole_days();
            let most_business_days: i64 = if express { 9 } else { 17 };
            prop_assert!(span <= most_business_days * 7 / 5 + 2);
        }
    }
}
