//! The shop's stylesheet, written into the head of every page the server renders. A linked
//! stylesheet blocks the first paint until it has arrived: on a phone's network that was the
//! larger part of the time to the largest paint (issue 33). Inline, it comes in the page's
//! first bytes, compressed with it. Pages the app's router draws afterwards are styled already.

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use std::sync::OnceLock;

/// `<style>` with the built stylesheet, read once: it does not change while the server runs.
/// Under `cargo leptos watch` (`scripts/dev.sh`) it changes, and is linked instead, so that the
/// watcher's live reload swaps it in place.
#[component]
pub fn InlineStylesheet(options: LeptosOptions) -> impl IntoView {
    if crate::build_output::under_watch() {
        let href = format!(
            "/{}/{}",
            options.site_pkg_dir,
            built_file(&options)
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
        );
        return view! { <link rel="stylesheet" href=href/> }.into_any();
    }
    static CSS: OnceLock<String> = OnceLock::new();
    let css = CSS.get_or_init(|| {
        let path = built_file(&options);
        std::fs::read_to_string(&path).unwrap_or_else(|error| {
            tracing::error!(%error, path = %path.display(), "the stylesheet cannot be read; pages are unstyled");
            String::new()
        })
    });
    view! { <style nonce=leptos::nonce::use_nonce() inner_html=css.as_str()></style> }.into_any()
}

/// Where the build wrote the stylesheet: `<site>/<pkg>/<name>[.<hash>].css`, the hash named
/// in the hash file beside the server's executable when file names are hashed.
fn built_file(options: &LeptosOptions) -> std::path::PathBuf {
    let mut name = options.output_name.to_string();
    if options.hash_files {
        let hashes = crate::build_output::beside_the_server(&options.hash_file)
            .and_then(|file| std::fs::read_to_string(file).ok())
            .unwrap_or_default();
        if let Some(hash) = css_hash(&hashes) {
            name.push('.');
            name.push_str(hash);
        }
    }
    std::path::Path::new(options.site_root.as_ref())
        .join(options.site_pkg_dir.as_ref())
        .join(format!("{name}.css"))
}

/// The stylesheet's hash in a hash file's `kind: hash` lines.
fn css_hash(hashes: &str) -> Option<&str> {
    hashes.lines().find_map(|line| {
        let (kind, hash) = line.trim().split_once(':')?;
        (kind.trim() == "css").then(|| hash.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::css_hash;

    #[test]
    fn the_stylesheet_hash_is_read_from_its_line() {
        let file = "js: abc123\nwasm: def456\ncss: 0f1e2d\n";
        assert_eq!(css_hash(file), Some("0f1e2d"));
        assert_eq!(css_hash("js: abc123\n"), None);
    }
}
