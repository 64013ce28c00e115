//! Words that follow numbers: "1 order", "3 orders". A shared service for every page.

/// `n` with the noun that agrees with it: `counted(1, "order", "orders")` is "1 order".
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_noun_agrees_with_the_number() {
        assert_eq!(counted(0, "order", "orders"), "0 orders");
        assert_eq!(counted(1, "order", "orders"), "1 order");
        assert_eq!(counted(2, "variant", "variants"), "2 variants");
        assert_eq!(counted(1, "reply", "replies"), "1 reply");
    }
}
