//! Sign-up, sign-in and account pages, and the header's account link.

use super::api::{
    one_time_link, ChangePassword, ConfirmSignUp, RequestPasswordReset, SignIn, SignOut, SignUp,
    UseOneTimeLink,
};
use super::model::{Customer, LinkInfo, LinkPurpose};
use crate::error::AppError;
use crate::forms::{Field, FormFailure, FormResult, FormState};
use crate::page::{set_http_status, when_loaded, Loading, PageTitle};
use crate::wire::{self, WireResource};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The page to come back to after signing in or up (`?next=/checkout`), as the query gave it;
/// the server decides whether it is safe to go there.
fn next_page() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("next").unwrap_or_default())
}

/// `path` with the same `?next=` as this page.
fn keeping_next(path: &'static str, next: Signal<String>) -> impl Fn() -> String + Send + Sync {
    move || {
        let next = next.get();
        if next.is_empty() {
            path.to_owned()
        } else {
            format!(
                "{path}?next={}",
                next.replace('&', "%26").replace('?', "%3F")
            )
        }
    }
}

/// Who is signed in, for the header and the pages that ask. A sign-out is sent from above the
/// routes; the pages that sign a browser in (sign-in, a finished sign-up, a one-time link) own
/// their actions, so their code stays in their own split chunks, and call [`refresh_after`].
///
/// [`refresh_after`]: AuthState::refresh_after
#[derive(Clone, Copy)]
pub struct AuthState {
    pub sign_out: ServerAction<SignOut>,
    pub customer: WireResource<Result<Option<Customer>, AppError>>,
}

impl AuthState {
    pub fn provide() {
        let sign_out = ServerAction::<SignOut>::new();
        let customer = wire::resource(
            move || sign_out.version().get(),
            |_| super::api::current_customer(),
        );
        provide_context(AuthState { sign_out, customer });
    }

    pub fn expect() -> AuthState {
        expect_context::<AuthState>()
    }

    pub fn signed_in(&self) -> Option<Customer> {
        self.customer.get().and_then(Result::ok).flatten()
    }

    /// Reads again who is signed in once `action` has signed this browser in. A success
    /// answers with a redirect, which can leave the page before any effect of the page runs,
    /// so a request still awaiting its answer is also followed up as the page is left (its
    /// answer has arrived by then). The check as the page is left reads plain flags, not the
    /// page's reactive values: those may already be gone.
    pub fn refresh_after<S>(self, action: ServerAction<S>)
    where
        S: ServerFn<Output = FormResult, Error = AppError> + Clone + Send + Sync + 'static,
    {
        // Set while a request awaits its answer; an answer on a page that stays clears it.
        let awaiting = Arc::new(AtomicBool::new(false));
        let pending = action.pending();
        let answer = action.value();
        Effect::new({
            let awaiting = awaiting.clone();
            move |_| {
                if pending.get() {
                    awaiting.store(true, Ordering::Relaxed);
                }
            }
        });
        Effect::new({
            let awaiting = awaiting.clone();
            move |_| {
                if let Some(answer) = answer.get() {
                    awaiting.store(false, Ordering::Relaxed);
                    if matches!(answer, Ok(FormResult::Done)) {
                        self.customer.refetch();
                    }
                }
            }
        });
        on_cleanup(move || {
            if awaiting.load(Ordering::Relaxed) {
                self.customer.refetch();
            }
        });
    }
}

