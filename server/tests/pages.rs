//! Pages, server functions and files as the router serves them: rendering, status codes, caching, compression, the health check, the sitemap.

mod support;

use support::*;

#[test]
fn health_check_reports_the_database_the_workers_and_the_requests_in_flight() {
    on_shared_runtime(async {
        let shop = shop().await;
        let (status, headers, body) = get(&shop, "/healthz").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(headers.contains_key("x-request-id"));
        let health: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(health["status"], "ok");
        assert_eq!(health["database"], "ok");
        assert_eq!(health["requests_in_flight"], 0);
        let workers = health["workers"].as_array().unwrap();
        assert_eq!(workers.len(), 2, "{body}");
        assert!(workers.iter().all(|w| w["state"] != "stalled"), "{body}");
        shop.db.close().await;
        let (status, _, body) = get(&shop, "/healthz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains(r#""database":"unavailable""#), "{body}");
    });
}

#[test]
fn listing_is_rendered_on_the_server_with_its_filter() {
    on_shared_runtime(async {
        let shop = shop().await;
        let (status, _, html) = get(&shop, "/shop?category=cases").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Signature Case"));
        assert!(html.contains("Eco Compostable Case"));
        assert!(!html.contains("Braided USB-C Cable"));
        assert!(
            html.contains("care@shop.test"),
            "contact details in the footer"
        );
        assert!(html.contains("<title>Shop · Test Cases</title>"));
    });
}

#[test]
fn product_page_renders_the_variant_in_the_url() {
    on_shared_runtime(async {
        let shop = shop().await;
        let (status, _, html) =
            get(&shop, "/products/signature-case?sku=SIG-IP17PM-SLM-OCEBLU").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("$24.99"));
        assert!(html.contains("Only 3 left"));
        assert!(html.contains("SIG-IP17PM-SLM-OCEBLU"));

        // Another phone asked for: the page opens on its first variant.
        let (status, _, html) = get(&shop, "/products/signature-case?model=pixel-10").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"<option value="pixel-10" selected"#));
        assert!(html.contains("SIG-PX10-CLR-CRYCLE"));
    });
}

