//! The cart: what the browser keeps, what the server answers about it, and the repairs a
//! stored cart may need. No I/O here.

use crate::catalog::model::Category;
use crate::money::Money;
use crate::pricing::coupon::{Coupon, CouponRejection};
use crate::pricing::delivery::DeliveryEstimate;
use crate::pricing::quote::{quote, PricedLine, Quote, MAX_LINE_QUANTITY};
use crate::pricing::shipping::{Country, ShippingMethod, ShippingRates, UnsupportedCountry};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The version of the stored cart format; a cart in another version, or unreadable, is
/// emptied with a notice. Version 1 was JSON.
pub const CART_FORMAT_VERSION: u32 = 2;

/// The first word of a stored cart.
const STORED_CART_TAG: &str = "cart";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku: String,
    pub quantity: u32,
}

/// The shopper's cart as the browser keeps it: SKUs and quantities (never prices: those come
/// from the server), the promo code and the shipping choices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub coupon: Option<String>,
    /// Two-letter destination code; may name a country the shop does not ship to.
    pub country: Option<String>,
    pub method: ShippingMethod,
}

impl Cart {
    /// The chosen destination (the United States until one is chosen), or why the shop
    /// cannot ship there.
    pub fn destination(&self) -> Result<Country, UnsupportedCountry> {
        Country::from_code(
            self.country
                .as_deref()
                .unwrap_or(Country::UnitedStates.code()),
        )
    }

    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    pub fn quantity_of(&self, sku: &str) -> u32 {
        self.lines
            .iter()
            .find(|l| l.sku == sku)
            .map_or(0, |l| l.quantity)
    }

    /// Adds `quantity` of a variant, up to the per-line maximum. Returns how many were added.
    pub fn add(&mut self, sku: &str, quantity: u32) -> u32 {
        let before = self.quantity_of(sku);
        self.set_quantity(sku, before.saturating_add(quantity));
        self.quantity_of(sku) - before
    }

    /// Sets a line's quantity (0 removes it), capped at the per-line maximum.
    pub fn set_quantity(&mut self, sku: &str, quantity: u32) {
        let quantity = quantity.min(MAX_LINE_QUANTITY);
        match self.lines.iter_mut().find(|l| l.sku == sku) {
            Some(line) => line.quantity = quantity,
            None => self.lines.push(CartLine {
                sku: sku.to_owned(),
                quantity,
            }),
        }
        self.lines.retain(|l| l.quantity > 0);
    }

    pub fn remove(&mut self, sku: &str) {
        self.lines.retain(|l| l.sku != sku);
    }

    /// Empties the cart, keeping the shipping choices.
    pub fn clear(&mut self) {
        self.lines.clear();
        self.coupon = None;
    }

    /// Merges repeated SKUs and bounds quantities. True if anything changed.
    fn normalise(&mut self) -> bool {
        let before = self.clone();
        let mut merged: Vec<CartLine> = Vec::new();
        for line in self.lines.drain(..) {
            let sku = line.sku.trim().to_owned();
            if sku.is_empty() {
                continue;
            }
            match merged.iter_mut().find(|l| l.sku == sku) {
                Some(existing) => {
                    existing.quantity = existing.quantity.saturating_add(line.quantity)
                }
                None => merged.push(CartLine {
                    sku,
                    quantity: line.quantity,
                }),
            }
        }
        for line in &mut merged {
            line.quantity = line.quantity.min(MAX_LINE_QUANTITY);
        }
        merged.retain(|l| l.quantity > 0);
        self.lines = merged;
        *self != before
    }

    /// The stored form: a first line naming the format and its version, then one line per
    /// setting and per cart line, for example `cart 2`, `method express`, `line GRP-MIDBLA 2`.
    /// A few lines of text rather than JSON: reading them takes no JSON decoder in the
    /// browser bundle, and they stay readable in the browser's storage panel.
    pub fn encode(&self) -> String {
        let mut out = format!("{STORED_CART_TAG} {CART_FORMAT_VERSION}");
        let mut put = |key: &str, value: &str| {
            out.push('\n');
            out.push_str(key);
            out.push(' ');
            out.push_str(value);
        };
        put("method", self.method.slug());
        if let Some(country) = &self.country {
            put("country", country);
        }
        if let Some(coupon) = &self.coupon {
            put("coupon", coupon);
        }
        for line in &self.lines {
            put("line", &format!("{} {}", line.sku, line.quantity));
        }
        out
    }

