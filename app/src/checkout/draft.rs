//! The checkout form as typed, kept in the browser's session storage so a trip to PayPal, a
//! reload or a failed payment loses nothing. Card details are never stored.

use super::address::Address;
use serde::{Deserialize, Serialize};

#[cfg(feature = "hydrate")]
const STORAGE_KEY: &str = "casefront.checkout";

/// How the draft is stored: postcard as base64, read with the decoder the browser bundle has
/// for server answers anyway (JSON would bring a JSON parser into the checkout's code).
#[cfg(feature = "hydrate")]
type DraftCodec = codee::string::Base64<codee::binary::PostcardCodec>;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutDraft {
    pub email: String,
    pub address: Address,
    pub pay_with_paypal: bool,
}

impl CheckoutDraft {
    pub fn load() -> Option<CheckoutDraft> {
        #[cfg(feature = "hydrate")]
        {
            use codee::Decoder;
            use gloo_storage::{SessionStorage, Storage};
            let raw = SessionStorage::raw().get_item(STORAGE_KEY).ok().flatten()?;
            DraftCodec::decode(&raw).ok()
        }
        #[cfg(not(feature = "hydrate"))]
        None
    }

    pub fn save(&self) {
        #[cfg(feature = "hydrate")]
        {
            use codee::Encoder;
            use gloo_storage::{SessionStorage, Storage};
            if let Ok(raw) = DraftCodec::encode(self) {
                // Without storage the form still works; it just won't survive a reload.
                let _ = SessionStorage::raw().set_item(STORAGE_KEY, &raw);
            }
        }
    }
}
