//! The shipping address on the checkout form and its field-level checks. Shared by the
//! browser (messages as the shopper types) and the server (which decides).

use crate::forms::FieldErrors;
use crate::pricing::shipping::Country;
use serde::{Deserialize, Serialize};

/// The address as typed. `country` is the cart's destination code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
}

/// Longest value any address field takes; longer input is a mistake or an attack.
pub const MAX_FIELD_LEN: usize = 100;

/// An address that passed every check, trimmed, with a country the shop ships to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingAddress {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: Country,
    pub phone: String,
}

impl ShippingAddress {
    /// The address as printed on a label, one line per entry.
    pub fn lines(&self) -> Vec<String> {
        let locality = [
            self.city.as_str(),
            self.region.as_str(),
            self.postcode.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
        [
            self.name.clone(),
            self.line1.clone(),
            self.line2.clone(),
            locality,
            self.country.name().to_owned(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect()
    }
}

fn postcode_valid(country: Country, code: &str) -> bool {
    let chars: Vec<char> = code.chars().collect();
    let digits = |s: &[char]| !s.is_empty() && s.iter().all(char::is_ascii_digit);
    match country {
        Country::UnitedStates => match chars.len() {
            5 => digits(&chars),
            10 => digits(&chars[..5]) && chars[5] == '-' && digits(&chars[6..]),
            _ => false,
        },
        Country::Japan => match chars.len() {
            7 => digits(&chars),
            8 => digits(&chars[..3]) && chars[3] == '-' && digits(&chars[4..]),
            _ => false,
        },
        Country::Germany | Country::Italy | Country::Spain => chars.len() == 5 && digits(&chars),
        Country::Netherlands => {
            let compact: Vec<char> = chars.iter().copied().filter(|c| *c != ' ').collect();
            compact.len() == 6
                && digits(&compact[..4])
                && compact[4..].iter().all(char::is_ascii_alphabetic)
        }
        Country::UnitedKingdom => {
            let compact: Vec<char> = chars.iter().copied().filter(|c| *c != ' ').collect();
            (5..=7).contains(&compact.len())
                && compact[0].is_ascii_alphabetic()
                && compact.iter().all(char::is_ascii_alphanumeric)
                && compact[compact.len() - 3].is_ascii_digit()
        }
    }
}

fn postcode_example(country: Country) -> &'static str {
    match country {
        Country::UnitedStates => "a ZIP code like 94105 or 94105-1234",
        Country::Japan => "a postal code like 100-0001",
        Country::UnitedKingdom => "a postcode like SW1A 1AA",
        Country::Germany => "a 5-digit postcode like 10115",
        Country::Italy => "a 5-digit CAP like 00184",
        Country::Spain => "a 5-digit postcode like 28001",
        Country::Netherlands => "a postcode like 1012 AB",
    }
}

impl Address {
    /// Checks every field, reporting each problem against its field.
    pub fn validate(&self) -> Result<ShippingAddress, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut required = |field: &str, value: &str, message: &str| {
            let value = value.trim();
            if value.is_empty() {
                errors.add(field, message);
            } else if value.chars().count() > MAX_FIELD_LEN {
                errors.add(field, "That is too long: use at most 100 characters.");
            }
        };
        required("name", &self.name, "Enter the recipient's full name.");
        required("line1", &self.line1, "Enter the street address.");
        required("city", &self.city, "Enter the town or city.");
        if self.line2.chars().count() > MAX_FIELD_LEN {
            errors.add("line2", "That is too long: use at most 100 characters.");
        }
        let country = Country::from_code(&self.country);
        match &country {
            Err(unsupported) => errors.add("country", &unsupported.to_string()),
            Ok(Country::UnitedStates) if self.region.trim().is_empty() => {
                errors.add("region", "Enter the state.")
            }
            Ok(_) if self.region.chars().count() > MAX_FIELD_LEN => {
                errors.add("region", "That is too long: use at most 100 characters.")
            }
            Ok(_) => {}
        }
        let postcode = self.postcode.trim().to_ascii_uppercase();
        if let Ok(country) = country {
            if postcode.is_empty() {
                errors.add("postcode", "Enter the postcode.");
            } else if !postcode_valid(country, &postcode) {
                errors.add(
                    "postcode",
                    &format!(
                        "Enter {} for {}.",
                        postcode_example(country),
                        country.name()
                    ),
                );
            }
        }
        let phone = self.phone.trim();
        let phone_ok = phone.is_empty()
            || ((6..=20).contains(&phone.len())
                && phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c))
                && phone.chars().filter(char::is_ascii_digit).count() >= 6);
        if !phone_ok {
            errors.add(
                "phone",
                "Enter a phone number of digits, spaces and + - ( ), or leave it empty.",
            );
        }
        match country {
            Ok(country) if errors.is_empty() => Ok(ShippingAddress {
                name: self.name.trim().to_owned(),
                line1: self.line1.trim().to_owned(),
                line2: self.line2.trim().to_owned(),
                city: self.city.trim().to_owned(),
                region: self.region.trim().to_owned(),
                postcode,
                country,
                phone: phone.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(country: &str, postcode: &str) -> Address {
        Address {
            name: "Ada Lovelace".into(),
            line1: "1 Analytical Way".into(),
            line2: String::new(),
            city: "London".into(),
            region: if country == "US" {
                "CA".into()
            } else {
                String::new()
            },
            postcode: postcode.into(),
            country: country.into(),
            phone: String::new(),
        }
    }

    #[test]
    fn a_complete_address_is_trimmed_and_accepted() {
        let mut typed = address("GB", " sw1a 1aa ");
        typed.name = "  Ada Lovelace ".into();
        let valid = typed.validate().unwrap();
        assert_eq!(valid.name, "Ada Lovelace");
        assert_eq!(valid.postcode, "SW1A 1AA");
        assert_eq!(valid.country, Country::UnitedKingdom);
        assert_eq!(valid.lines().last().unwrap(), "United Kingdom");
    }

    #[test]
    fn postcodes_follow_each_countrys_format() {
        for (country, good, bad) in [
            ("US", "94105", "9410"),
            ("US", "94105-1234", "94105 1234"),
            ("JP", "100-0001", "100-001"),
            ("DE", "10115", "1011"),
            ("IT", "00184", "0018A"),
            ("ES", "28001", "280011"),
            ("NL", "1012 AB", "1012 A1"),
            ("GB", "M1 1AE", "11AA"),
        ] {
            assert!(
                address(country, good).validate().is_ok(),
                "{country} {good}"
            );
            let errors = address(country, bad).validate().unwrap_err();
            assert!(errors.get("postcode").is_some(), "{country} {bad}");
        }
    }

    #[test]
    fn every_missing_field_gets_its_own_message() {
        let errors = Address {
            country: "US".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        for field in ["name", "line1", "city", "region", "postcode"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert_eq!(errors.get("line2"), None);
        assert_eq!(errors.get("phone"), None);
    }

    #[test]
    fn unsupported_countries_and_odd_phones_are_refused() {
        let errors = address("FR", "75001").validate().unwrap_err();
        assert!(errors
            .get("country")
            .unwrap()
            .contains("We don't ship to FR"));
        let mut typed = address("DE", "10115");
        typed.phone = "call me".into();
        assert!(typed.validate().unwrap_err().get("phone").is_some());
        typed.phone = "+49 (30) 123456".into();
        assert!(typed.validate().is_ok());
    }
}