    /// Reads a stored cart. Whatever is wrong with it (unreadable, another format version,
    /// repeated lines, impossible quantities) is repaired, and the repair is reported so the
    /// shopper can be told.
    pub fn decode(raw: Option<&str>) -> (Cart, Option<CartNotice>) {
        let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
            return (Cart::default(), None);
        };
        match Cart::parse_stored(raw) {
            Some(mut cart) => {
                let repaired = cart.normalise();
                (cart, repaired.then_some(CartNotice::Repaired))
            }
            None => (Cart::default(), Some(CartNotice::Unreadable)),
        }
    }

    /// The stored form read strictly: `None` for another format or version, an unknown
    /// setting, or a line without a whole-number quantity.
    fn parse_stored(raw: &str) -> Option<Cart> {
        let mut rows = raw.lines().map(str::trim).filter(|row| !row.is_empty());
        let (tag, version) = rows.next()?.split_once(' ')?;
        if tag != STORED_CART_TAG || version.parse::<u32>().ok()? != CART_FORMAT_VERSION {
            return None;
        }
        let mut cart = Cart::default();
        for row in rows {
            let (key, value) = row.split_once(' ')?;
            match key {
                "method" => cart.method = ShippingMethod::from_slug(value)?,
                "country" => cart.country = Some(value.to_owned()),
                "coupon" => cart.coupon = Some(value.to_owned()),
                "line" => {
                    let (sku, quantity) = value.rsplit_once(' ')?;
                    cart.lines.push(CartLine {
                        sku: sku.to_owned(),
                        quantity: quantity.parse().ok()?,
                    });
                }
                _ => return None,
            }
        }
        Some(cart)
    }

    /// The lines that can be priced with `items`, at their (stock-limited) quantities.
    pub fn priced_lines(&self, items: &HashMap<String, CartItem>) -> Vec<PricedLine> {
        self.merged_lines()
            .into_iter()
            .filter_map(|line| {
                let item = items.get(&line.sku)?;
                Some(PricedLine {
                    sku: line.sku,
                    category: item.category,
                    unit_price: item.unit_price,
                    quantity: line.quantity.min(item.max_quantity()),
                })
            })
            .filter(|l| l.quantity > 0)
            .collect()
    }

    /// The cart's totals: the shared pricing rules applied to the server's item prices. The
    /// browser shows this as the shopper edits; the server charges the same computation.
    pub fn quote(
        &self,
        items: &HashMap<String, CartItem>,
        coupon: Option<&Coupon>,
        rates: &ShippingRates,
    ) -> Quote {
        quote(&self.priced_lines(items), coupon, self.method, rates)
    }

    /// The lines with each SKU once, quantities added up, in first-seen order: a request that
    /// names a SKU twice is one line, held to the stock like any other.
    pub fn merged_lines(&self) -> Vec<CartLine> {
        let mut merged: Vec<CartLine> = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            match merged.iter_mut().find(|m| m.sku == line.sku) {
                Some(m) => m.quantity = m.quantity.saturating_add(line.quantity),
                None => merged.push(line.clone()),
            }
        }
        merged
    }

    /// Applies the server's verdict on the cart's lines: drops what cannot be sold and lowers
    /// quantities to the stock left. Returns what changed, to tell the shopper.
    pub fn reconcile(&mut self, items: &HashMap<String, CartItem>) -> Vec<CartNotice> {
        let mut notices = Vec::new();
        let mut kept = Vec::new();
        for line in self.merged_lines() {
            match items.get(&line.sku) {
                None => notices.push(CartNotice::NoLongerSold { sku: line.sku }),
                Some(item) if item.stock == 0 => notices.push(CartNotice::SoldOut {
                    name: item.display_name(),
                }),
                Some(item) if line.quantity > item.max_quantity() => {
                    notices.push(CartNotice::QuantityLowered {
                        name: item.display_name(),
                        to: item.max_quantity(),
                    });
                    kept.push(CartLine {
                        sku: line.sku,
                        quantity: item.max_quantity(),
                    });
                }
                Some(_) => kept.push(line),
            }
        }
        self.lines = kept;
        notices
    }
}

/// A variant in the cart as the server describes it: current price and stock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    pub sku: String,
    pub product_slug: String,
    pub product_name: String,
    /// "iPhone 17 · Slim · Ocean Blue".
    pub options: String,
    pub category: Category,
    pub unit_price: Money,
    pub stock: u32,
    pub image: String,
}

impl CartItem {
    /// The most of this item one order can take: the line limit or the stock left.
    pub fn max_quantity(&self) -> u32 {
        self.stock.min(MAX_LINE_QUANTITY)
    }

