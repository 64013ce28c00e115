//! What the shop needs to reach Stripe, as checked when it starts.

use crate::payments::secrets::{Secret, SettingError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeSettings {
    /// `sk_test_…` or `sk_live_…` (or a restricted `rk_` key).
    pub secret_key: Secret,
    /// `pk_test_…` or `pk_live_…`: public, given to Stripe.js on the checkout page.
    pub publishable_key: String,
    /// `whsec_…`: signs the events Stripe sends to the webhook.
    pub webhook_secret: Secret,
    /// Stripe's API, without a trailing slash (`https://api.stripe.com`).
    pub api_url: String,
    /// Stripe.js (`https://js.stripe.com/v3/`).
    pub js_url: String,
}

/// Where Stripe's API and script live unless the settings say otherwise.
pub const DEFAULT_API_URL: &str = "https://api.stripe.com";
pub const DEFAULT_JS_URL: &str = "https://js.stripe.com/v3/";

impl StripeSettings {
    /// Test keys: Stripe charges nothing, and the shop says "Stripe test mode".
    pub fn test_mode(&self) -> bool {
        let secret = self.secret_key.expose();
        secret.starts_with("sk_test_") || secret.starts_with("rk_test_")
    }

    /// The origins the checkout page lets Stripe.js use: its own (script and frames) and the
    /// API's (its requests). Real Stripe.js also opens 3-D Secure frames on hooks.stripe.com.
    pub fn page_origins(&self) -> StripeOrigins {
        let script = origin_of(&self.js_url);
        let mut frames = vec![script.clone()];
        if script == "https://js.stripe.com" {
            frames.push("https://hooks.stripe.com".into());
        }
        StripeOrigins {
            script,
            frames,
            connect: origin_of(&self.api_url),
        }
    }
}

/// The origins of Stripe the checkout page's Content-Security-Policy names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeOrigins {
    pub script: String,
    pub frames: Vec<String>,
    pub connect: String,
}

/// `scheme://host[:port]` of an address.
pub fn origin_of(address: &str) -> String {
    match address.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        }
        None => address.to_owned(),
    }
}

