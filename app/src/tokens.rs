//! Random tokens and ids, and the digests the database keeps of secret ones (server only). A
//! shared service: sessions, one-time links, private ticket and order links, upload names,
//! payment references.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `count` random bytes from the operating system.
pub fn random_bytes(count: usize) -> Vec<u8> {
    let mut buffer = vec![0u8; count];
    OsRng.fill_bytes(&mut buffer);
    buffer
}

/// `bytes` random bytes from the operating system, as hex.
pub fn random_hex(bytes: usize) -> String {
    hex(&random_bytes(bytes))
}

/// The SHA-256 digest of a secret token, as hex: what the database keeps instead of it.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new secret token (for a cookie or a private link), and the digest the database keeps.
pub fn new_token() -> (String, String) {
    let token = random_hex(32);
    let digest = token_digest(&token);
    (token, digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_as_digests() {
        let (a, a_digest) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(a_digest, token_digest(&a));
        assert_ne!(a_digest, a);
    }
}
