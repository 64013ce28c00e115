//! `paypal-standin [--port N] [--webhook URL]`: the stand-in on a port of its own, for the
//! browser tests. Client id, secret and webhook id are the defaults (`Settings::default`).

use paypal_standin::contract::{default_dir, Contract};
use paypal_standin::{Settings, StandIn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut port = 8430;
    let mut settings = Settings::default();
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--port" => port = value.parse().map_err(|_| "--port takes a number")?,
            "--webhook" => settings.webhook_url = Some(value),
            _ => return Err(format!("unknown option {arg}")),
        }
    }
    let contract = Contract::load(&default_dir())?;
    let running = StandIn::new(settings, contract)
        .start(port)
        .await
        .map_err(|e| e.to_string())?;
    println!("paypal-standin listening on {}", running.url);
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    Ok(())
}
