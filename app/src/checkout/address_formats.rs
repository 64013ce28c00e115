//! How each destination writes an address: which fields it has, in what order and under what
//! names, the states or prefectures to choose from, and the postcode's format.

use crate::pricing::shipping::Country;

/// One part of an address after the recipient's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Street,
    Unit,
    City,
    Region,
    Postcode,
}

/// The state, prefecture or province line of an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionField {
    /// Chosen from a list of (stored value, name shown); `missing` asks for a choice.
    List {
        label: &'static str,
        choices: &'static [(&'static str, &'static str)],
        missing: &'static str,
    },
    /// Typed, such as a British county.
    Text { label: &'static str, required: bool },
}

/// The address form of one destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressFormat {
    /// The parts in the order the country writes them.
    pub parts: &'static [Part],
    pub city_label: &'static str,
    pub unit_label: &'static str,
    pub postcode_label: &'static str,
    /// A postcode as the country writes it, shown in the empty field.
    pub postcode_example: &'static str,
    /// `None` where addresses have no such line (the postcode says it).
    pub region: Option<RegionField>,
}

const STREET_FIRST: &[Part] = &[
    Part::Street,
    Part::Unit,
    Part::City,
    Part::Region,
    Part::Postcode,
];
/// Continental Europe writes the postcode before the town.
const POSTCODE_BEFORE_TOWN: &[Part] = &[
    Part::Street,
    Part::Unit,
    Part::Postcode,
    Part::City,
    Part::Region,
];
/// Japan writes from the largest area down: postcode, prefecture, city, street, building.
const LARGEST_FIRST: &[Part] = &[
    Part::Postcode,
    Part::Region,
    Part::City,
    Part::Street,
    Part::Unit,
];

const UNIT: &str = "Apartment, suite, etc.";

impl AddressFormat {
    pub fn of(country: Country) -> AddressFormat {
        match country {
            Country::UnitedStates => AddressFormat {
                parts: STREET_FIRST,
                city_label: "City",
                unit_label: UNIT,
                postcode_label: "ZIP code",
                postcode_example: "94105",
                region: Some(RegionField::List {
                    label: "State",
                    choices: US_STATES,
                    missing: "Choose the state.",
                }),
            },
            Country::Japan => AddressFormat {
                parts: LARGEST_FIRST,
                city_label: "City, ward, town or village",
                unit_label: "Building and room",
                postcode_label: "Postal code",
                postcode_example: "100-0001",
                region: Some(RegionField::List {
                    label: "Prefecture",
                    choices: JP_PREFECTURES,
                    missing: "Choose the prefecture.",
                }),
            },
            Country::UnitedKingdom => AddressFormat {
                parts: STREET_FIRST,
                city_label: "Town or city",
                unit_label: UNIT,
                postcode_label: "Postcode",
                postcode_example: "SW1A 1AA",
                region: Some(RegionField::Text {
                    label: "County",
                    required: false,
                }),
            },
            Country::Italy => AddressFormat {
                parts: POSTCODE_BEFORE_TOWN,
                city_label: "Town or city",
                unit_label: UNIT,
                postcode_label: "Postcode (CAP)",
                postcode_example: "00184",
                region: Some(RegionField::Text {
                    label: "Province code",
                    required: true,
                }),
            },
            Country::Spain => AddressFormat {
                parts: POSTCODE_BEFORE_TOWN,
                city_label: "Town or city",
                unit_label: UNIT,
                postcode_label: "Postcode",
                postcode_example: "28001",
                region: Some(RegionField::Text {
                    label: "Province",
                    required: false,
                }),
            },
            Country::Germany | Country::Netherlands => AddressFormat {
                parts: POSTCODE_BEFORE_TOWN,
                city_label: "Town or city",
                unit_label: UNIT,
                postcode_label: "Postcode",
                postcode_example: if country == Country::Germany {
                    "10115"
                } else {
                    "1012 AB"
                },
                region: None,
            },
        }
    }

    /// Whether the postcode fits the country's format; `code` is trimmed and upper case.
    pub fn postcode_fits(country: Country, code: &str) -> bool {
        let chars: Vec<char> = code.chars().collect();
        let digits = |s: &[char]| !s.is_empty() && s.iter().all(char::is_ascii_digit);
        let compact: Vec<char> = chars.iter().copied().filter(|c| *c != ' ').collect();
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
            Country::Germany | Country::Italy | Country::Spain => {
                chars.len() == 5 && digits(&chars)
            }
            Country::Netherlands => {
                compact.len() == 6
                    && digits(&compact[..4])
                    && compact[4..].iter().all(char::is_ascii_alphabetic)
            }
            Country::UnitedKingdom => {
                (5..=7).contains(&compact.len())
                    && compact[0].is_ascii_alphabetic()
                    && compact.iter().all(char::is_ascii_alphanumeric)
                    && compact[compact.len() - 3].is_ascii_digit()
            }
        }
    }

    /// What the postcode field wants, for its message: "a ZIP code like 94105 or 94105-1234".
    pub fn postcode_wanted(country: Country) -> &'static str {
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
}

