//! Orders: their life cycle. Storage, checkout and history arrive with the checkout feature.

pub mod status;
