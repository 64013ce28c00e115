#![allow(clippy::needless_lifetimes)]

use crate::{prelude::*, WasmSplitManifest};
use leptos_config::LeptosOptions;
use leptos_macro::{component, view};
use std::{path::PathBuf, sync::OnceLock};

/// Inserts auto-reloading code used in `cargo-leptos`.
///
/// This should be included in the `<head>` of your application shell during development.
#[component]
pub fn AutoReload(
    /// Whether the file-watching feature should be disabled.
    #[prop(optional)]
    disable_watch: bool,
    /// Configuration options for this project.
    options: LeptosOptions,
) -> impl IntoView {
    (!disable_watch && std::env::var("LEPTOS_WATCH").is_ok()).then(|| {
        let nonce = crate::nonce::use_nonce();

        let reload_port = match options.reload_external_port {
            Some(val) => val,
            None => options.reload_port,
        };
        let protocol = match options.reload_ws_protocol {
            leptos_config::ReloadWSProtocol::WS => "'ws://'",
            leptos_config::ReloadWSProtocol::WSS => "'wss://'",
        };

        let script = format!(
            "(function (reload_port, protocol) {{ {} {} }})({reload_port:?}, \
             {protocol})",
            leptos_hot_reload::HOT_RELOAD_JS,
            include_str!("reload_script.js")
        );
        view! { <script nonce=nonce>{script}</script> }
    })
}