impl RegionField {
    /// The region as stored, or the message that asks for it. `typed` is trimmed.
    pub fn check(self, typed: &str) -> Result<String, &'static str> {
        match self {
            // A value not on the list (one typed for another country) shows as no choice.
            RegionField::List {
                choices, missing, ..
            } => choices
                .iter()
                .find(|(value, name)| {
                    value.eq_ignore_ascii_case(typed) || name.eq_ignore_ascii_case(typed)
                })
                .map(|(value, _)| (*value).to_owned())
                .ok_or(missing),
            RegionField::Text { required, .. } if required => {
                // Italian addresses carry the province's two-letter code (RM for Rome).
                let code = typed.to_ascii_uppercase();
                if code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()) {
                    Ok(code)
                } else {
                    Err("Enter the province's 2-letter code, like RM for Rome or MI for Milan.")
                }
            }
            RegionField::Text { .. } => Ok(typed.to_owned()),
        }
    }
}

/// The states, the federal district and Puerto Rico, by USPS code.
pub const US_STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("PR", "Puerto Rico"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
];

/// The 47 prefectures in their customary order, north to south; stored by name as carriers
/// print them.
pub const JP_PREFECTURES: &[(&str, &str)] = &[
    ("Hokkaido", "Hokkaido"),
    ("Aomori", "Aomori"),
    ("Iwate", "Iwate"),
    ("Miyagi", "Miyagi"),
    ("Akita", "Akita"),
    ("Yamagata", "Yamagata"),
    ("Fukushima", "Fukushima"),
    ("Ibaraki", "Ibaraki"),
    ("Tochigi", "Tochigi"),
    ("Gunma", "Gunma"),
    ("Saitama", "Saitama"),
    ("Chiba", "Chiba"),
    ("Tokyo", "Tokyo"),
    ("Kanagawa", "Kanagawa"),
    ("Niigata", "Niigata"),
    ("Toyama", "Toyama"),
    ("Ishikawa", "Ishikawa"),
    ("Fukui", "Fukui"),
    ("Yamanashi", "Yamanashi"),
    ("Nagano", "Nagano"),
    ("Gifu", "Gifu"),
    ("Shizuoka", "Shizuoka"),
    ("Aichi", "Aichi"),
    ("Mie", "Mie"),
    ("Shiga", "Shiga"),
    ("Kyoto", "Kyoto"),
    ("Osaka", "Osaka"),
    ("Hyogo", "Hyogo"),
    ("Nara", "Nara"),
    ("Wakayama", "Wakayama"),
    ("Tottori", "Tottori"),
    ("Shimane", "Shimane"),
    ("Okayama", "Okayama"),
    ("Hiroshima", "Hiroshima"),
    ("Yamaguchi", "Yamaguchi"),
    ("Tokushima", "Tokushima"),
    ("Kagawa", "Kagawa"),
    ("Ehime", "Ehime"),
    ("Kochi", "Kochi"),
    ("Fukuoka", "Fukuoka"),
    ("Saga", "Saga"),
    ("Nagasaki", "Nagasaki"),
    ("Kumamoto", "Kumamoto"),
    ("Oita", "Oita"),
    ("Miyazaki", "Miyazaki"),
    ("Kagoshima", "Kagoshima"),
    ("Okinawa", "Okinawa"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_destination_has_each_part_once() {
        for country in Country::ALL {
            let format = AddressFormat::of(country);
            for part in [
                Part::Street,
                Part::Unit,
                Part::City,
                Part::Region,
                Part::Postcode,
            ] {
                let count = format.parts.iter().filter(|p| **p == part).count();
                assert_eq!(count, 1, "{country}: {part:?}");
            }
            assert!(
                AddressFormat::postcode_fits(country, format.postcode_example),
                "{country}: the example must fit"
            );
        }
    }

    #[test]
    fn lists_are_complete_and_unique() {
        assert_eq!(US_STATES.len(), 52);
        assert_eq!(JP_PREFECTURES.len(), 47);
        for list in [US_STATES, JP_PREFECTURES] {
            let mut values: Vec<_> = list.iter().map(|(v, _)| v.to_ascii_lowercase()).collect();
            values.sort();
            values.dedup();
            assert_eq!(values.len(), list.len());
        }
    }

    #[test]
    fn regions_are_matched_by_code_or_name() {
        let state = AddressFormat::of(Country::UnitedStates).region.unwrap();
        assert_eq!(state.check("va"), Ok("VA".to_owned()));
        assert_eq!(state.check("Virginia"), Ok("VA".to_owned()));
        assert_eq!(state.check(""), Err("Choose the state."));
        assert_eq!(state.check("Ontario"), Err("Choose the state."));
        let prefecture = AddressFormat::of(Country::Japan).region.unwrap();
        assert_eq!(prefecture.check("tokyo"), Ok("Tokyo".to_owned()));
        assert_eq!(prefecture.check(""), Err("Choose the prefecture."));
        let province = AddressFormat::of(Country::Italy).region.unwrap();
        assert_eq!(province.check("rm"), Ok("RM".to_owned()));
        assert!(province.check("Roma").is_err());
        let county = AddressFormat::of(Country::UnitedKingdom).region.unwrap();
        assert_eq!(county.check(""), Ok(String::new()));
        assert_eq!(AddressFormat::of(Country::Germany).region, None);
    }
}