/// The header link: "Sign in", or the account once signed in.
#[component]
pub fn AccountLink() -> impl IntoView {
    let auth = AuthState::expect();
    view! {
        <Transition fallback=|| view! { <a class="account-link" href="/account/sign-in">"Sign in"</a> }>
            {move || match auth.signed_in() {
                Some(customer) if customer.role.is_staff() => view! {
                    <a class="account-link" href="/admin">"Dashboard"</a>
                    <a class="account-link" href="/account">"Account"</a>
                }.into_any(),
                Some(_) => view! { <a class="account-link" href="/account">"Account"</a> }.into_any(),
                None => view! { <a class="account-link" href="/account/sign-in">"Sign in"</a> }.into_any(),
            }}
        </Transition>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    // Also reads the answer a plain (no-JavaScript) post left in the address.
    let sign_up = ServerAction::<SignUp>::new();
    let form = FormState::new(move || sign_up.value().get());
    let next = next_page();
    view! {
        <PageTitle text="Create an account"/>
        <section class="page narrow" aria-labelledby="sign-up-title">
            <h1 id="sign-up-title">"Create an account"</h1>
            <p>"See your orders in one place and check out faster. Already have an account? "<a href=keeping_next("/account/sign-in", next)>"Sign in"</a></p>
            <ActionForm action=sign_up attr:class="panel form" attr:novalidate=true>
                <input type="hidden" name="next" value=next/>
                <Field id="sign-up-name" name="name" label="Name" autocomplete="name" form/>
                <Field id="sign-up-email" name="email" label="E-mail" kind="email" autocomplete="email" form/>
                <Field id="sign-up-password" name="password" label="Password (at least 10 characters)" kind="password" autocomplete="new-password" form/>
                <FormFailure form/>
                <button type="submit" class="button" disabled=move || sign_up.pending().get()>"Create account"</button>
            </ActionForm>
        </section>
    }
}

/// Where a sign-up or a password-reset request lands: the same words whether or not the
/// address has an account.
#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let query = use_query_map();
    let reset = move || query.read().get("for").as_deref() == Some("reset");
    view! {
        <PageTitle text="Check your e-mail"/>
        <section class="page narrow" aria-labelledby="check-email-title">
            <h1 id="check-email-title">"Check your e-mail"</h1>
            <div class="panel">
                {move || if reset() {
                    view! {
                        <p>"If an account has the address you gave, we've sent it a link to choose a new password. The link works for one hour."</p>
                        <p>"Nothing there after a few minutes? Look in your spam folder, or "<a href="/account/forgot-password">"ask again"</a>"."</p>
                    }.into_any()
                } else {
                    view! {
                        <p>"We've sent a message to the address you gave. Open the link in it to finish: the link works for 24 hours."</p>
                        <p>"Nothing there after a few minutes? Look in your spam folder, or "<a href="/account/sign-up">"sign up again"</a>"."</p>
                    }.into_any()
                }}
            </div>
        </section>
    }
}

