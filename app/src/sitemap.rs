//! What search engines are told (server only). `robots.txt` keeps them out of the pages that
//! belong to one visitor (account, cart, checkout, orders, tickets, claims, photos) and out of
//! the staff pages and the API; `sitemap.xml` lists every page a shopper may land on from a
//! search: home, the catalog and its categories, each product on show, the help center and
//! each of its answers. Addresses are absolute, on the shop's public address.

use crate::catalog::model::{CatalogFilter, Category};
use crate::shop::StoreInfo;
use sqlx::AnyPool;

/// Pages no search engine should list: one visitor's own, staff's, and the API.
pub const PRIVATE: [&str; 12] = [
    "/account",
    "/admin",
    "/api/",
    "/cart",
    "/checkout",
    "/orders/",
    "/pay/",
    "/photos/",
    "/search",
    "/support/tickets/",
    "/uploads/",
    // The claim form, and each claim after it.
    "/warranty/claim",
];

pub fn robots(store: &StoreInfo) -> String {
    let mut text = String::from("User-agent: *\n");
    for path in PRIVATE {
        text.push_str(&format!("Disallow: {path}\n"));
    }
    text.push_str(&format!("\nSitemap: {}/sitemap.xml\n", base(store)));
    text
}

fn base(store: &StoreInfo) -> &str {
    store.public_url.trim_end_matches('/')
}

/// `text` with the five characters XML gives a meaning escaped.
fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The paths a search may lead a shopper to, for `products` on show (their slugs).
pub fn public_paths(store: &StoreInfo, products: &[String]) -> Vec<String> {
    let mut paths = vec!["/".to_owned(), "/shop".to_owned()];
    paths.extend(
        Category::ALL
            .iter()
            .map(|c| format!("/shop?category={}", c.slug())),
    );
    paths.extend(products.iter().map(|slug| format!("/products/{slug}")));
    paths.push("/help".to_owned());
    paths.extend(
        crate::help::answers::all(store)
            .into_iter()
            .map(|answer| format!("/help/{}", answer.slug)),
    );
    paths.push("/support/new".to_owned());
    paths
}

/// The sitemap of `paths` on the shop's public address.
pub fn sitemap_of(store: &StoreInfo, paths: &[String]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        let address = xml_escaped(&format!("{}{path}", base(store)));
        xml.push_str(&format!("  <url><loc>{address}</loc></url>\n"));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The shop's sitemap, with the products on show now.
pub async fn sitemap(pool: &AnyPool, store: &StoreInfo) -> Result<String, sqlx::Error> {
    let products: Vec<String> =
        crate::catalog::repo::product_summaries(pool, &CatalogFilter::default(), false)
            .await?
            .into_iter()
            .map(|p| p.slug)
            .collect();
    Ok(sitemap_of(store, &public_paths(store, &products)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> StoreInfo {
        StoreInfo {
            public_url: "https://cases.example/".into(),
            ..StoreInfo::for_tests()
        }
    }

    #[test]
    fn robots_keep_out_of_private_pages_and_point_to_the_sitemap() {
        let robots = robots(&store());
        for line in [
            "Disallow: /admin",
            "Disallow: /account",
            "Disallow: /checkout",
            "Disallow: /api/",
        ] {
            assert!(robots.lines().any(|l| l == line), "{line}");
        }
        assert!(robots.ends_with("Sitemap: https://cases.example/sitemap.xml\n"));
    }

    #[test]
    fn the_sitemap_lists_public_pages_only_with_escaped_addresses() {
        let store = store();
        let paths = public_paths(&store, &["clear-case".to_owned()]);
        let xml = sitemap_of(&store, &paths);
        assert!(xml.contains("<loc>https://cases.example/products/clear-case</loc>"));
        assert!(
            xml.contains("<loc>https://cases.example/help/shipping-costs</loc>"),
            "{xml}"
        );
        assert!(xml.contains("<loc>https://cases.example/shop?category=cases</loc>"));
        assert_eq!(xml.matches("<url>").count(), paths.len());
        // No listed page is one search engines are told to keep out of.
        for path in &paths {
            let private = PRIVATE.iter().find(|p| path.starts_with(*p));
            assert!(
                private.is_none(),
                "{path} is listed and kept out by {private:?}"
            );
        }
        assert_eq!(xml_escaped("/shop?a=1&b=<2>"), "/shop?a=1&amp;b=&lt;2&gt;");
    }
}
