//! Accounts: validated e-mail addresses and passwords, and sign-up forms and their field
//! errors. No I/O here.

use crate::forms::FieldErrors;
use crate::identity::Role;
use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An e-mail address, trimmed and lower-cased so one person has one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your e-mail address.");
        }
        let valid = email.len() <= Self::MAX_LEN
            && !email.contains(char::is_whitespace)
            && match email.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Email(email))
        } else {
            Err("Enter an e-mail address like name@example.com.")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Password rules: long enough to resist guessing, short enough to hash cheaply.
pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 128;

pub fn check_new_password(password: &str) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        Err("Use at least 10 characters for your password.")
    } else if len > MAX_PASSWORD_LEN {
        Err("Use at most 128 characters for your password.")
    } else if password.trim().is_empty() {
        Err("A password can't be only spaces.")
    } else {
        Ok(())
    }
}

pub const MAX_NAME_LEN: usize = 100;

/// A validated sign-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUp {
    pub name: String,
    pub email: Email,
    pub password: String,
}

impl SignUp {
    pub fn validate(name: &str, email: &str, password: &str) -> Result<SignUp, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = check_name(name).map_err(|m| errors.add("name", m)).ok();
        let email = Email::parse(email).map_err(|m| errors.add("email", m)).ok();
        if let Err(m) = check_new_password(password) {
            errors.add("password", m);
        }
        match (name, email) {
            (Some(name), Some(email)) if errors.is_empty() => Ok(SignUp {
                name: name.to_owned(),
                email,
                password: password.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// A signed-in account, as pages see it: a shopper, or one of the shop's staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// A staff member's account, as the audit log names who acted.
impl<'a> From<&'a Customer> for crate::audit::Actor<'a> {
    fn from(customer: &'a Customer) -> Self {
        crate::audit::Actor {
            id: customer.id,
            email: &customer.email,
        }
    }
}

/// Accounts per page of the staff list.
pub const CUSTOMERS_PAGE: u32 = 25;

/// Who a customer of the staff list is: an account, or a guest known by the e-mail address
/// their orders were placed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Buyer {
    Account { id: i64, role: Role },
    Guest,
}

/// Whose orders, tickets or claims to read: an account's, or those a guest made without one
/// with an e-mail address (any case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuyerRef<'a> {
    Account(i64),
    Guest(&'a str),
}

#[cfg(feature = "ssr")]
impl BuyerRef<'_> {
    /// The SQL condition picking the buyer's rows of a table aliased `alias` (its
    /// `customer_id` and `email` columns), with the value bound as `$1` by `bind`.
    pub fn condition(&self, alias: &str) -> String {
        match self {
            BuyerRef::Account(_) => format!("{alias}.customer_id = $1"),
            BuyerRef::Guest(_) => {
                format!("{alias}.customer_id IS NULL AND LOWER({alias}.email) = $1")
            }
        }
    }

    pub fn bind<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        match self {
            BuyerRef::Account(id) => query.bind(*id),
            BuyerRef::Guest(email) => query.bind(email.trim().to_lowercase()),
        }
    }
}

/// The staff page of a guest buyer: `?email=` names them.
pub const GUEST_PAGE: &str = "/admin/customers/guest";

/// A customer in the staff list: an account, or a guest buyer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub buyer: Buyer,
    /// The account's name, or the name a guest last shipped to.
    pub name: String,
    pub email: String,
    /// When the account was made, or a guest's first order.
    pub joined_at: i64,
    /// Placed orders, and what they came to less refunds.
    pub orders: u32,
    pub spent: Money,
}

impl CustomerRow {
    /// The customer's staff page.
    pub fn href(&self) -> String {
        match self.buyer {
            Buyer::Account { id, .. } => format!("/admin/customers/{id}"),
            Buyer::Guest => format!(
                "{GUEST_PAGE}?email={}",
                crate::forms::query_value(&self.email)
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerList {
    pub rows: Vec<CustomerRow>,
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub count: u32,
}

/// What an e-mailed one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkPurpose {
    /// A shopper who forgot their password chooses a new one.
    ResetPassword,
    /// Someone invited to the shop's staff sets their password and takes this role.
    StaffInvite(Role),
}

/// What the page a one-time link opens needs to know about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub email: String,
    pub purpose: LinkPurpose,
    /// No account has the address yet: using the link creates one, so it asks for a name.
    pub new_account: bool,
}

/// Checks the name given for a new account.
pub fn check_name(name: &str) -> Result<&str, &'static str> {
    let name = name.trim();
    if name.is_empty() {
        Err("Enter your name.")
    } else if name.chars().count() > MAX_NAME_LEN {
        Err("Use at most 100 characters for your name.")
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "a nn@example.com",
            "ann@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_ten_to_128_characters() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("          ").is_err());
        assert!(check_new_password("long enough pass").is_ok());
        assert!(check_new_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn sign_up_reports_every_bad_field() {
        let errors = SignUp::validate(" ", "nope", "123").unwrap_err();
        assert!(errors.get("name").is_some());
        assert!(errors.get("email").is_some());
        assert!(errors.get("password").is_some());
        let ok = SignUp::validate(" Ann ", "ANN@example.com", "correct horse battery").unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.email.as_str()),
            ("Ann", "ann@example.com")
        );
    }
}
