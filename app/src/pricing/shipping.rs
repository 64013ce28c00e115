//! Where the shop ships, how, and for how much.

use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The destinations the shop ships to. Any other country is refused at checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    UnitedStates,
    Japan,
    UnitedKingdom,
    Germany,
    Italy,
    Spain,
    Netherlands,
}

impl Country {
    pub const ALL: [Country; 7] = [
        Country::UnitedStates,
        Country::Japan,
        Country::UnitedKingdom,
        Country::Germany,
        Country::Italy,
        Country::Spain,
        Country::Netherlands,
    ];

    /// ISO 3166-1 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Country::UnitedStates => "US",
            Country::Japan => "JP",
            Country::UnitedKingdom => "GB",
            Country::Germany => "DE",
            Country::Italy => "IT",
            Country::Spain => "ES",
            Country::Netherlands => "NL",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Country::UnitedStates => "United States",
            Country::Japan => "Japan",
            Country::UnitedKingdom => "United Kingdom",
            Country::Germany => "Germany",
            Country::Italy => "Italy",
            Country::Spain => "Spain",
            Country::Netherlands => "Netherlands",
        }
    }

    /// Looks a destination up by its two-letter code, in any case.
    pub fn from_code(code: &str) -> Result<Country, UnsupportedCountry> {
        let code = code.trim();
        Country::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
            .ok_or_else(|| UnsupportedCountry(code.to_ascii_uppercase()))
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A destination the shop does not ship to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("We don't ship to {0} yet. We ship to the United States, Japan, the United Kingdom, Germany, Italy, Spain and the Netherlands.")]
pub struct UnsupportedCountry(pub String);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShippingMethod {
    /// Global standard delivery; free over the threshold.
    #[default]
    Standard,
    /// Express by DHL, always paid.
    Express,
}

impl ShippingMethod {
    pub const ALL: [ShippingMethod; 2] = [ShippingMethod::Standard, ShippingMethod::Express];

    pub fn slug(self) -> &'static str {
        match self {
            ShippingMethod::Standard => "standard",
            ShippingMethod::Express => "express",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ShippingMethod> {
        ShippingMethod::ALL.into_iter().find(|m| m.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            ShippingMethod::Standard => "Standard shipping",
            ShippingMethod::Express => "Express by DHL",
        }
    }
}

/// The shop's shipping prices: configuration, never literals in the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRates {
    pub standard_fee: Money,
    /// Standard shipping is free when the merchandise total after discount reaches this.
    pub free_standard_from: Money,
    pub express_fee: Money,
}

impl Default for ShippingRates {
    /// The store policy's defaults: USD 5 standard, free from USD 30, USD 15 express.
    fn default() -> Self {
        ShippingRates {
            standard_fee: Money::from_dollars(5),
            free_standard_from: Money::from_dollars(30),
            express_fee: Money::from_dollars(15),
        }
    }
}

impl ShippingRates {
    /// The fee for `method` on `merchandise` (after any discount). A free-shipping coupon
    /// waives standard shipping; express by DHL is always charged in full.
    pub fn fee(
        &self,
        method: ShippingMethod,
        merchandise: Money,
        free_shipping_coupon: bool,
    ) -> Money {
        match method {
            ShippingMethod::Express => self.express_fee,
            ShippingMethod::Standard if free_shipping_coupon => Money::ZERO,
            ShippingMethod::Standard if merchandise >= self.free_standard_from => Money::ZERO,
            ShippingMethod::Standard => self.standard_fee,
        }
    }

    /// How much more merchandise would make standard shipping free, if any.
    pub fn free_shipping_gap(&self, merchandise: Money) -> Option<Money> {
        (merchandise < self.free_standard_from).then(|| self.free_standard_from - merchandise)
    }
}
