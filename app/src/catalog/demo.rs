//! The demo catalog loaded into an empty shop on first start: the brand's cases, screen
//! protectors and accessories for current Apple, Samsung and Google phones.

use super::art::{image_path, Art};
use super::model::Category;
use crate::money::Money;

pub struct DemoModel {
    pub slug: &'static str,
    /// Short code used in SKU codes.
    pub code: &'static str,
    pub brand: &'static str,
    pub name: &'static str,
}

pub struct DemoProduct {
    pub slug: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub tagline: &'static str,
    pub description: &'static str,
    pub style_label: &'static str,
    pub featured: bool,
    pub skus: Vec<DemoSku>,
}

pub struct DemoSku {
    pub code: String,
    pub model: Option<&'static str>,
    pub style: Option<&'static str>,
    pub colour: Option<&'static str>,
    pub price: Money,
    pub stock: u32,
    pub image: String,
}

pub struct DemoCatalog {
    pub models: Vec<DemoModel>,
    pub products: Vec<DemoProduct>,
}

const fn model(
    slug: &'static str,
    code: &'static str,
    brand: &'static str,
    name: &'static str,
) -> DemoModel {
    DemoModel {
        slug,
        code,
        brand,
        name,
    }
}

const MODELS: [DemoModel; 15] = [
    model("iphone-17-pro-max", "IP17PM", "Apple", "iPhone 17 Pro Max"),
    model("iphone-17-pro", "IP17P", "Apple", "iPhone 17 Pro"),
    model("iphone-17", "IP17", "Apple", "iPhone 17"),
    model("iphone-air", "IPAIR", "Apple", "iPhone Air"),
    model("iphone-16-pro", "IP16P", "Apple", "iPhone 16 Pro"),
    model("iphone-16", "IP16", "Apple", "iPhone 16"),
    model("galaxy-s25-ultra", "GS25U", "Samsung", "Galaxy S25 Ultra"),
    model("galaxy-s25-plus", "GS25P", "Samsung", "Galaxy S25+"),
    model("galaxy-s25", "GS25", "Samsung", "Galaxy S25"),
    model("galaxy-s24", "GS24", "Samsung", "Galaxy S24"),
    model("galaxy-a56", "GA56", "Samsung", "Galaxy A56"),
    model("pixel-10-pro-xl", "PX10XL", "Google", "Pixel 10 Pro XL"),
    model("pixel-10-pro", "PX10P", "Google", "Pixel 10 Pro"),
    model("pixel-10", "PX10", "Google", "Pixel 10"),
    model("pixel-9a", "PX9A", "Google", "Pixel 9a"),
];

/// One style of a product: its SKU code part, price, drawing and colours.
struct Style {
    name: Option<&'static str>,
    code: &'static str,
    cents: i64,
    art: Art,
    colours: &'static [&'static str],
}

const fn style(
    name: &'static str,
    code: &'static str,
    cents: i64,
    art: Art,
    colours: &'static [&'static str],
) -> Style {
    Style {
        name: Some(name),
        code,
        cents,
        art,
        colours,
    }
}

const fn plain(cents: i64, art: Art, colours: &'static [&'static str]) -> Style {
    Style {
        name: None,
        code: "",
        cents,
        art,
        colours,
    }
}

/// A repeating stock pattern, so the demo shows plenty, few and none left.
const STOCK_PATTERN: [u32; 12] = [24, 40, 3, 0, 12, 60, 8, 2, 35, 18, 50, 1];

fn colour_code(colour: &str) -> String {
    colour
        .split_whitespace()
        .map(|w| w.chars().take(3).collect::<String>())
        .collect::<Vec<_>>()
        .join("")
        .to_ascii_uppercase()
}

/// Expands a product's styles, for every model in `models` (or once, for universal
/// accessories), into SKUs.
fn skus(
    prefix: &str,
    models: Option<&[DemoModel]>,
    styles: &[Style],
    stock: &mut usize,
) -> Vec<DemoSku> {
    let per_model: Vec<Option<&DemoModel>> = match models {
        Some(models) => models.iter().map(Some).collect(),
        None => vec![None],
    };
    let mut out = Vec::new();
    for model in per_model {
        for style in styles {
            let colours: Vec<Option<&'static str>> = if style.colours.is_empty() {
                vec![None]
            } else {
                style.colours.iter().copied().map(Some).collect()
            };
            for colour in colours {
                let parts = [
                    prefix.to_owned(),
                    model.map(|m| m.code.to_owned()).unwrap_or_default(),
                    style.code.to_owned(),
                    colour.map(colour_code).unwrap_or_default(),
                ];
                let code = parts
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join("-");
                out.push(DemoSku {
                    code,
                    model: model.map(|m| m.slug),
                    style: style.name,
                    colour,
                    price: Money::from_cents(style.cents),
                    stock: STOCK_PATTERN[*stock % STOCK_PATTERN.len()],
                    image: image_path(style.art, colour),
                });
                *stock += 1;
            }
        }
    }
    out
}

