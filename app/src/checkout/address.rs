//! The shipping address on the checkout form and its field-level checks. Shared by the
//! browser (messages as the shopper types) and the server (which decides).

use super::address_formats::AddressFormat;
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
        let mut region = String::new();
        let mut postcode = self.postcode.trim().to_ascii_uppercase();
        match country {
            Err(ref unsupported) => errors.add("country", &unsupported.to_string()),
            Ok(country) => {
                let format = AddressFormat::of(country);
                let typed = self.region.trim();
                // A line the country's addresses do not have is dropped, not refused: it was
                // typed for the country chosen before.
                if let Some(field) = format.region {
                    if typed.chars().count() > MAX_FIELD_LEN {
                        errors.add("region", "That is too long: use at most 100 characters.");
                    } else {
                        match field.check(typed) {
                            Ok(value) => region = value,
                            Err(message) => errors.add("region", message),
                        }
                    }
                }
                if postcode.is_empty() {
                    errors.add(
                        "postcode",
                        &format!("Enter the {}.", lowercase_first(format.postcode_label)),
                    );
                } else if !AddressFormat::postcode_fits(country, &postcode) {
                    errors.add(
                        "postcode",
                        &format!(
                            "Enter {} for {}.",
                            AddressFormat::postcode_wanted(country),
                            country.name()
                        ),
                    );
                } else if country == Country::Japan && postcode.len() == 7 {
                    postcode.insert(3, '-');
                }
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
                region,
                postcode,
                country,
                phone: phone.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// "ZIP code" for "Enter the ZIP code."; keeps "CAP" whole.
fn lowercase_first(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
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
            region: match country {
                "US" => "CA",
                "JP" => "Tokyo",
                "IT" => "RM",
                _ => "",
            }
            .into(),
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
    fn regions_follow_each_countrys_addresses() {
        let mut typed = address("US", "94105");
        typed.region = "california".into();
        assert_eq!(typed.validate().unwrap().region, "CA");
        typed.region = "Bavaria".into();
        assert_eq!(
            typed.validate().unwrap_err().get("region").as_deref(),
            Some("Choose the state.")
        );
        // A state typed before switching to Germany is not printed on the label.
        typed.country = "DE".into();
        typed.postcode = "10115".into();
        assert_eq!(typed.validate().unwrap().region, "");
        let mut japan = address("JP", "1000001");
        let valid = japan.clone().validate().unwrap();
        assert_eq!(
            (valid.region.as_str(), valid.postcode.as_str()),
            ("Tokyo", "100-0001")
        );
        japan.region.clear();
        assert_eq!(
            japan.validate().unwrap_err().get("region").as_deref(),
            Some("Choose the prefecture.")
        );
        let mut italy = address("IT", "00184");
        italy.region = "Roma".into();
        assert!(italy.validate().unwrap_err().get("region").is_some());
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