/// Inserts hydration scripts that add interactivity to your server-rendered HTML.
///
/// This should be included in the `<head>` of your application shell.
#[component]
pub fn HydrationScripts(
    /// Configuration options for this project.
    options: LeptosOptions,
    /// Should be `true` to hydrate in `islands` mode.
    #[prop(optional)]
    islands: bool,
    /// Should be `true` to add the “islands router,” which enables limited client-side routing
    /// when running in islands mode.
    #[prop(optional)]
    islands_router: bool,
    /// A base url, not including a trailing slash
    #[prop(optional, into)]
    root: Option<String>,
    /// Should be `true` to load and run the hydration scripts during browser idle
    /// time, keeping the JS and WASM off the critical rendering path.
    ///
    /// This delays interactivity by a few hundred milliseconds, so forms and links
    /// that rely on hydration should be avoided before the page is idle. Forms with
    /// a plain `method`/`action` continue to work. Has no effect in `islands` mode,
    /// which already hydrates on idle.
    #[prop(optional)]
    defer: bool,
) -> impl IntoView {
    static SPLIT_MANIFEST: OnceLock<Option<WasmSplitManifest>> =
        OnceLock::new();

    // The manifest serves only the split chunks' preload hints. A page that starts its code
    // when the browser is idle (islands, `defer`) gets no hints for its main bundle (below),
    // nor for its chunks, and does not read it: an islands page's hash file names the
    // islands' own manifest, which must not become every page's.
    let idle_start = islands || defer;
    let splits = (!idle_start).then(|| {
        SPLIT_MANIFEST.get_or_init(|| {
            let root = root.clone().unwrap_or_default();

            let (wasm_split_js, wasm_split_manifest) = if options.hash_files {
                let hash_path = std::env::current_exe()
                    .map(|path| {
                        path.parent()
                            .map(|p| p.to_path_buf())
                            .unwrap_or_default()
                    })
                    .unwrap_or_default()
                    .join(options.hash_file.as_ref());
                let hashes = std::fs::read_to_string(&hash_path)
                    .expect("failed to read hash file");

                let mut split =
                    "__wasm_split.______________________.js".to_string();
                let mut manifest = "__wasm_split_manifest.json".to_string();
                for line in hashes.lines() {
                    let line = line.trim();
                    if !line.is_empty() {
                        if let Some((file, hash)) = line.split_once(':') {
                            if file == "manifest" {
                                manifest.clear();
                                manifest.push_str("__wasm_split_manifest.");
                                manifest.push_str(hash.trim());
                                manifest.push_str(".json");
                            }
                            if file == "split" {
                                split.clear();
                                split.push_str("__wasm_split.");
                                split.push_str(hash.trim());
                                split.push_str(".js");
                            }
                        }
                    }
                }
                (split, manifest)
            } else {
                (
                    "__wasm_split.______________________.js".to_string(),
                    "__wasm_split_manifest.json".to_string(),
                )
            };

            let site_dir = &options.site_root;
            let pkg_dir = &options.site_pkg_dir;
            let path = PathBuf::from(site_dir.to_string());
            let path = path.join(pkg_dir.to_string()).join(wasm_split_manifest);
            let file = std::fs::read_to_string(path).ok()?;

            let manifest = WasmSplitManifest(ArcStoredValue::new((
                format!("{root}/{pkg_dir}"),
                serde_json::from_str(&file)
                    .expect("could not read manifest file"),
                wasm_split_js,
            )));

            Some(manifest)
        })
    });
    if let Some(splits) = splits.and_then(Option::as_ref) {
        provide_context(splits.clone());
    }

    let mut js_file_name = options.output_name.to_string();
    let mut wasm_file_name = options.output_name.to_string();
    if options.hash_files {
        let hash_path = std::env::current_exe()
            .map(|path| {
                path.parent().map(|p| p.to_path_buf()).unwrap_or_default()
            })
            .unwrap_or_default()
            .join(options.hash_file.as_ref());
        if hash_path.exists() {
            let hashes = std::fs::read_to_string(&hash_path)
                .expect("failed to read hash file");
            for line in hashes.lines() {
                let line = line.trim();
                if !line.is_empty() {
                    if let Some((file, hash)) = line.split_once(':') {
                        if file == "js" {
                            js_file_name.push_str(&format!(".{}", hash.trim()));
                        } else if file == "wasm" {
                            wasm_file_name
                                .push_str(&format!(".{}", hash.trim()));
                        }
                    }
                }
            }
        } else {
            leptos::logging::error!(
                "File hashing is active but no hash file was found"
            );
        }
    } else if std::option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        wasm_file_name.push_str("_bg");
    }

    let pkg_path = &options.site_pkg_dir;
    let nonce = crate::nonce::use_nonce();
    let script = if islands {
        if let Some(sc) = Owner::current_shared_context() {
            sc.set_is_hydrating(false);
        }
        include_str!("./island_script.js")
    } else {
        include_str!("./hydration_script.js")
    };

    let islands_router = islands_router
        .then_some(include_str!("./islands_routing.js"))
        .unwrap_or_default();

    let root = root.unwrap_or_default();
    // `islands` already hydrates on idle, so `defer` would be a no-op there
    let defer = defer && !islands;
    // A page that starts its JS and WASM when the browser is idle (islands,
    // deferred) gets no resource hints: the browser would fetch both while it
    // parses the page, competing with its first paint on a slow network, and
    // a lab's largest paint counts every request made before it.
    let js_href = format!("{root}/{pkg_path}/{js_file_name}.js");
    let wasm_href = format!("{root}/{pkg_path}/{wasm_file_name}.wasm");
    let hints = (!defer && !islands).then(|| {
        view! {
            <link rel="modulepreload" href=js_href crossorigin=nonce.clone()/>
            <link
                rel="preload"
                href=wasm_href
                r#as="fetch"
                r#type="application/wasm"
                crossorigin=nonce
                    .as_ref()
                    .map(|n| Oco::Counted(n.as_inner().clone()))
                    .unwrap_or(Oco::Borrowed(""))
            />
        }
    });
    view! {
        {hints}
        <script type="module" nonce=nonce>
            {format!("{script}({root:?}, {pkg_path:?}, {js_file_name:?}, {wasm_file_name:?}, {defer});{islands_router}")}
        </script>
    }
}

/// If this is provided via context, it means that you are using the islands router and
/// this is a subsequent navigation, made from the client.
///
/// This should be provided automatically by a server integration if it detects that the
/// header `Islands-Router` is present in the request.
///
/// This is used to determine how much of the hydration script to include in the page.
/// If it is present, then the contents of the `<HydrationScripts>` component will not be
/// included, as they only need to be sent to the client once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IslandsRouterNavigation;
