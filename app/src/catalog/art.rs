//! Product pictures, drawn as SVG by the shop itself: nothing is fetched from elsewhere.
//!
//! A picture is named by its artwork and colour, `/img/{art}/{colour}.svg`, so every variant
//! of the same look shares one cached file.

/// The colours products come in, with the swatch used to draw them.
pub const PALETTE: &[(&str, &str)] = &[
    ("Midnight Black", "#1d1d1f"),
    ("Ocean Blue", "#2a5d9f"),
    ("Sage Green", "#7f9c7b"),
    ("Blush Pink", "#e3aeb0"),
    ("Crystal Clear", "#d6e4ee"),
    ("Sand", "#d6c29c"),
    ("Moss", "#5d6b3c"),
    ("White", "#f0f0f0"),
    ("Graphite", "#4b4f54"),
    ("Sunset Orange", "#e8833f"),
    ("Lavender", "#b3a3d4"),
];

/// Used for products that come in no particular colour.
const NEUTRAL: &str = "#9aa5b1";

/// The drawings the catalog uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Art {
    CaseClear,
    CaseSlim,
    CaseRugged,
    CaseMagSafe,
    CaseWallet,
    GlassClear,
    GlassPrivacy,
    GlassMatte,
    LensGuard,
    Charger,
    Cable,
    Grip,
    Strap,
    ChargingPad,
}

impl Art {
    pub const ALL: [Art; 14] = [
        Art::CaseClear,
        Art::CaseSlim,
        Art::CaseRugged,
        Art::CaseMagSafe,
        Art::CaseWallet,
        Art::GlassClear,
        Art::GlassPrivacy,
        Art::GlassMatte,
        Art::LensGuard,
        Art::Charger,
        Art::Cable,
        Art::Grip,
        Art::Strap,
        Art::ChargingPad,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Art::CaseClear => "case-clear",
            Art::CaseSlim => "case-slim",
            Art::CaseRugged => "case-rugged",
            Art::CaseMagSafe => "case-magsafe",
            Art::CaseWallet => "case-wallet",
            Art::GlassClear => "glass-clear",
            Art::GlassPrivacy => "glass-privacy",
            Art::GlassMatte => "glass-matte",
            Art::LensGuard => "lens-guard",
            Art::Charger => "charger",
            Art::Cable => "cable",
            Art::Grip => "grip",
            Art::Strap => "strap",
            Art::ChargingPad => "charging-pad",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Art> {
        Art::ALL.into_iter().find(|a| a.slug() == slug)
    }
}

/// `"Midnight Black"` becomes `"midnight-black"`; no colour is `"neutral"`.
pub fn colour_slug(colour: Option<&str>) -> String {
    colour
        .map(|c| c.to_ascii_lowercase().replace(' ', "-"))
        .unwrap_or_else(|| "neutral".to_owned())
}

fn swatch(colour_slug: &str) -> Option<&'static str> {
    if colour_slug == "neutral" {
        return Some(NEUTRAL);
    }
    PALETTE
        .iter()
        .find(|(name, _)| self::colour_slug(Some(name)) == colour_slug)
        .map(|(_, hex)| *hex)
}

/// The colour a swatch shows for a colour's name: its drawing colour, or a neutral grey for
/// a name staff gave that the palette does not know (the name is shown beside it).
pub fn swatch_colour(name: &str) -> &'static str {
    PALETTE
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map_or(NEUTRAL, |(_, hex)| *hex)
}

/// The URL path of a picture.
pub fn image_path(art: Art, colour: Option<&str>) -> String {
    format!("/img/{}/{}.svg", art.slug(), colour_slug(colour))
}