/// The bundle a page's hydration script starts (its output name), and whether the page asks the
/// browser to fetch any script or WASM before its first paint (it must not: issue 33).
fn bundle_of(html: &str) -> (Option<&str>, bool) {
    let name = html
        .split(r#", "pkg", ""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next());
    let hinted = html.contains(r#"rel="modulepreload""#) || html.contains(r#"rel="preload""#);
    (name, hinted)
}

#[test]
fn first_load_pages_load_the_islands_and_the_rest_the_app() {
    on_shared_runtime(async {
        let shop = shop().await;
        for path in [
            "/",
            "/shop?category=cases",
            "/products/signature-case",
            "/cart",
            "/checkout",
            "/help",
            "/help/cancel-an-order",
            "/orders/find",
            "/orders/CF-23456789",
        ] {
            let (status, _, html) = get(&shop, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(bundle_of(&html), (Some("islands"), false), "{path}");
            assert!(html.contains("<leptos-island"), "{path} has islands");
        }
        // The help center is served whole: its answers are on the page, not fetched by a script.
        let (_, _, html) = get(&shop, "/help/cancel-an-order").await;
        assert!(html.contains("How do I cancel my order?"));
        // The product's island carries the product, so the browser needs no second read.
        let (_, _, html) = get(&shop, "/products/signature-case").await;
        let island = html
            .split(r#"<leptos-island data-component="ProductViewIsland_"#)
            .nth(1)
            .expect("the product's island");
        let props = island.split("data-props=\"").nth(1).expect("its props");
        assert!(props.starts_with("{&quot;product&quot;:"), "{props}");
        // The props as the island reads them: JSON whose values are packed (app::wire::Packed).
        let props = props.split('"').next().unwrap().replace("&quot;", "\"");
        let props: serde_json::Value = serde_json::from_str(&props).unwrap();
        let product: app::wire::Packed<app::catalog::model::ProductDetail> =
            serde_json::from_value(props["product"].clone()).unwrap();
        let skus: Vec<&str> = product
            .0
            .offer
            .variants
            .iter()
            .map(|v| v.sku.as_str())
            .collect();
        assert!(skus.contains(&"SIG-IP17PM-CLR-CRYCLE"), "{skus:?}");

        // The checkout's island carries the shop's terms and who is signed in (no one here).
        let (_, _, html) = get(&shop, "/checkout").await;
        assert!(
            html.contains(r#"<leptos-island data-component="CheckoutIsland_"#),
            "the checkout's island"
        );
        assert!(html.contains("&quot;signed_in&quot;:"), "its props");

        for path in ["/search", "/account/sign-in", "/account/sign-up"] {
            let (status, _, html) = get(&shop, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(bundle_of(&html), (Some("storefront"), false), "{path}");
            assert!(!html.contains("<leptos-island"), "{path} is hydrated whole");
        }
    });
}

#[test]
fn the_listing_answers_every_filter_including_none() {
    use app::catalog::api::BrowseCatalog;
    use app::catalog::model::{CatalogFilter, Category, ProductSummary};
    on_shared_runtime(async {
        let shop = shop().await;
        let browse = |filter: CatalogFilter| {
            Request::post(path_of::<BrowseCatalog>())
                .header(header::CONTENT_TYPE, "application/x-postcard")
                .header(header::ORIGIN, SHOP)
                .body(Body::from(
                    postcard::to_allocvec(&BrowseCatalog { filter }).unwrap(),
                ))
                .unwrap()
        };
        let all: Vec<ProductSummary> = answer(&shop, browse(CatalogFilter::default()))
            .await
            .unwrap();
        let cases: Vec<ProductSummary> = answer(
            &shop,
            browse(CatalogFilter {
                category: Some(Category::Case),
                model: None,
            }),
        )
        .await
        .unwrap();
        assert!(!cases.is_empty());
        assert!(all.len() > cases.len(), "{} <= {}", all.len(), cases.len());
    });
}

#[test]
fn server_function_errors_carry_their_own_status() {
    on_shared_runtime(async {
        let shop = shop().await;
        let product = path_of::<app::catalog::api::GetProduct>();
        let change = path_of::<app::accounts::api::ChangePassword>();
        for (request, status, error) in [
            (
                script_post(product, "slug=no-such-product", "192.0.2.80", None),
                StatusCode::NOT_FOUND,
                "NotFound",
            ),
            (
                script_post(
                    change,
                    "current=old+password+here&new_password=a+brand+new+passphrase",
                    "192.0.2.80",
                    None,
                ),
                StatusCode::UNAUTHORIZED,
                "SignInRequired",
            ),
            (
                script_post(product, "nothing=here", "192.0.2.80", None),
                StatusCode::UNPROCESSABLE_ENTITY,
                "InvalidInput",
            ),
        ] {
            let response = shop.router.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), status, "{error}");
            let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
            let decoded =
                <app::error::AppError as leptos::server_fn::error::FromServerFnError>::de(body);
            assert!(format!("{decoded:?}").starts_with(error), "{decoded:?}");
        }
    });
}

#[test]
fn missing_pages_and_products_answer_404() {
    on_shared_runtime(async {
        let shop = shop().await;
        for uri in [
            "/no-such-page",
            "/products/no-such-product",
            "/products/Bad%20Slug",
        ] {
            let (status, _, html) = get(&shop, uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
            assert!(html.contains("Page not found"), "{uri}");
        }
    });
}

#[test]
fn pictures_are_drawn_and_cached() {
    on_shared_runtime(async {
        let shop = shop().await;
        let (status, headers, svg) = get(&shop, "/img/case-slim/ocean-blue.svg").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
        assert_eq!(headers[header::CACHE_CONTROL], PICTURE);
        assert!(svg.starts_with("<svg"));
        let (status, _, _) = get(&shop, "/img/case-slim/plaid.svg").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    });
}

#[test]
fn search_engines_get_the_public_pages_and_are_kept_out_of_the_rest() {
    use sqlx::Row;
    on_shared_runtime(async {
        let shop = shop().await;
        let (status, _, robots) = get(&shop, "/robots.txt").await;
        assert_eq!(status, StatusCode::OK);
        assert!(robots.lines().any(|l| l == "Disallow: /admin"), "{robots}");
        let slugs: Vec<String> =
            sqlx::query("SELECT slug FROM products ORDER BY sort_order LIMIT 2")
                .fetch_all(&shop.db.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get("slug"))
                .collect();
        sqlx::query("UPDATE products SET hidden = 1 WHERE slug = $1")
            .bind(&slugs[1])
            .execute(&shop.db.pool)
            .await
            .unwrap();
        let (status, headers, xml) = get(&shop, "/sitemap.xml").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/xml; charset=utf-8"
        );
        let base = "http://shop.test";
        assert!(xml.contains(&format!("<loc>{base}/products/{}</loc>", slugs[0])));
        assert!(!xml.contains(&format!("/products/{}<", slugs[1])), "hidden");
        assert!(xml.contains(&format!("<loc>{base}/help/shipping-costs</loc>")));
    });
}

#[test]
fn hashed_wasm_is_cached_for_good_and_scripts_are_asked_again() {
    on_shared_runtime(async {
        let hashed = shop_with(true).await;
        let (status, headers, _) = get(&hashed, "/pkg/storefront.abc123.wasm").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE);
        let (status, _, _) = get(&hashed, "/pkg/missing.wasm").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The glue and the chunk loader name each other, and their names do not follow all of
        // their content: a browser asks again each time (`routes::pkg_cache`).
        for script in ["/pkg/storefront.abc123.js", "/pkg/__wasm_split.def456.js"] {
            let (status, headers, _) = get(&hashed, script).await;
            assert_eq!(status, StatusCode::OK, "{script}");
            assert_eq!(headers[header::CACHE_CONTROL], REVALIDATE, "{script}");
        }

        let unhashed = shop().await;
        let (_, headers, _) = get(&unhashed, "/pkg/storefront.abc123.wasm").await;
        assert_eq!(headers[header::CACHE_CONTROL], REVALIDATE);
    });
}

#[test]
fn precompressed_build_output_is_sent_as_is() {
    on_shared_runtime(async {
        let shop = shop().await;
        std::fs::write(
            shop.dir.join("pkg/storefront.abc123.wasm.br"),
            b"brotli bytes",
        )
        .unwrap();
        let request = Request::get("/pkg/storefront.abc123.wasm")
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = get_with(&shop, request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert_eq!(body, "brotli bytes");
    });
}

/// A page comes in the codec the browser likes best that the shop has (zstd for today's
/// Chrome and Firefox, brotli for Safari, gzip for the rest), whole, and as it was rendered.
#[test]
fn pages_are_compressed_for_browsers_that_accept_it() {
    use std::io::Read;
    on_shared_runtime(async {
        let shop = shop().await;
        for (accepted, codec) in [
            ("gzip, deflate, br, zstd", Some("zstd")),
            ("gzip, deflate, br", Some("br")),
            ("gzip", Some("gzip")),
            ("identity", None),
        ] {
            let request = Request::get("/shop")
                .header(header::ACCEPT_ENCODING, accepted)
                .body(Body::empty())
                .unwrap();
            let response = shop.router.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let headers = response.headers().clone();
            assert_eq!(headers[header::VARY], "accept-encoding", "{accepted}");
            assert_eq!(
                headers
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap()),
                codec,
                "{accepted}"
            );
            let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
            let mut page = String::new();
            let mut decoded: Box<dyn Read> = match codec {
                Some("zstd") => Box::new(zstd::stream::read::Decoder::new(&body[..]).unwrap()),
                Some("br") => Box::new(brotli::Decompressor::new(&body[..], 4096)),
                Some(_) => Box::new(flate2::read::GzDecoder::new(&body[..])),
                None => Box::new(&body[..]),
            };
            decoded.read_to_string(&mut page).unwrap();
            assert!(page.starts_with("<!DOCTYPE html>"), "{accepted}");
            assert!(page.contains("</html>"), "{accepted}");
            assert!(page.contains("All products"), "{accepted}");
        }
    });
}
