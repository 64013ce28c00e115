//! Choosing a variant on the product page: which options to offer, and which variant a
//! (possibly partial or stale) choice of model, style and colour means.
//!
//! Options depend on each other: a clear case comes in one colour only, an accessory has no
//! phone model. When a choice no longer fits (the shopper switches to a style without their
//! colour), the nearest variant is picked, keeping the earlier choices. The phone model is
//! chosen first, among the product's models; style and colour among that phone's variants.

use super::model::{PhoneModel, Variant};

/// What the shopper has chosen; any part may be unset.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Selection {
    pub model: Option<String>,
    pub style: Option<String>,
    pub colour: Option<String>,
}

impl Selection {
    /// The choice that means `variant` of the phone `model`.
    pub fn of(model: Option<&str>, variant: &Variant) -> Self {
        Selection {
            model: model.map(str::to_owned),
            style: variant.style.clone(),
            colour: variant.colour.clone(),
        }
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Keeps `wanted` when it is on offer, otherwise falls back to the first option.
fn keep_or_first<'a>(
    mut options: impl Iterator<Item = &'a str>,
    wanted: Option<&str>,
) -> Option<String> {
    let first = options.next()?;
    match wanted {
        Some(w) if first == w || options.any(|o| o == w) => Some(w.to_owned()),
        _ => Some(first.to_owned()),
    }
}

/// The phone model the page shows: `wanted` when the product is made for it, otherwise the
/// first one; `None` for a product without models.
pub fn pick_model(models: &[PhoneModel], wanted: Option<&str>) -> Option<String> {
    keep_or_first(models.iter().map(|m| m.slug.as_str()), wanted)
}

/// The styles offered among one phone's variants, in catalog order.
pub fn style_options(variants: &[Variant]) -> Vec<String> {
    let mut styles = Vec::new();
    for style in variants.iter().filter_map(|v| v.style.as_ref()) {
        push_unique(&mut styles, style.clone());
    }
    styles
}

/// The colours offered for a style among one phone's variants.
pub fn colour_options(variants: &[Variant], style: Option<&str>) -> Vec<String> {
    let mut colours = Vec::new();
    for variant in variants.iter().filter(|v| v.style.as_deref() == style) {
        if let Some(colour) = &variant.colour {
            push_unique(&mut colours, colour.clone());
        }
    }
    colours
}

/// An option's text in a picker: its name, marked when none of the variants it leads to
/// (`variants`) can be bought, so the shopper sees it before choosing it.
pub fn option_text<'a>(name: &str, mut variants: impl Iterator<Item = &'a Variant>) -> String {
    if variants.any(|v| v.stock_level().can_buy()) {
        name.to_owned()
    } else {
        format!("{name} (sold out)")
    }
}

