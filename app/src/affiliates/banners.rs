//! The shop's ready-made ads for partners ("our cool ads"): SVG banners in the common sizes,
//! served by the shop itself, each with the snippet a partner pastes to embed it with their
//! link around it.

use serde::{Deserialize, Serialize};

/// A banner size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Banner {
    pub width: u32,
    pub height: u32,
    /// What the size is called where ads are sold.
    pub name: &'static str,
}

/// The sizes offered: medium rectangle, leaderboard, wide skyscraper, mobile banner.
pub const BANNERS: [Banner; 4] = [
    Banner {
        width: 300,
        height: 250,
        name: "Medium rectangle",
    },
    Banner {
        width: 728,
        height: 90,
        name: "Leaderboard",
    },
    Banner {
        width: 160,
        height: 600,
        name: "Wide skyscraper",
    },
    Banner {
        width: 320,
        height: 50,
        name: "Mobile banner",
    },
];

/// Where the banners are served: `/affiliates/banners/300x250.svg`.
pub const BANNER_PATH: &str = "/affiliates/banners";
/// What the image says to those who cannot see it.
pub const ALT: &str = "Phone cases, screen protectors and accessories - shop now";

impl Banner {
    pub fn file(self) -> String {
        format!("{}x{}.svg", self.width, self.height)
    }

    pub fn by_file(file: &str) -> Option<Banner> {
        BANNERS.into_iter().find(|b| b.file() == file)
    }

    /// The HTML a partner pastes: their link around the banner, served by the shop.
    pub fn snippet(self, shop_url: &str, link: &str) -> String {
        format!(
            "<a href=\"{link}\" rel=\"sponsored\"><img src=\"{shop}{BANNER_PATH}/{file}\" \
             width=\"{w}\" height=\"{h}\" alt=\"{ALT}\"></a>",
            shop = shop_url.trim_end_matches('/'),
            file = self.file(),
            w = self.width,
            h = self.height,
        )
    }

    /// The banner itself: the shop's colours, its name, an offer and a button, laid out for
    /// the shape (a wide strip puts them side by side, a tall one stacks them).
    pub fn svg(self, shop_name: &str) -> String {
        let (w, h) = (self.width, self.height);
        let wide = w >= h * 3;
        let name = crate::mail::escape(shop_name);
        let (title_size, line_size) = match (w, h) {
            (_, 50) => (16, 11),
            (_, 90) => (26, 15),
            (160, _) => (22, 15),
            _ => (28, 16),
        };
        let (title, line, button) = if wide {
            let button_w = (w / 5).max(70);
            let button_h = h * 3 / 5;
            (
                (w / 24, h / 2 - line_size / 2),
                (w / 24, h / 2 + line_size + 2),
                (
                    w - button_w - w / 24,
                    (h - button_h) / 2,
                    button_w,
                    button_h,
                ),
            )
        } else {
            let button_w = w * 3 / 4;
            let button_h = (h / 8).clamp(32, 48);
            (
                (w / 10, h * 2 / 5),
                (w / 10, h * 2 / 5 + title_size + 8),
                (
                    (w - button_w) / 2,
                    h - button_h - h / 12,
                    button_w,
                    button_h,
                ),
            )
        };
        let (bx, by, bw, bh) = button;
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{ALT}\">\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#14213d\"/>\
             <circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"#fca311\" opacity=\"0.25\"/>\
             <text x=\"{tx}\" y=\"{ty}\" fill=\"#ffffff\" font-family=\"system-ui, sans-serif\" \
             font-size=\"{title_size}\" font-weight=\"700\">{name}</text>\
             <text x=\"{lx}\" y=\"{ly}\" fill=\"#e5e5e5\" font-family=\"system-ui, sans-serif\" \
             font-size=\"{line_size}\">Cases that last.</text>\
             <rect x=\"{bx}\" y=\"{by}\" width=\"{bw}\" height=\"{bh}\" rx=\"{radius}\" fill=\"#fca311\"/>\
             <text x=\"{btx}\" y=\"{bty}\" fill=\"#14213d\" font-family=\"system-ui, sans-serif\" \
             font-size=\"{line_size}\" font-weight=\"700\" text-anchor=\"middle\">Shop now</text>\
             </svg>",
            cx = w * 4 / 5,
            cy = h / 5,
            r = w.min(h) / 2,
            tx = title.0,
            ty = title.1,
            lx = line.0,
            ly = line.1,
            radius = bh / 4,
            btx = bx + bw / 2,
            bty = by + bh / 2 + line_size / 3,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_banner_is_an_svg_of_its_size_that_fits_inside_it() {
        for banner in BANNERS {
            let svg = banner.svg("Case & Co");
            assert!(svg.starts_with("<svg "));
            assert!(svg.contains(&format!(
                "viewBox=\"0 0 {} {}\"",
                banner.width, banner.height
            )));
            assert!(svg.contains("Case &amp; Co"));
            assert_eq!(Banner::by_file(&banner.file()), Some(banner));
        }
        assert_eq!(Banner::by_file("1x1.svg"), None);
    }

    #[test]
    fn the_snippet_wraps_the_shop_served_image_in_the_partner_link() {
        let snippet = BANNERS[0].snippet("https://shop.test/", "https://shop.test/?ref=ANNA1234");
        assert_eq!(
            snippet,
            "<a href=\"https://shop.test/?ref=ANNA1234\" rel=\"sponsored\"><img \
             src=\"https://shop.test/affiliates/banners/300x250.svg\" width=\"300\" \
             height=\"250\" alt=\"Phone cases, screen protectors and accessories - shop now\"></a>"
        );
    }
}
