//! Passwords and session tokens (server only): argon2 hashes, session tokens (random, stored
//! as digests: `tokens`), and the HttpOnly, SameSite session cookie.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub const SESSION_COOKIE: &str = "casefront_session";
/// Sessions last 30 days.
pub const SESSION_LIFETIME_SECS: i64 = 30 * 24 * 60 * 60;
/// Marks a browser that has signed in to an account (see `throttle::SIGN_IN_PER_ACCOUNT`).
pub const KNOWN_BROWSER_COOKIE: &str = "casefront_browser";
pub const KNOWN_BROWSER_LIFETIME_SECS: i64 = 365 * 24 * 60 * 60;

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks `password` against `hash`, or, for an account that does not exist, against a
/// stand-in hash: an unknown address takes as long to refuse as a known one.
pub fn verify_password_or_not(password: &str, hash: Option<&str>) -> bool {
    static STAND_IN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash_password("no account has this password").unwrap_or_default()
    });
    match hash {
        Some(hash) => verify_password(password, hash),
        None => {
            verify_password(password, &STAND_IN);
            false
        }
    }
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The name cookie `base` goes by. Over HTTPS it carries the `__Host-` prefix: browsers then
/// take it only when Secure, for the whole site and from no other host, so a neighbouring
/// site cannot plant it.
pub fn cookie_name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// A `Set-Cookie` value for a token that scripts cannot read and other sites cannot send.
pub fn token_cookie(base: &str, token: &str, max_age: i64, secure: bool) -> String {
    let name = cookie_name(base, secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    token_cookie(SESSION_COOKIE, token, SESSION_LIFETIME_SECS, secure)
}

/// The `Set-Cookie` value that ends a session.
pub fn expired_cookie(secure: bool) -> String {
    token_cookie(SESSION_COOKIE, "", 0, secure)
}

/// The token in cookie `cookie` of a `Cookie` request header, if it has a token's form.
#[cfg(feature = "ssr")]
pub fn token_from_cookie_header(header: &str, cookie: &str) -> Option<String> {
    crate::client::cookie_value(header, cookie)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(verify_password_or_not("correct horse battery", Some(&hash)));
        assert!(!verify_password_or_not("correct horse battery", None));
    }

    #[test]
    fn cookies_are_http_only_and_same_site() {
        let cookie = session_cookie("abc", true);
        assert!(
            cookie.starts_with("__Host-casefront_session=abc;")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Secure")
                && cookie.contains("Path=/")
                && !cookie.contains("Domain")
        );
        let plain = session_cookie("abc", false);
        assert!(plain.starts_with("casefront_session=abc;") && !plain.contains("Secure"));
        assert!(expired_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn the_token_is_read_from_the_cookie_header() {
        let token = "a".repeat(64);
        let header = format!("theme=dark; {SESSION_COOKIE}={token}; other=1");
        assert_eq!(
            token_from_cookie_header(&header, SESSION_COOKIE),
            Some(token)
        );
        assert_eq!(token_from_cookie_header("theme=dark", SESSION_COOKIE), None);
        assert_eq!(
            token_from_cookie_header(&format!("{SESSION_COOKIE}=forged"), SESSION_COOKIE),
            None
        );
    }
}
