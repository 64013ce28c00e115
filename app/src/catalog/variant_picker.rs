//! Choosing a variant on the product page: which options to offer, and which variant a
//! (possibly partial or stale) choice of model, style and colour means.
//!
//! Options depend on each other: a clear case comes in one colour only, an accessory has no
//! phone model. When a choice no longer fits (the shopper switches to a style without their
//! colour), the nearest variant is picked, keeping the earlier choices.

use super::model::{PhoneModel, Variant};

/// What the shopper has chosen; any part may be unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub model: Option<String>,
    pub style: Option<String>,
    pub colour: Option<String>,
}

impl Selection {
    pub fn of(variant: &Variant) -> Self {
        Selection {
            model: variant.model.as_ref().map(|m| m.slug.clone()),
            style: variant.style.clone(),
            colour: variant.colour.clone(),
        }
    }
}

fn model_slug(variant: &Variant) -> Option<&str> {
    variant.model.as_ref().map(|m| m.slug.as_str())
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The phone models offered, in catalog order.
pub fn model_options(variants: &[Variant]) -> Vec<PhoneModel> {
    let mut models = Vec::new();
    for model in variants.iter().filter_map(|v| v.model.clone()) {
        push_unique(&mut models, model);
    }
    models
}

/// The styles offered for a phone model (or for a product without models).
pub fn style_options(variants: &[Variant], model: Option<&str>) -> Vec<String> {
    let mut styles = Vec::new();
    for variant in variants.iter().filter(|v| model_slug(v) == model) {
        if let Some(style) = &variant.style {
            push_unique(&mut styles, style.clone());
        }
    }
    styles
}

/// The colours offered for a phone model and style.
pub fn colour_options(
    variants: &[Variant],
    model: Option<&str>,
    style: Option<&str>,
) -> Vec<String> {
    let mut colours = Vec::new();
    for variant in variants
        .iter()
        .filter(|v| model_slug(v) == model && v.style.as_deref() == style)
    {
        if let Some(colour) = &variant.colour {
            push_unique(&mut colours, colour.clone());
        }
    }
    colours
}

/// Keeps `wanted` when it is on offer, otherwise falls back to the first option.
fn keep_or_first(options: Vec<String>, wanted: Option<&str>) -> Option<String> {
    match wanted {
        Some(w) if options.iter().any(|o| o == w) => Some(w.to_owned()),
        _ => options.into_iter().next(),
    }
}

/// The variant that best matches `wanted`: each option is kept if it is still on offer given
/// the options before it (model, then style, then colour), otherwise the first one offered.
/// `None` only for a product without variants.
pub fn resolve<'a>(variants: &'a [Variant], wanted: &Selection) -> Option<&'a Variant> {
    let models: Vec<String> = model_options(variants)
        .into_iter()
        .map(|m| m.slug)
        .collect();
    let model = keep_or_first(models, wanted.model.as_deref());
    let style = keep_or_first(
        style_options(variants, model.as_deref()),
        wanted.style.as_deref(),
    );
    let colour = keep_or_first(
        colour_options(variants, model.as_deref(), style.as_deref()),
        wanted.colour.as_deref(),
    );
    variants.iter().find(|v| {
        model_slug(v) == model.as_deref()
            && v.style.as_deref() == style.as_deref()
            && v.colour.as_deref() == colour.as_deref()
    })
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

    fn variant(sku: &str, m: Option<&str>, style: Option<&str>, colour: Option<&str>) -> Variant {
        Variant {
            sku: sku.into(),
            model: m.map(model),
            style: style.map(Into::into),
            colour: colour.map(Into::into),
            price: Money::from_cents(1999),
            stock: 10,
            image: String::new(),
        }
    }

    /// Two phones; clear comes only in "Clear", slim in two colours; phone "b" has no slim.
    fn cases() -> Vec<Variant> {
        vec![
            variant("A-CLR", Some("a"), Some("Clear"), Some("Clear")),
            variant("A-SLM-BLK", Some("a"), Some("Slim"), Some("Black")),
            variant("A-SLM-BLU", Some("a"), Some("Slim"), Some("Blue")),
            variant("B-CLR", Some("b"), Some("Clear"), Some("Clear")),
        ]
    }

    fn sel(model: Option<&str>, style: Option<&str>, colour: Option<&str>) -> Selection {
        Selection {
            model: model.map(Into::into),
            style: style.map(Into::into),
            colour: colour.map(Into::into),
        }
    }

    #[test]
    fn offers_options_in_catalog_order_without_repeats() {
        let v = cases();
        assert_eq!(model_options(&v), vec![model("a"), model("b")]);
        assert_eq!(style_options(&v, Some("a")), vec!["Clear", "Slim"]);
        assert_eq!(style_options(&v, Some("b")), vec!["Clear"]);
        assert_eq!(
            colour_options(&v, Some("a"), Some("Slim")),
            vec!["Black", "Blue"]
        );
    }

    #[test]
    fn exact_choice_resolves_to_its_variant() {
        let v = cases();
        let got = resolve(&v, &sel(Some("a"), Some("Slim"), Some("Blue"))).unwrap();
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
    fn switching_style_keeps_the_model_and_falls_back_on_colour() {
        let v = cases();
        let got = resolve(&v, &sel(Some("a"), Some("Clear"), Some("Blue"))).unwrap();
        assert_eq!(got.sku, "A-CLR");
    }

    #[test]
    fn switching_model_drops_a_style_it_does_not_have() {
        let v = cases();
        let got = resolve(&v, &sel(Some("b"), Some("Slim"), Some("Black"))).unwrap();
        assert_eq!(got.sku, "B-CLR");
    }

    #[test]
    fn accessories_without_model_or_style_resolve_by_colour() {
        let v = vec![
            variant("GRIP-BLK", None, None, Some("Black")),
            variant("GRIP-PNK", None, None, Some("Pink")),
        ];
        assert!(model_options(&v).is_empty());
        assert_eq!(colour_options(&v, None, None), vec!["Black", "Pink"]);
        let got = resolve(&v, &sel(Some("stale"), None, Some("Pink"))).unwrap();
        assert_eq!(got.sku, "GRIP-PNK");
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
            m in proptest::option::of("[ab]|zz"),
            s in proptest::option::of("Clear|Slim|Rugged"),
            c in proptest::option::of("Clear|Black|Blue|Red"),
        ) {
            let v = cases();
            let wanted = sel(m.as_deref(), s.as_deref(), c.as_deref());
            let got = resolve(&v, &wanted).expect("a variant");
            prop_assert!(v.contains(got));
            if v.iter().any(|x| Selection::of(x) == wanted) {
                prop_assert_eq!(Selection::of(got), wanted);
            }
        }
    }
}