/// The page an e-mailed sign-up link opens. Finishing takes a press of the button, so a mail
/// scanner that follows the link creates nothing.
#[component]
pub fn ConfirmSignUpPage() -> impl IntoView {
    let confirm = ServerAction::<ConfirmSignUp>::new();
    AuthState::expect().refresh_after(confirm);
    let form = FormState::new(move || confirm.value().get());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let problem = move || form.errors.read().get("token");
    view! {
        <PageTitle text="Finish creating your account"/>
        <section class="page narrow" aria-labelledby="confirm-title">
            <h1 id="confirm-title">"Finish creating your account"</h1>
            <ActionForm action=confirm attr:class="panel form">
                <input type="hidden" name="token" value=token/>
                <p>"One step left: confirm to create your account and sign in."</p>
                {move || problem().map(|message| view! {
                    <p class="notice notice--error" role="alert">{message}" "<a href="/account/sign-up">"Sign up"</a>" · "<a href="/account/sign-in">"Sign in"</a></p>
                })}
                <FormFailure form/>
                <button type="submit" class="button" disabled=move || confirm.pending().get()>"Create my account"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    // As on the sign-up page: this action reads a plain post's answer from the address too.
    let sign_in = ServerAction::<SignIn>::new();
    AuthState::expect().refresh_after(sign_in);
    let form = FormState::new(move || sign_in.value().get());
    let next = next_page();
    view! {
        <PageTitle text="Sign in"/>
        <section class="page narrow" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in"</h1>
            <p>"New here? "<a href=keeping_next("/account/sign-up", next)>"Create an account"</a></p>
            <ActionForm action=sign_in attr:class="panel form" attr:novalidate=true>
                <input type="hidden" name="next" value=next/>
                <Field id="sign-in-email" name="email" label="E-mail" kind="email" autocomplete="email" form/>
                <Field id="sign-in-password" name="password" label="Password" kind="password" autocomplete="current-password" form/>
                <FormFailure form/>
                <button type="submit" class="button" disabled=move || sign_in.pending().get()>"Sign in"</button>
            </ActionForm>
            <p><a href="/account/forgot-password">"Forgot your password?"</a></p>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = AuthState::expect();
    view! {
        <PageTitle text="Your account"/>
        <section class="page narrow" aria-labelledby="account-title">
            <h1 id="account-title">"Your account"</h1>
            <Suspense fallback=Loading>
                {when_loaded(auth.customer, |customer| match customer {
                    Some(customer) => view! { <AccountDetails customer/> }.into_any(),
                    None => {
                        set_http_status(401);
                        view! {
                            <p>"Please sign in to see your account."</p>
                            <p><a class="button" href="/account/sign-in">"Sign in"</a></p>
                        }
                        .into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AccountDetails(customer: Customer) -> impl IntoView {
    let auth = AuthState::expect();
    let change = ServerAction::<ChangePassword>::new();
    let form = FormState::new(move || change.value().get());
    let changed = move || matches!(change.value().get(), Some(Ok(FormResult::Done)));
    view! {
        <div class="panel">
            <h2>"Signed in"</h2>
            <p data-testid="account-name">{customer.name}</p>
            <p>{customer.email}</p>
            <p><a class="button" href="/account/orders">"Your orders"</a>" "<a class="button button--ghost" href="/account/tickets">"Your messages to us"</a>" "<a class="button button--ghost" href="/account/claims">"Your warranty claims"</a></p>
            <ActionForm action=auth.sign_out>
                <button type="submit" class="button button--ghost">"Sign out"</button>
            </ActionForm>
        </div>
        <div class="panel">
            <h2>"Change password"</h2>
            <ActionForm action=change attr:class="form" attr:novalidate=true>
                <Field id="current-password" name="current" label="Current password" kind="password" autocomplete="current-password" form/>
                <Field id="new-password" name="new_password" label="New password (at least 10 characters)" kind="password" autocomplete="new-password" form/>
                <FormFailure form/>
                <p role="status">{move || changed().then_some("Your password has been changed. Other devices were signed out.")}</p>
                <button type="submit" class="button" disabled=move || change.pending().get()>"Change password"</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let form = FormState::new(move || request.value().get());
    view! {
        <PageTitle text="Forgot your password?"/>
        <section class="page narrow" aria-labelledby="forgot-title">
            <h1 id="forgot-title">"Forgot your password?"</h1>
            <p>"Enter the e-mail address of your account. We'll send you a link to choose a new password."</p>
            <ActionForm action=request attr:class="panel form" attr:novalidate=true>
                <Field id="forgot-email" name="email" label="E-mail" kind="email" autocomplete="email" form/>
                <FormFailure form/>
                <button type="submit" class="button" disabled=move || request.pending().get()>"Send the link"</button>
            </ActionForm>
        </section>
    }
}

/// The page a one-time link opens: a forgotten password, or a staff invitation.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let link = wire::resource(token, one_time_link);
    view! {
        <PageTitle text="Choose your password"/>
        <section class="page narrow" aria-labelledby="set-password-title">
            <h1 id="set-password-title">"Choose your password"</h1>
            <Suspense fallback=Loading>
                {when_loaded(link, move |info| view! { <SetPasswordForm info token=token()/> })}
            </Suspense>
            <p>"Link not working? "<a href="/account/forgot-password">"Ask for a new password link"</a>", or ask the shop's admin for a new invitation."</p>
        </section>
    }
}

#[component]
fn SetPasswordForm(info: LinkInfo, token: String) -> impl IntoView {
    let use_link = ServerAction::<UseOneTimeLink>::new();
    // The header shows who is signed in: the link signs this browser in.
    AuthState::expect().refresh_after(use_link);
    let form = FormState::new(move || use_link.value().get());
    let problem = move || form.errors.read().get("token");
    let lead = match info.purpose {
        LinkPurpose::ResetPassword => format!(
            "Choose a new password for {}. You'll be signed in, and signed out everywhere else.",
            info.email
        ),
        LinkPurpose::StaffInvite(role) => format!(
            "You're invited to the shop's staff as {role}. Choose a password for {} to accept.",
            info.email
        ),
    };
    view! {
        <ActionForm action=use_link attr:class="panel form" attr:novalidate=true>
            <input type="hidden" name="token" value=token/>
            <p>{lead}</p>
            {info.new_account.then(|| view! {
                <Field id="set-password-name" name="name" label="Your name" autocomplete="name" form/>
            })}
            <Field id="set-password-password" name="password" label="New password (at least 10 characters)" kind="password" autocomplete="new-password" form/>
            {move || problem().map(|message| view! {
                <p class="notice notice--error" role="alert">{message}" "<a href="/account/forgot-password">"Ask for a new link"</a></p>
            })}
            <FormFailure form/>
            <button type="submit" class="button" disabled=move || use_link.pending().get()>"Save password"</button>
        </ActionForm>
    }
}