const SOLID: &[&str] = &["Midnight Black", "Ocean Blue", "Sage Green", "Blush Pink"];

pub fn demo_catalog() -> DemoCatalog {
    let n = &mut 0usize;
    let all = Some(&MODELS[..]);
    let products = vec![
        DemoProduct {
            slug: "signature-case",
            name: "Signature Case",
            category: Category::Case,
            tagline: "Our everyday case, in five builds for every way you carry.",
            description: "Designed and made by us for a precise fit: raised edges around the \
                screen and camera, tactile buttons and a soft-touch finish. Choose crystal \
                clear, slim, MagSafe-compatible, drop-tested rugged or a wallet with room for \
                three cards.",
            style_label: "Case type",
            featured: true,
            skus: skus(
                "SIG",
                all,
                &[
                    style("Clear", "CLR", 1999, Art::CaseClear, &["Crystal Clear"]),
                    style("Slim", "SLM", 2499, Art::CaseSlim, SOLID),
                    style(
                        "MagSafe-compatible",
                        "MAG",
                        2999,
                        Art::CaseMagSafe,
                        &["Midnight Black", "Ocean Blue", "Lavender"],
                    ),
                    style(
                        "Rugged",
                        "RUG",
                        3499,
                        Art::CaseRugged,
                        &["Midnight Black", "Graphite", "Sunset Orange"],
                    ),
                    style(
                        "Wallet",
                        "WAL",
                        3999,
                        Art::CaseWallet,
                        &["Midnight Black", "Sand"],
                    ),
                ],
                n,
            ),
        },
        DemoProduct {
            slug: "eco-case",
            name: "Eco Compostable Case",
            category: Category::Case,
            tagline: "Plant-based and fully compostable, with no compromise on protection.",
            description: "Made from a plant-based biopolymer and flax straw. When you are done \
                with it, it breaks down in a home compost. Slim profile, 1.8 m drop protection.",
            style_label: "Case type",
            featured: true,
            skus: skus(
                "ECO",
                all,
                &[style(
                    "Slim",
                    "SLM",
                    2699,
                    Art::CaseSlim,
                    &["Sand", "Moss", "White"],
                )],
                n,
            ),
        },
        DemoProduct {
            slug: "tempered-glass",
            name: "Tempered Glass Screen Protector",
            category: Category::ScreenProtector,
            tagline: "9H tempered glass with an alignment frame for a bubble-free fit.",
            description: "Edge-to-edge tempered glass with an oleophobic coating. Comes with an \
                alignment frame, a cleaning kit and dust stickers. Choose crystal clear, \
                privacy (dark from the side) or matte anti-glare.",
            style_label: "Finish",
            featured: true,
            skus: skus(
                "TGL",
                all,
                &[
                    style("Clear", "CLR", 1499, Art::GlassClear, &[]),
                    style("Privacy", "PRV", 1999, Art::GlassPrivacy, &[]),
                    style("Matte", "MAT", 1699, Art::GlassMatte, &[]),
                ],
                n,
            ),
        },
        DemoProduct {
            slug: "camera-lens-guard",
            name: "Camera Lens Guard",
            category: Category::ScreenProtector,
            tagline: "Sapphire-coated glass rings that keep every lens scratch-free.",
            description: "Individual glass rings for each camera lens, with an applicator. No \
                flash glare, no effect on photos.",
            style_label: "Style",
            featured: false,
            skus: skus("LNS", all, &[plain(1299, Art::LensGuard, &[])], n),
        },
        DemoProduct {
            slug: "usb-c-charger-30w",
            name: "30W USB-C Fast Charger",
            category: Category::Accessory,
            tagline: "Compact GaN charger that fast-charges any USB-C phone.",
            description: "Charges a phone to 50% in about 30 minutes. Folding prongs, GaN \
                technology and protection against overheating and overcharging.",
            style_label: "Style",
            featured: true,
            skus: skus(
                "CHG30",
                None,
                &[plain(2499, Art::Charger, &["White", "Midnight Black"])],
                n,
            ),
        },
        DemoProduct {
            slug: "braided-usb-c-cable",
            name: "Braided USB-C Cable",
            category: Category::Accessory,
            tagline: "Double-braided nylon, tested to 30,000 bends.",
            description: "USB-C to USB-C, 60 W charging and USB 2.0 data. The braided jacket \
                resists fraying and tangles.",
            style_label: "Length",
            featured: false,
            skus: skus(
                "CBL",
                None,
                &[
                    style(
                        "1 m",
                        "1M",
                        1299,
                        Art::Cable,
                        &["Midnight Black", "White", "Sunset Orange"],
                    ),
                    style(
                        "2 m",
                        "2M",
                        1599,
                        Art::Cable,
                        &["Midnight Black", "White", "Sunset Orange"],
                    ),
                ],
                n,
            ),
        },
        DemoProduct {
            slug: "magnetic-grip",
            name: "Magnetic Phone Grip",
            category: Category::Accessory,
            tagline: "Snaps onto MagSafe-compatible cases; doubles as a stand.",
            description: "A strong magnetic ring grip that folds flat and props your phone up in \
                portrait or landscape.",
            style_label: "Style",
            featured: false,
            skus: skus(
                "GRP",
                None,
                &[plain(
                    1599,
                    Art::Grip,
                    &["Midnight Black", "Blush Pink", "Sage Green", "Lavender"],
                )],
                n,
            ),
        },
        DemoProduct {
            slug: "crossbody-strap",
            name: "Crossbody Phone Strap",
            category: Category::Accessory,
            tagline: "Adjustable strap that clips to any of our cases.",
            description: "Woven recycled-polyester strap, adjustable from 60 to 140 cm, with a \
                slim tether card that sits under the case.",
            style_label: "Style",
            featured: false,
            skus: skus(
                "STR",
                None,
                &[plain(
                    1999,
                    Art::Strap,
                    &["Midnight Black", "Sand", "Ocean Blue"],
                )],
                n,
            ),
        },
        DemoProduct {
            slug: "wireless-charging-pad",
            name: "15W Wireless Charging Pad",
            category: Category::Accessory,
            tagline: "Set it down and it charges, case on.",
            description: "Qi2-certified wireless pad with a non-slip top and a soft status \
                light. Charges through cases up to 5 mm thick.",
            style_label: "Style",
            featured: false,
            skus: skus(
                "PAD15",
                None,
                &[plain(2999, Art::ChargingPad, &["White", "Graphite"])],
                n,
            ),
        },
    ];
    DemoCatalog {
        models: MODELS.into_iter().collect(),
        products,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn covers_twelve_or_more_models_of_three_brands() {
        let catalog = demo_catalog();
        assert!(catalog.models.len() >= 12);
        let brands: HashSet<_> = catalog.models.iter().map(|m| m.brand).collect();
        assert_eq!(brands, HashSet::from(["Apple", "Samsung", "Google"]));
    }

    #[test]
    fn sku_codes_are_unique_and_every_sku_is_sellable_data() {
        let catalog = demo_catalog();
        let mut codes = HashSet::new();
        for product in &catalog.products {
            assert!(!product.skus.is_empty(), "{} has no SKUs", product.slug);
            for sku in &product.skus {
                assert!(codes.insert(sku.code.clone()), "duplicate SKU {}", sku.code);
                assert!(sku.price > Money::ZERO);
                assert!(sku.image.starts_with("/img/") && sku.image.ends_with(".svg"));
            }
        }
    }

    #[test]
    fn has_every_category_and_case_types_and_out_of_stock_variants() {
        let catalog = demo_catalog();
        for category in Category::ALL {
            assert!(catalog.products.iter().any(|p| p.category == category));
        }
        let case_types: HashSet<_> = catalog
            .products
            .iter()
            .filter(|p| p.category == Category::Case)
            .flat_map(|p| p.skus.iter().filter_map(|s| s.style))
            .collect();
        assert!(case_types.len() >= 4);
        let all_skus = catalog.products.iter().flat_map(|p| &p.skus);
        assert!(all_skus.clone().any(|s| s.stock == 0));
        assert!(all_skus.clone().any(|s| (1..=5).contains(&s.stock)));
    }

    #[test]
    fn every_picture_can_be_drawn() {
        for sku in demo_catalog().products.iter().flat_map(|p| &p.skus) {
            let (art, colour) = sku
                .image
                .trim_start_matches("/img/")
                .trim_end_matches(".svg")
                .split_once('/')
                .unwrap();
            assert!(
                super::super::art::render(art, colour).is_some(),
                "{}",
                sku.image
            );
        }
    }
}
