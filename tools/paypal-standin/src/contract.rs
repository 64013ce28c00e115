//! PayPal's own OpenAPI documents (`../shared/paypal-openapi`, or `PAYPAL_OPENAPI_DIR`) as JSON
//! Schema: a request the real API would refuse, or an answer it would never give, has
//! problems here.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The three documents the shop's calls are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Document {
    /// Orders v2.
    Orders,
    /// Payments v2 (captures and refunds).
    Payments,
    /// Webhooks v1 (events and their verification).
    Webhooks,
}

impl Document {
    fn file(self) -> &'static str {
        match self {
            Document::Orders => "checkout_orders_v2.json",
            Document::Payments => "payments_payment_v2.json",
            Document::Webhooks => "notifications_webhooks_v1.json",
        }
    }
}

/// Each schema compiled, by document and name.
type Compiled = HashMap<(Document, String), Arc<jsonschema::Validator>>;

/// The documents, each schema compiled once when first asked for.
#[derive(Clone)]
pub struct Contract {
    documents: Arc<HashMap<Document, Value>>,
    compiled: Arc<Mutex<Compiled>>,
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Contract")
    }
}

/// Where the documents are: `PAYPAL_OPENAPI_DIR`, else the shared folder beside the clone.
pub fn default_dir() -> String {
    std::env::var("PAYPAL_OPENAPI_DIR").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/paypal-openapi"
        )
        .to_owned()
    })
}

impl Contract {
    /// Reads the documents in `dir`.
    pub fn load(dir: &str) -> Result<Contract, String> {
        let mut documents = HashMap::new();
        for document in [Document::Orders, Document::Payments, Document::Webhooks] {
            let path = format!("{dir}/{}", document.file());
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            let value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
            documents.insert(document, value);
        }
        Ok(Contract {
            documents: Arc::new(documents),
            compiled: Arc::default(),
        })
    }

    fn validator(&self, document: Document, component: &str) -> Arc<jsonschema::Validator> {
        let key = (document, component.to_owned());
        if let Some(found) = self.lock().get(&key) {
            return found.clone();
        }
        let mut root = self.documents[&document].clone();
        assert!(
            root["components"]["schemas"].get(component).is_some(),
            "{} has no schema {component}",
            document.file()
        );
        // OpenAPI 3.0's schemas are JSON Schema draft 4 with a few more keywords (ignored
        // here); the document is the root, so every `#/components/...` reference resolves.
        root["$ref"] = json!(format!("#/components/schemas/{component}"));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&root)
            .unwrap_or_else(|e| panic!("{component}: {e}"));
        let validator = Arc::new(validator);
        self.lock().insert(key, validator.clone());
        validator
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Compiled> {
        self.compiled.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What is wrong with `instance` as a `component` of `document`: empty when nothing is.
    pub fn problems(&self, document: Document, component: &str, instance: &Value) -> Vec<String> {
        self.validator(document, component)
            .iter_errors(instance)
            .map(|e| format!("{component}: {e} at {}", e.instance_path()))
            .collect()
    }
}