/// The variant among one phone's variants that best matches `wanted`: the style is kept if
/// offered, otherwise the first; then the colour, among those of that style. `None` only when
/// there are no variants.
pub fn resolve<'a>(variants: &'a [Variant], wanted: &Selection) -> Option<&'a Variant> {
    let styles = style_options(variants);
    let style = keep_or_first(styles.iter().map(String::as_str), wanted.style.as_deref());
    let colours = colour_options(variants, style.as_deref());
    let colour = keep_or_first(colours.iter().map(String::as_str), wanted.colour.as_deref());
    variants
        .iter()
        .find(|v| v.style == style && v.colour == colour)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use proptest::prelude::*;

    fn model(slug: &str) -> PhoneModel {
        PhoneModel {
            slug: slug.into(),
            brand: "Brand".into(),
            name: slug.to_uppercase(),
        }
    }

    fn variant(sku: &str, style: Option<&str>, colour: Option<&str>) -> Variant {
        Variant {
            sku: sku.into(),
            style: style.map(Into::into),
            colour: colour.map(Into::into),
            price: Money::from_cents(1999),
            stock: 10,
            image: String::new(),
        }
    }

    /// One phone's cases: clear comes only in "Clear", slim in two colours.
    fn cases() -> Vec<Variant> {
        vec![
            variant("A-CLR", Some("Clear"), Some("Clear")),
            variant("A-SLM-BLK", Some("Slim"), Some("Black")),
            variant("A-SLM-BLU", Some("Slim"), Some("Blue")),
        ]
    }

    fn sel(style: Option<&str>, colour: Option<&str>) -> Selection {
        Selection {
            model: None,
            style: style.map(Into::into),
            colour: colour.map(Into::into),
        }
    }

    #[test]
    fn the_wanted_model_is_kept_when_offered_else_the_first() {
        let models = [model("a"), model("b")];
        assert_eq!(pick_model(&models, Some("b")).as_deref(), Some("b"));
        assert_eq!(pick_model(&models, Some("zz")).as_deref(), Some("a"));
        assert_eq!(pick_model(&models, None).as_deref(), Some("a"));
        assert_eq!(pick_model(&[], Some("a")), None);
    }

    #[test]
    fn offers_options_in_catalog_order_without_repeats() {
        let v = cases();
        assert_eq!(style_options(&v), vec!["Clear", "Slim"]);
        assert_eq!(colour_options(&v, Some("Slim")), vec!["Black", "Blue"]);
        assert_eq!(colour_options(&v, Some("Clear")), vec!["Clear"]);
    }

    #[test]
    fn exact_choice_resolves_to_its_variant() {
        let v = cases();
        let got = resolve(&v, &sel(Some("Slim"), Some("Blue"))).unwrap();
        assert_eq!(got.sku, "A-SLM-BLU");
    }

    #[test]
    fn empty_choice_resolves_to_the_first_variant() {
        assert_eq!(
            resolve(&cases(), &Selection::default()).unwrap().sku,
            "A-CLR"
        );
    }

    #[test]
    fn switching_style_falls_back_on_colour() {
        let v = cases();
        let got = resolve(&v, &sel(Some("Clear"), Some("Blue"))).unwrap();
        assert_eq!(got.sku, "A-CLR");
    }

    #[test]
    fn a_style_this_phone_lacks_falls_back_to_its_first() {
        let phone_b = vec![variant("B-CLR", Some("Clear"), Some("Clear"))];
        let got = resolve(&phone_b, &sel(Some("Slim"), Some("Black"))).unwrap();
        assert_eq!(got.sku, "B-CLR");
    }

    #[test]
    fn accessories_without_style_resolve_by_colour() {
        let v = vec![
            variant("GRIP-BLK", None, Some("Black")),
            variant("GRIP-PNK", None, Some("Pink")),
        ];
        assert!(style_options(&v).is_empty());
        assert_eq!(colour_options(&v, None), vec!["Black", "Pink"]);
        let got = resolve(&v, &sel(None, Some("Pink"))).unwrap();
        assert_eq!(got.sku, "GRIP-PNK");
    }

    #[test]
    fn an_option_whose_variants_are_all_sold_out_is_marked() {
        let mut v = cases();
        v[2].stock = 0;
        let slim = |v: &[Variant]| -> String {
            option_text(
                "Slim",
                v.iter().filter(|x| x.style.as_deref() == Some("Slim")),
            )
        };
        let blue = option_text("Blue", v.iter().filter(|x| x.sku == "A-SLM-BLU"));
        assert_eq!(blue, "Blue (sold out)");
        // One Slim colour is left: the style is still on offer.
        assert_eq!(slim(&v), "Slim");
        v[1].stock = 0;
        assert_eq!(slim(&v), "Slim (sold out)");
    }

    #[test]
    fn no_variants_resolve_to_nothing() {
        assert!(resolve(&[], &Selection::default()).is_none());
    }

    proptest! {
        /// Whatever the shopper (or a stale URL) asks for, a real variant comes back, and an
        /// exact existing choice is honoured.
        #[test]
        fn any_choice_resolves_to_an_offered_variant(
            s in proptest::option::of("Clear|Slim|Rugged"),
            c in proptest::option::of("Clear|Black|Blue|Red"),
        ) {
            let v = cases();
            let wanted = sel(s.as_deref(), c.as_deref());
            let got = resolve(&v, &wanted).expect("a variant");
            prop_assert!(v.contains(got));
            if v.iter().any(|x| Selection::of(None, x) == wanted) {
                prop_assert_eq!(Selection::of(None, got), wanted);
            }
        }
    }
}