impl StripeSettings {
    /// Reads the settings from `var` (the environment), checking each.
    pub fn from_lookup(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<StripeSettings, SettingError> {
        let required = |name: &'static str, expected: &'static str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or(SettingError { name, expected })
        };
        let key = |value: &str, prefixes: &[&str]| {
            let rest = prefixes.iter().find_map(|p| value.strip_prefix(p));
            rest.is_some_and(|r| {
                !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
        };
        const SECRET: &str = "a Stripe secret key (sk_test_… or sk_live_…)";
        const PUBLISHABLE: &str = "a Stripe publishable key (pk_test_… or pk_live_…)";
        const WEBHOOK: &str = "a Stripe webhook signing secret (whsec_…)";
        let secret = required("STRIPE_SECRET_KEY", SECRET)?;
        if !key(&secret, &["sk_test_", "sk_live_", "rk_test_", "rk_live_"]) {
            return Err(SettingError {
                name: "STRIPE_SECRET_KEY",
                expected: SECRET,
            });
        }
        let publishable = required("STRIPE_PUBLISHABLE_KEY", PUBLISHABLE)?;
        if !key(&publishable, &["pk_test_", "pk_live_"]) {
            return Err(SettingError {
                name: "STRIPE_PUBLISHABLE_KEY",
                expected: PUBLISHABLE,
            });
        }
        let live_secret = secret.contains("_live_");
        if live_secret != publishable.starts_with("pk_live_") {
            return Err(SettingError {
                name: "STRIPE_PUBLISHABLE_KEY",
                expected: "a key of the same mode as STRIPE_SECRET_KEY (both test or both live)",
            });
        }
        let webhook_secret = required("STRIPE_WEBHOOK_SECRET", WEBHOOK)?;
        if !key(&webhook_secret, &["whsec_"]) {
            return Err(SettingError {
                name: "STRIPE_WEBHOOK_SECRET",
                expected: WEBHOOK,
            });
        }
        let address = |name: &'static str, default: &str| {
            let value = var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty());
            let value = value.unwrap_or_else(|| default.to_owned());
            let host = value
                .split_once("://")
                .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
                .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default());
            match host {
                Some(host) if !host.is_empty() => Ok(value),
                _ => Err(SettingError {
                    name,
                    expected: "an http:// or https:// address",
                }),
            }
        };
        Ok(StripeSettings {
            secret_key: Secret::new(secret),
            publishable_key: publishable,
            webhook_secret: Secret::new(webhook_secret),
            api_url: address("STRIPE_API_URL", DEFAULT_API_URL)?
                .trim_end_matches('/')
                .to_owned(),
            js_url: address("STRIPE_JS_URL", DEFAULT_JS_URL)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<StripeSettings, SettingError> {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        StripeSettings::from_lookup(|name| map.get(name).map(|v| v.to_string()))
    }

    const TEST_KEYS: [(&str, &str); 3] = [
        ("STRIPE_SECRET_KEY", "sk_test_abc123"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_xyz789"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_s3cr3t"),
    ];

    #[test]
    fn test_keys_with_stripes_own_addresses_by_default() {
        let settings = read(&TEST_KEYS).unwrap();
        assert!(settings.test_mode());
        assert_eq!(settings.api_url, "https://api.stripe.com");
        assert_eq!(settings.js_url, "https://js.stripe.com/v3/");
        let origins = settings.page_origins();
        assert_eq!(origins.script, "https://js.stripe.com");
        assert_eq!(
            origins.frames,
            ["https://js.stripe.com", "https://hooks.stripe.com"]
        );
        assert_eq!(origins.connect, "https://api.stripe.com");
    }

    #[test]
    fn live_keys_are_not_test_mode_and_the_modes_must_match() {
        let live = read(&[
            ("STRIPE_SECRET_KEY", "sk_live_abc"),
            ("STRIPE_PUBLISHABLE_KEY", "pk_live_abc"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
        ])
        .unwrap();
        assert!(!live.test_mode());
        let mixed = read(&[
            ("STRIPE_SECRET_KEY", "sk_live_abc"),
            ("STRIPE_PUBLISHABLE_KEY", "pk_test_abc"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
        ]);
        assert_eq!(mixed.unwrap_err().name, "STRIPE_PUBLISHABLE_KEY");
    }

    #[test]
    fn each_missing_or_malformed_setting_is_named_without_its_value() {
        for (missing, _) in TEST_KEYS {
            let vars: Vec<_> = TEST_KEYS
                .iter()
                .copied()
                .filter(|(n, _)| *n != missing)
                .collect();
            assert_eq!(read(&vars).unwrap_err().name, missing);
        }
        let mut vars = TEST_KEYS.to_vec();
        vars[0].1 = "pk_test_wrong_kind_of_key";
        let err = read(&vars).unwrap_err();
        assert_eq!(err.name, "STRIPE_SECRET_KEY");
        assert!(!err.to_string().contains("wrong_kind"));
        let mut vars = TEST_KEYS.to_vec();
        vars.push(("STRIPE_API_URL", "api.stripe.com"));
        assert_eq!(read(&vars).unwrap_err().name, "STRIPE_API_URL");
        let mut vars = TEST_KEYS.to_vec();
        vars.push(("STRIPE_JS_URL", "ftp://js.example/"));
        assert_eq!(read(&vars).unwrap_err().name, "STRIPE_JS_URL");
    }

    #[test]
    fn a_local_test_server_serves_both_and_secrets_never_print() {
        let mut vars = TEST_KEYS.to_vec();
        vars.push(("STRIPE_API_URL", "http://127.0.0.1:8420/"));
        vars.push(("STRIPE_JS_URL", "http://127.0.0.1:8420/js.stripe.com/v3/"));
        let settings = read(&vars).unwrap();
        assert_eq!(settings.api_url, "http://127.0.0.1:8420");
        let origins = settings.page_origins();
        assert_eq!(origins.script, "http://127.0.0.1:8420");
        assert_eq!(origins.frames, ["http://127.0.0.1:8420"]);
        let printed = format!("{settings:?}");
        assert!(!printed.contains("sk_test_abc123") && !printed.contains("whsec_s3cr3t"));
        assert!(printed.contains("pk_test_xyz789"));
    }
}
