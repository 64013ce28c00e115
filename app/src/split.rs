//! The app's pages, each split out of the app's main WebAssembly bundle (`cargo leptos build
//! --split`) and loaded when the app's router first draws it. A first visit to the home,
//! catalog, product, cart, checkout, help or order pages is served as islands (`islands`), so
//! the app's bundle draws those only when its router follows a link to them: they are split
//! too, and the main bundle every other page loads carries none of them.
//!
//! Every page added for staff, after-sale, warranty or affiliates belongs here too.

use leptos::prelude::*;
#[cfg(feature = "split")]
use leptos_router::lazy_route;
use leptos_router::LazyRoute;

/// Declares a route type per page whose view function is a split point of its own. Each page
/// carries a hidden `data-split-page` mark: a first load of a split page is hydrated only
/// once its chunk has arrived, so the browser tests' marker (see `App`) waits for the page's
/// own effect rather than the main bundle's.
macro_rules! split_pages {
    ($($(#[$doc:meta])* $route:ident => $page:path;)*) => {$(
        $(#[$doc])*
        pub struct $route;

        #[cfg(feature = "split")]
        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_route: Self) -> AnyView {
                split_page($page().into_any())
            }
        }

        // The islands' bundle never renders a route; without split points it carries none
        // of their code.
        #[cfg(not(feature = "split"))]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_route: Self) -> AnyView {
                split_page($page().into_any())
            }
        }
    )*};
}

/// A split page's view with its mark, marked hydrated once it is. One function for all, so
/// each page's chunk carries none of it.
fn split_page(page: AnyView) -> AnyView {
    Effect::new(|_| crate::mark_hydrated());
    view! {
        <span hidden data-split-page></span>
        {page}
    }
    .into_any()
}

split_pages! {
    /// `/`
    Home => crate::catalog::pages::HomePage;
    /// `/shop`
    Catalog => crate::catalog::pages::CatalogListing;
    /// `/products/:slug`
    Product => crate::catalog::pages::ProductPage;
    /// `/cart`
    Cart => crate::cart::pages::CartPage;
    /// `/help`
    Help => crate::help::pages::HelpPage;
    /// `/help/:slug`
    HelpAnswer => crate::help::pages::HelpAnswerPage;
    /// `/search`
    Search => crate::search::pages::SearchPage;
    /// `/support/new`
    NewTicket => crate::support::pages::NewTicketPage;
    /// `/support/tickets/:number`
    Ticket => crate::support::pages::TicketPage;
    /// `/account/tickets`
    MyTickets => crate::support::pages::MyTicketsPage;
    /// `/account`
    Account => crate::accounts::pages::AccountPage;
    /// `/account/sign-in`
    SignIn => crate::accounts::pages::SignInPage;
    /// `/account/sign-up`
    SignUp => crate::accounts::pages::SignUpPage;
    /// `/account/check-email`
    CheckEmail => crate::accounts::pages::CheckEmailPage;
    /// `/account/confirm`
    ConfirmSignUp => crate::accounts::pages::ConfirmSignUpPage;
    /// `/account/orders`
    OrderHistory => crate::orders::pages::OrderHistoryPage;
    /// `/orders/find`
    FindOrder => crate::orders::pages::FindOrderPage;
    /// `/orders/:number`
    Order => crate::orders::pages::OrderPage;
    /// `/pay/paypal/:reference`
    PayPalApproval => crate::payments::paypal_page::PayPalApprovalPage;
    /// `/checkout`
    Checkout => crate::checkout::pages::CheckoutPage;
    /// `/checkout/paypal/:number`: back from PayPal
    PayPalReturn => crate::checkout::paypal_return::PayPalReturnPage;
    /// `/account/forgot-password`
    ForgotPassword => crate::accounts::pages::ForgotPasswordPage;
    /// `/account/set-password`: the page a one-time link opens
    SetPassword => crate::accounts::pages::SetPasswordPage;
    /// `/admin`
    AdminHome => crate::admin::overview_pages::AdminHomePage;
    /// `/admin/staff`
    Staff => crate::admin::pages::StaffPage;
    /// `/admin/audit`
    AuditLog => crate::admin::pages::AuditLogPage;
    /// `/admin/orders`
    StaffOrders => crate::admin::order_pages::OrdersPage;
    /// `/admin/orders/:number`
    StaffOrder => crate::admin::order_pages::StaffOrderPage;
    /// `/admin/products`
    StaffProducts => crate::admin::catalog_pages::ProductsPage;
    /// `/admin/products/:slug`
    StaffProduct => crate::admin::catalog_pages::ProductEditPage;
    /// `/admin/coupons`
    StaffCoupons => crate::admin::coupon_pages::CouponsPage;
    /// `/admin/coupons/:code`
    StaffCoupon => crate::admin::coupon_pages::CouponPage;
    /// `/admin/customers`
    StaffCustomers => crate::admin::customer_pages::CustomersPage;
    /// `/admin/customers/:id`
    StaffCustomer => crate::admin::customer_pages::CustomerPage;
    /// `/admin/mail`
    StaffMail => crate::admin::mail_pages::MailQueuePage;
    /// `/admin/holidays`
    StaffHolidays => crate::admin::holiday_pages::HolidaysPage;
    /// `/admin/tickets`
    StaffTickets => crate::admin::ticket_pages::TicketsPage;
    /// `/admin/tickets/:number`
    StaffTicket => crate::admin::ticket_pages::StaffTicketPage;
    /// `/warranty/claim`
    ClaimForm => crate::warranty::pages::ClaimFormPage;
    /// `/warranty/claims/:number`
    Claim => crate::warranty::pages::ClaimPage;
    /// `/account/claims`
    MyClaims => crate::warranty::pages::MyClaimsPage;
    /// `/admin/claims`
    StaffClaims => crate::admin::claim_pages::ClaimsPage;
    /// `/admin/claims/:number`
    StaffClaim => crate::admin::claim_pages::StaffClaimPage;
    /// `/affiliates`
    Program => crate::affiliates::pages::ProgramPage;
    /// `/affiliates/dashboard`
    PartnerDashboard => crate::affiliates::pages::DashboardPage;
    /// `/admin/affiliates`
    StaffAffiliates => crate::admin::affiliate_pages::AffiliatesPage;
}
