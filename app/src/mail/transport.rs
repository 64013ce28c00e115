//! How e-mail leaves the shop, through lettre: SMTP when `SMTP_URL` is set, otherwise each
//! message is written as an .eml file to an outbox folder, so a fresh machine needs no mail
//! server and a developer can open what a shopper would receive.

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use thiserror::Error;

use super::Email;

#[derive(Debug, Error)]
pub enum MailError {
    #[error("invalid address {0}")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("cannot send through SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot write to the outbox: {0}")]
    Outbox(#[from] lettre::transport::file::Error),
    #[error("cannot create the outbox folder {0}: {1}")]
    OutboxDir(String, std::io::Error),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    description: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SMTP URL may hold a password: show only where mail goes.
        f.write_str(&self.description)
    }
}

impl Mailer {
    /// Mail written to `dir` (created if missing) as .eml files.
    pub fn outbox(from: &str, dir: PathBuf) -> Result<Mailer, MailError> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| MailError::OutboxDir(dir.display().to_string(), e))?;
        Ok(Mailer {
            from: parse(from)?,
            description: format!("outbox at {}", dir.display()),
            transport: Transport::Outbox(AsyncFileTransport::new(dir)),
        })
    }

    /// Mail sent through the SMTP server at `url` (`smtp://`, `smtps://`, or with
    /// `?tls=required` for STARTTLS; credentials as `user:password@`).
    pub fn smtp(from: &str, url: &str) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build();
        Ok(Mailer {
            from: parse(from)?,
            description: "SMTP".into(),
            transport: Transport::Smtp(transport),
        })
    }

    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(parse(&email.to)?)
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Outbox(outbox) => {
                outbox.send(message).await?;
            }
        }
        Ok(())
    }
}

fn parse(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|_| MailError::Address(address.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email {
            to: "ada@example.com".into(),
            subject: "Your order CF-23456789 is confirmed".into(),
            text: "Thank you (text)".into(),
            html: "<p>Thank you (html)</p>".into(),
        }
    }

    #[tokio::test]
    async fn without_smtp_mail_lands_in_the_outbox() {
        let dir = std::env::temp_dir().join(format!("outbox-test-{}", std::process::id()));
        let mailer = Mailer::outbox("Shop <shop@example.com>", dir.join("outbox")).unwrap();
        mailer.send(&email()).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.join("outbox")).unwrap().collect();
        assert_eq!(files.len(), 1);
        let path = files[0].as_ref().unwrap().path();
        assert_eq!(path.extension().and_then(|e| e.to_str()), Some("eml"));
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(saved.contains("Subject: Your order CF-23456789 is confirmed"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_bad_sender_is_refused_at_start_up() {
        let dir = std::env::temp_dir();
        assert!(matches!(
            Mailer::outbox("not an address", dir),
            Err(MailError::Address(_))
        ));
    }
}
