//! What the shop needs to reach PayPal, as checked when it starts.

use crate::payments::secrets::{Secret, SettingError};

/// PayPal's live REST API; its sandbox is `https://api-m.sandbox.paypal.com`.
pub const DEFAULT_API_URL: &str = "https://api-m.paypal.com";
pub const SANDBOX_API_URL: &str = "https://api-m.sandbox.paypal.com";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayPalSettings {
    /// The REST app's client id (public: PayPal shows it in its dashboard's app list).
    pub client_id: String,
    /// The REST app's secret: never printed.
    pub client_secret: Secret,
    /// The id of the webhook PayPal sends events to, which each event is verified against.
    pub webhook_id: String,
    /// PayPal's API, without a trailing slash.
    pub api_url: String,
}

impl PayPalSettings {
    /// The sandbox charges nobody: the shop then says "PayPal sandbox".
    pub fn test_mode(&self) -> bool {
        self.api_url.contains(".sandbox.") || !self.api_url.starts_with("https://")
    }

    /// Reads the settings from `var` (the environment), checking each.
    pub fn from_lookup(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<PayPalSettings, SettingError> {
        let value = |name: &'static str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let token = |name: &'static str, expected: &'static str| {
            value(name)
                .filter(|v| {
                    v.len() <= 256
                        && v.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
                .ok_or(SettingError { name, expected })
        };
        let client_id = token("PAYPAL_CLIENT_ID", "the client id of a PayPal REST app")?;
        let client_secret = token(
            "PAYPAL_CLIENT_SECRET",
            "the secret of the PayPal REST app (letters, digits, - and _)",
        )?;
        // PayPal's webhook ids are letters and digits only (its OpenAPI document says so).
        let webhook_id = value("PAYPAL_WEBHOOK_ID")
            .filter(|v| v.len() <= 50 && v.bytes().all(|b| b.is_ascii_alphanumeric()))
            .ok_or(SettingError {
                name: "PAYPAL_WEBHOOK_ID",
                expected: "the id of the shop's PayPal webhook (letters and digits)",
            })?;
        let api_url = value("PAYPAL_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        let host = api_url
            .split_once("://")
            .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default());
        if host.is_none_or(str::is_empty) {
            return Err(SettingError {
                name: "PAYPAL_API_URL",
                expected: "an http:// or https:// address",
            });
        }
        Ok(PayPalSettings {
            client_id,
            client_secret: Secret::new(client_secret),
            webhook_id,
            api_url: api_url.trim_end_matches('/').to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<PayPalSettings, SettingError> {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        PayPalSettings::from_lookup(|name| map.get(name).map(|v| v.to_string()))
    }

    const KEYS: [(&str, &str); 3] = [
        ("PAYPAL_CLIENT_ID", "AbC-123_client"),
        ("PAYPAL_CLIENT_SECRET", "EfG-456_s3cret"),
        ("PAYPAL_WEBHOOK_ID", "8PT597110X687430LKGECATA"),
    ];

    #[test]
    fn the_live_api_by_default_and_the_sandbox_is_test_mode() {
        let live = read(&KEYS).unwrap();
        assert_eq!(live.api_url, "https://api-m.paypal.com");
        assert!(!live.test_mode());
        let mut vars = KEYS.to_vec();
        vars.push(("PAYPAL_API_URL", "https://api-m.sandbox.paypal.com/"));
        let sandbox = read(&vars).unwrap();
        assert_eq!(sandbox.api_url, SANDBOX_API_URL);
        assert!(sandbox.test_mode());
    }

    #[test]
    fn each_missing_or_malformed_setting_is_named_and_the_secret_never_prints() {
        for (missing, _) in KEYS {
            let vars: Vec<_> = KEYS
                .iter()
                .copied()
                .filter(|(n, _)| *n != missing)
                .collect();
            assert_eq!(read(&vars).unwrap_err().name, missing);
        }
        let mut vars = KEYS.to_vec();
        vars[1].1 = "has spaces in it";
        let err = read(&vars).unwrap_err();
        assert_eq!(err.name, "PAYPAL_CLIENT_SECRET");
        assert!(!err.to_string().contains("spaces"));
        let mut vars = KEYS.to_vec();
        vars.push(("PAYPAL_API_URL", "api-m.paypal.com"));
        assert_eq!(read(&vars).unwrap_err().name, "PAYPAL_API_URL");
        let printed = format!("{:?}", read(&KEYS).unwrap());
        assert!(!printed.contains("EfG-456_s3cret") && printed.contains("AbC-123_client"));
    }
}
