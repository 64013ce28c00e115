//! The browser's side of a photo upload (hydrate only): one request per photo with the file
//! as its body, so the browser reports progress as it sends, and a preview drawn from the file
//! itself before anything leaves the phone.

use super::{DRAFT_HEADER, NAME_HEADER, UPLOAD_PATH};
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::JsCast;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::{File, HtmlInputElement, ProgressEvent, Url, XmlHttpRequest};

/// The files chosen in the `<input type="file">` that fired `event`, which is then emptied so
/// choosing the same photo again fires once more.
pub fn chosen_files(event: &leptos::ev::Event) -> Vec<File> {
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    input.set_value("");
    files
}

/// A local address showing `file`, for its preview.
pub fn preview(file: &File) -> String {
    Url::create_object_url_with_blob(file).unwrap_or_default()
}

pub fn forget_preview(url: &str) {
    let _ = Url::revoke_object_url(url);
}

/// A text field of the shop's JSON answer to an upload (`id`, or `error` with why), read with
/// the browser's own JSON parser: no JSON decoder in the bundle for two strings.
fn answer_field(body: &str, field: &str) -> Option<String> {
    let answer = js_sys::JSON::parse(body).ok()?;
    js_sys::Reflect::get(&answer, &field.into())
        .ok()?
        .as_string()
}

/// Sends `file` into `draft`, reporting progress in percent, then the stored photo's id or why
/// it was refused.
pub fn send(
    file: &File,
    draft: &str,
    on_progress: impl Fn(u32) + 'static,
    on_done: impl FnOnce(Result<String, String>) + 'static,
) {
    send_to(
        UPLOAD_PATH,
        Some((DRAFT_HEADER, draft)),
        file,
        on_progress,
        on_done,
    );
}

/// Sends `file` to `path` (with `header`, if any), reporting progress in percent, then the
/// stored picture's id or why it was refused.
pub fn send_to(
    path: &str,
    header: Option<(&str, &str)>,
    file: &File,
    on_progress: impl Fn(u32) + 'static,
    on_done: impl FnOnce(Result<String, String>) + 'static,
) {
    let lost = || "The connection dropped before the photo arrived. Try it again.".to_owned();
    let Ok(xhr) = XmlHttpRequest::new() else {
        on_done(Err(lost()));
        return;
    };
    let name = js_sys::encode_uri_component(&file.name())
        .as_string()
        .unwrap_or_default();
    let opened = xhr.open("POST", path).is_ok()
        && header.is_none_or(|(name, value)| xhr.set_request_header(name, value).is_ok())
        && xhr.set_request_header(NAME_HEADER, &name).is_ok();
    if !opened {
        on_done(Err(lost()));
        return;
    }
    // The progress handler lives until the request ends; the end handler runs once and frees
    // itself, so nothing outlives the upload.
    let progress = Rc::new(RefCell::new(None::<Closure<dyn Fn(ProgressEvent)>>));
    if let Ok(upload) = xhr.upload() {
        let report = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                on_progress((event.loaded() / event.total() * 100.0).round() as u32);
            }
        });
        upload.set_onprogress(Some(report.as_ref().unchecked_ref()));
        *progress.borrow_mut() = Some(report);
    }
    let done = Rc::new(RefCell::new(Some(on_done)));
    let finish = {
        let done = done.clone();
        move |outcome: Result<String, String>| {
            if let Some(on_done) = done.borrow_mut().take() {
                on_done(outcome);
            }
        }
    };
    let ended = {
        let xhr = xhr.clone();
        let finish = finish.clone();
        Closure::once_into_js(move || {
            if let Ok(upload) = xhr.upload() {
                upload.set_onprogress(None);
            }
            progress.borrow_mut().take();
            // After a network error the status is 0 and there is no answer.
            let body = xhr.response_text().ok().flatten().unwrap_or_default();
            let outcome = match (xhr.status().unwrap_or(0), answer_field(&body, "id")) {
                (201, Some(id)) => Ok(id),
                _ => Err(answer_field(&body, "error").unwrap_or_else(lost)),
            };
            finish(outcome);
        })
    };
    xhr.set_onloadend(Some(ended.unchecked_ref()));
    if xhr.send_with_opt_blob(Some(file)).is_err() {
        finish(Err(lost()));
    }
}

/// Takes photo `id` out of `draft` on the shop (removed from the form).
pub fn discard(id: &str, draft: &str) {
    if let Ok(xhr) = XmlHttpRequest::new() {
        let path = format!("{UPLOAD_PATH}/{id}");
        if xhr.open("DELETE", &path).is_ok() && xhr.set_request_header(DRAFT_HEADER, draft).is_ok()
        {
            let _ = xhr.send();
        }
    }
}
