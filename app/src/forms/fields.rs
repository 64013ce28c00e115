//! What a form's answer is made of: a message per field, the result of a submission, and a
//! form to correct. Plain types, below the shop's errors (`error::AppError` carries a form to
//! correct back to a page).

use serde::{Deserialize, Serialize};

/// Messages for the fields of a form that did not validate, keyed by field name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: &str) {
        self.0.push((field.to_owned(), message.to_owned()));
    }

    pub fn get(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors for one field only.
    pub fn single(field: &str, message: &str) -> FieldErrors {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        errors
    }
}

/// The result of submitting a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormResult {
    Done,
    Invalid(FieldErrors),
}

/// A form to correct, as carried back to the form page after a plain (no-JavaScript) post:
/// the messages and what was typed (never passwords).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormCorrections {
    pub errors: FieldErrors,
    pub typed: Vec<(String, String)>,
}