    pub fn display_name(&self) -> String {
        if self.options.is_empty() {
            self.product_name.clone()
        } else {
            format!("{} ({})", self.product_name, self.options)
        }
    }
}

/// Something the shop changed in the cart, told to the shopper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CartNotice {
    Unreadable,
    Repaired,
    NoLongerSold { sku: String },
    SoldOut { name: String },
    QuantityLowered { name: String, to: u32 },
    CouponDropped { reason: CouponRejection },
}

impl std::fmt::Display for CartNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CartNotice::Unreadable => f.write_str(
                "We couldn't read the cart saved in this browser, so it has been emptied. Sorry about that.",
            ),
            CartNotice::Repaired => {
                f.write_str("We tidied up your saved cart: repeated items were merged and quantities capped.")
            }
            CartNotice::NoLongerSold { sku } => {
                write!(f, "An item you saved ({sku}) is no longer sold and was removed.")
            }
            CartNotice::SoldOut { name } => write!(f, "{name} has sold out and was removed from your cart."),
            CartNotice::QuantityLowered { name, to } => {
                write!(f, "Only {to} of {name} can be ordered right now, so we lowered the quantity.")
            }
            CartNotice::CouponDropped { reason } => write!(f, "Your promo code was removed: {reason}"),
        }
    }
}

/// What the browser asks the server to price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartRequest {
    pub lines: Vec<CartLine>,
    pub coupon: Option<String>,
    pub method: ShippingMethod,
}

impl From<&Cart> for CartRequest {
    fn from(cart: &Cart) -> Self {
        CartRequest {
            lines: cart.lines.clone(),
            coupon: cart.coupon.clone(),
            method: cart.method,
        }
    }
}

/// The server's answer: current items, the coupon's standing, and its own quote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedCart {
    pub items: Vec<CartItem>,
    pub coupon: Option<Result<Coupon, CouponRejection>>,
    pub quote: Quote,
    pub estimate: Option<DeliveryEstimate>,
}

