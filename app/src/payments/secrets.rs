//! What every provider's settings share: secrets that never print, and the error that names a
//! refused setting without its value.

use std::fmt;

/// A secret (the API key, the webhook signing secret): it never prints, so it cannot reach a
/// log, an error page or the browser by way of `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

/// Why a provider setting was refused; names the setting, never shows a secret's value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name} must be {expected}")]
pub struct SettingError {
    pub name: &'static str,
    pub expected: &'static str,
}