/// Draws the picture named by an artwork slug and a colour slug, or `None` if either is
/// unknown.
pub fn render(art_slug: &str, colour_slug: &str) -> Option<String> {
    let art = Art::from_slug(art_slug)?;
    let fill = swatch(colour_slug)?;
    let body = match art {
        Art::CaseClear => phone_back(fill, "0.45", ""),
        Art::CaseSlim => phone_back(fill, "1", ""),
        Art::CaseRugged => phone_back(
            fill,
            "1",
            r##"<path d="M118 70h40M242 70h40M118 330h40M242 330h40" stroke="#000" stroke-opacity=".35" stroke-width="14" stroke-linecap="round"/>"##,
        ),
        Art::CaseMagSafe => phone_back(
            fill,
            "1",
            r##"<circle cx="200" cy="215" r="52" fill="none" stroke="#fff" stroke-opacity=".7" stroke-width="8"/>"##,
        ),
        Art::CaseWallet => phone_back(
            fill,
            "1",
            r##"<rect x="140" y="230" width="120" height="70" rx="10" fill="#000" fill-opacity=".25"/>"##,
        ),
        Art::GlassClear => phone_front("0.15"),
        Art::GlassPrivacy => phone_front("0.55"),
        Art::GlassMatte => phone_front("0.3"),
        Art::LensGuard => format!(
            r##"<rect x="110" y="110" width="180" height="180" rx="40" fill="{fill}" fill-opacity=".5" stroke="#334" stroke-width="6"/><circle cx="160" cy="160" r="32" fill="#223"/><circle cx="240" cy="160" r="32" fill="#223"/><circle cx="160" cy="240" r="32" fill="#223"/>"##
        ),
        Art::Charger => format!(
            r##"<rect x="130" y="140" width="140" height="170" rx="24" fill="{fill}" stroke="#334" stroke-width="4"/><rect x="165" y="90" width="14" height="55" fill="#889"/><rect x="221" y="90" width="14" height="55" fill="#889"/><rect x="185" y="270" width="30" height="12" rx="4" fill="#334"/>"##
        ),
        Art::Cable => format!(
            r##"<path d="M110 300C110 120 290 300 290 100" fill="none" stroke="{fill}" stroke-width="16" stroke-linecap="round"/><rect x="92" y="290" width="36" height="60" rx="8" fill="#556"/><rect x="272" y="50" width="36" height="60" rx="8" fill="#556"/>"##
        ),
        Art::Grip => format!(
            r##"<circle cx="200" cy="200" r="110" fill="{fill}" stroke="#334" stroke-width="4"/><circle cx="200" cy="200" r="45" fill="#fff" fill-opacity=".35"/>"##
        ),
        Art::Strap => format!(
            r##"<path d="M200 80c-90 0-100 240 0 240s90-240 0-240z" fill="none" stroke="{fill}" stroke-width="22"/><rect x="180" y="300" width="40" height="40" rx="8" fill="#556"/>"##
        ),
        Art::ChargingPad => format!(
            r##"<ellipse cx="200" cy="230" rx="140" ry="60" fill="#000" fill-opacity=".15"/><ellipse cx="200" cy="210" rx="140" ry="60" fill="{fill}" stroke="#334" stroke-width="4"/><circle cx="200" cy="205" r="30" fill="none" stroke="#fff" stroke-width="6"/>"##
        ),
    };
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400"><rect width="400" height="400" fill="#f5f6f8"/>{body}</svg>"##
    ))
}

fn phone_back(fill: &str, opacity: &str, extra: &str) -> String {
    format!(
        r##"<rect x="110" y="50" width="180" height="300" rx="34" fill="{fill}" fill-opacity="{opacity}" stroke="#334" stroke-width="4"/><rect x="130" y="72" width="64" height="64" rx="16" fill="#223" fill-opacity=".85"/><circle cx="150" cy="92" r="10" fill="#556"/><circle cx="174" cy="116" r="10" fill="#556"/>{extra}"##
    )
}

fn phone_front(tint: &str) -> String {
    format!(
        r##"<rect x="110" y="50" width="180" height="300" rx="30" fill="#223"/><rect x="118" y="58" width="164" height="284" rx="24" fill="#9cc3e6" fill-opacity="{tint}" stroke="#fff" stroke-width="3"/><path d="M130 120l60-50M130 170l110-95" stroke="#fff" stroke-opacity=".6" stroke-width="6"/>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_art_renders_in_every_colour() {
        for art in Art::ALL {
            assert_eq!(Art::from_slug(art.slug()), Some(art));
            for (name, _) in PALETTE {
                let svg = render(art.slug(), &colour_slug(Some(name))).expect("renders");
                assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            }
            assert!(render(art.slug(), "neutral").is_some());
        }
    }

    #[test]
    fn swatches_use_the_drawing_colour_or_a_neutral_grey() {
        assert_eq!(swatch_colour("Ocean Blue"), "#2a5d9f");
        assert_eq!(swatch_colour("ocean blue"), "#2a5d9f");
        assert_eq!(swatch_colour("Tartan"), NEUTRAL);
    }

    #[test]
    fn unknown_names_render_nothing() {
        assert!(render("teapot", "white").is_none());
        assert!(render("grip", "plaid").is_none());
        assert!(render("grip", "../etc").is_none());
    }

    #[test]
    fn image_paths_name_art_and_colour() {
        assert_eq!(
            image_path(Art::CaseSlim, Some("Midnight Black")),
            "/img/case-slim/midnight-black.svg"
        );
        assert_eq!(image_path(Art::Cable, None), "/img/cable/neutral.svg");
    }
}