impl PricedCart {
    pub fn items_by_sku(&self) -> HashMap<String, CartItem> {
        self.items
            .iter()
            .map(|i| (i.sku.clone(), i.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(sku: &str, cents: i64, stock: u32) -> CartItem {
        CartItem {
            sku: sku.into(),
            product_slug: "p".into(),
            product_name: "Slim Case".into(),
            options: "iPhone 17".into(),
            category: Category::Case,
            unit_price: Money::from_cents(cents),
            stock,
            image: String::new(),
        }
    }

    #[test]
    fn adding_merges_lines_and_caps_quantity() {
        let mut cart = Cart::default();
        assert_eq!(cart.add("A", 2), 2);
        assert_eq!(cart.add("A", 3), 3);
        assert_eq!(cart.add("B", 1), 1);
        assert_eq!(cart.lines.len(), 2);
        assert_eq!(cart.item_count(), 6);
        assert_eq!(cart.add("A", 100), MAX_LINE_QUANTITY - 5);
        cart.set_quantity("B", 0);
        assert_eq!(cart.quantity_of("B"), 0);
        assert_eq!(cart.lines.len(), 1);
        cart.remove("A");
        assert_eq!(cart.item_count(), 0);
    }

    #[test]
    fn stored_carts_round_trip() {
        let mut cart = Cart::default();
        cart.add("SIG-IP17-SLM-OCEBLU", 2);
        cart.coupon = Some("SAVE5".into());
        cart.country = Some("JP".into());
        cart.method = ShippingMethod::Express;
        assert_eq!(Cart::decode(Some(&cart.encode())), (cart, None));
        assert_eq!(Cart::decode(None), (Cart::default(), None));
    }

    #[test]
    fn a_sku_named_twice_is_priced_and_held_to_stock_as_one_line() {
        // Only a hand-made request names a SKU twice; the server treats it as one line.
        let mut cart = Cart {
            lines: vec![
                CartLine {
                    sku: "A".into(),
                    quantity: 3,
                },
                CartLine {
                    sku: "B".into(),
                    quantity: 1,
                },
                CartLine {
                    sku: "A".into(),
                    quantity: 3,
                },
            ],
            ..Default::default()
        };
        let items: HashMap<String, CartItem> = [("A", 4), ("B", 9)]
            .into_iter()
            .map(|(sku, stock)| (sku.to_owned(), item(sku, 1000, stock)))
            .collect();
        let priced = cart.priced_lines(&items);
        assert_eq!(priced.len(), 2);
        assert_eq!((priced[0].sku.as_str(), priced[0].quantity), ("A", 4));
        let notices = cart.reconcile(&items);
        assert_eq!(notices.len(), 1);
        assert_eq!(
            cart.lines,
            vec![
                CartLine {
                    sku: "A".into(),
                    quantity: 4
                },
                CartLine {
                    sku: "B".into(),
                    quantity: 1
                },
            ]
        );
    }

    #[test]
    fn the_destination_defaults_to_the_united_states() {
        let mut cart = Cart::default();
        assert_eq!(cart.destination(), Ok(Country::UnitedStates));
        cart.country = Some("nl".into());
        assert_eq!(cart.destination(), Ok(Country::Netherlands));
        cart.country = Some("other".into());
        assert!(cart.destination().is_err());
    }

    #[test]
    fn corrupt_or_foreign_carts_are_emptied_with_a_notice() {
        for raw in [
            "{not json",
            // A cart in the first format (JSON), from before version 2.
            r#"{"version":1,"cart":{"lines":[{"sku":"A","quantity":1}],"coupon":null,"country":null,"method":"Standard"}}"#,
            "cart 1\nline A 1",
            "cart 3\nline A 1",
            "cart two",
            "basket 2\nline A 1",
            "cart 2\nline A",
            "cart 2\nline A -1",
            "cart 2\nline A 1.5",
            "cart 2\nmethod teleport",
            "cart 2\ngift yes",
        ] {
            assert_eq!(
                Cart::decode(Some(raw)),
                (Cart::default(), Some(CartNotice::Unreadable)),
                "{raw}"
            );
        }
    }

    #[test]
    fn odd_lines_are_repaired_with_a_notice() {
        let raw = "cart 2\nmethod standard\nline A 4\nline A 9\nline B 0\nline   1\n";
        let (cart, notice) = Cart::decode(Some(raw));
        assert_eq!(notice, Some(CartNotice::Repaired));
        assert_eq!(
            cart.lines,
            vec![CartLine {
                sku: "A".into(),
                quantity: MAX_LINE_QUANTITY
            }]
        );
    }

    #[test]
    fn a_stored_cart_reads_as_written_by_hand() {
        let raw = "cart 2\nmethod express\ncountry JP\ncoupon SAVE5\nline GRP-MIDBLA 2\nline SIG-IP17-SLM-OCEBLU 1";
        let (cart, notice) = Cart::decode(Some(raw));
        assert_eq!(notice, None);
        assert_eq!(cart.method, ShippingMethod::Express);
        assert_eq!(cart.country.as_deref(), Some("JP"));
        assert_eq!(cart.coupon.as_deref(), Some("SAVE5"));
        assert_eq!(
            (
                cart.quantity_of("GRP-MIDBLA"),
                cart.quantity_of("SIG-IP17-SLM-OCEBLU")
            ),
            (2, 1)
        );
    }

    proptest::proptest! {
        #[test]
        fn any_cart_the_shop_writes_reads_back_the_same(
            lines in proptest::collection::vec(("[A-Z0-9][A-Z0-9-]{0,23}", 1..=MAX_LINE_QUANTITY), 0..8),
            coupon in proptest::option::of("[A-Z0-9]{3,16}"),
            country in proptest::option::of("[A-Za-z]{2}"),
            express in proptest::bool::ANY,
        ) {
            let mut cart = Cart {
                coupon,
                country,
                method: if express { ShippingMethod::Express } else { ShippingMethod::Standard },
                ..Default::default()
            };
            for (sku, quantity) in lines {
                cart.set_quantity(&sku, quantity);
            }
            proptest::prop_assert_eq!(Cart::decode(Some(&cart.encode())), (cart, None));
        }
    }

    #[test]
    fn reconciling_drops_unsold_and_sold_out_and_lowers_to_stock() {
        let mut cart = Cart::default();
        cart.add("GONE", 1);
        cart.add("SOLDOUT", 1);
        cart.add("FEW", 5);
        cart.add("OK", 2);
        let items: HashMap<_, _> = [
            item("SOLDOUT", 1000, 0),
            item("FEW", 1000, 3),
            item("OK", 1999, 50),
        ]
        .into_iter()
        .map(|i| (i.sku.clone(), i))
        .collect();
        let notices = cart.reconcile(&items);
        assert_eq!(notices.len(), 3);
        assert!(matches!(&notices[0], CartNotice::NoLongerSold { sku } if sku == "GONE"));
        assert!(matches!(&notices[1], CartNotice::SoldOut { .. }));
        assert!(matches!(
            &notices[2],
            CartNotice::QuantityLowered { to: 3, .. }
        ));
        assert_eq!(cart.item_count(), 5);
        let lines = cart.priced_lines(&items);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].total(), Money::from_cents(3998));
    }
}
