//! The message for one row, built with lettre: the brand's `[mail]` text as
//! plain text with an HTML alternative made from it, and the row's own report
//! attached; and drafts (`.eml` with `X-Unsent: 1`) to open in a mail program.

use std::path::PathBuf;
use std::str::FromStr;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{Address, Message};

use super::{DRAFTS, Plan, Planned, Skip};
use crate::brand::Brand;
use crate::error::{Error, Problem, Result};
use crate::html::escape;
use crate::{dates, output};

/// The sender and the brand's texts: what every message of a run shares.
#[derive(Debug)]
pub(crate) struct Letter {
    brand: Brand,
    pub(crate) from: Mailbox,
    pub(crate) reply_to: Option<Mailbox>,
}

/// A message ready to write or send.
pub(crate) struct Composed {
    pub(crate) message: Message,
    pub(crate) message_id: String,
    pub(crate) to: Address,
}

impl Letter {
    /// The sender from the brand's `[afzender]`: mail goes out in their name, so an address is required.
    pub(crate) fn new(brand: Brand, brand_file: &str) -> Result<Letter> {
        let problem = |message: String| {
            Error::Brand(vec![Problem::new(brand_file, None, message).hint(
                "write the sender's address as `email = \"naam@organisatie.nl\"` under [afzender] in a brand file, \
                 and pass it with --brand (`handreiking init DIR` writes one to start from)",
            )])
        };
        let email = brand.afzender.email.trim();
        if email.is_empty() {
            return Err(problem(
                "the brand has no sender's address (`email` under [afzender]); mail needs one to go out in the \
                 sender's name"
                    .into(),
            ));
        }
        let from = Address::from_str(email)
            .map_err(|e| problem(format!("the sender's address `{email}` is not valid ({e})")))?;
        let reply_to = match brand.afzender.antwoord_aan.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => Some(Address::from_str(a).map_err(|e| {
                problem(format!("`antwoord_aan` under [afzender], `{a}`, is not a valid address ({e})"))
            })?),
        };
        let name = [brand.afzender.naam.trim(), brand.organisatie.trim()]
            .into_iter()
            .find(|n| !n.is_empty())
            .map(String::from);
        Ok(Letter {
            from: Mailbox::new(name, from),
            reply_to: reply_to.map(|a| {
                Mailbox::new(Some(brand.organisatie.trim().to_string()).filter(|o| !o.is_empty()), a)
            }),
            brand,
        })
    }

    /// The message for one row with its report's bytes; a draft carries `X-Unsent: 1`.
    pub(crate) fn compose(&self, item: &Planned, pdf: Vec<u8>, draft: bool) -> Result<Composed> {
        let to = item.to.clone().ok_or_else(|| Error::Usage(format!("row {} has no address", item.row)))?;
        let report = item.report_name().unwrap_or_default();
        let (subject, text) = self.texts(item, &report)?;
        // The same report to the same address always has the same id, so a
        // mailbox that has it already can tell a second copy for what it is.
        let seed =
            format!("{}\n{}", item.sha256.as_deref().unwrap_or_default(), to.to_string().to_lowercase());
        let message_id = format!(
            "<{}.handreiking@{}>",
            &output::sha256_hex(seed.as_bytes())[..32],
            self.from.email.domain()
        );
        let recipient =
            Mailbox::new(Some(item.respondent.trim().to_string()).filter(|n| !n.is_empty()), to.clone());
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(subject.clone())
            .message_id(Some(message_id.clone()))
            .user_agent(format!("handreiking {}", env!("CARGO_PKG_VERSION")));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        if draft {
            builder = builder.header(XUnsent);
        }
        // Older mail programs take the name from Content-Type; a plain ASCII
        // name can go there as it is (the disposition carries every name).
        let plain_name =
            report.chars().all(|c| c.is_ascii_graphic() || c == ' ') && !report.contains(['"', '\\']);
        let pdf_type = Some(format!("application/pdf; name=\"{report}\""))
            .filter(|_| plain_name)
            .and_then(|t| ContentType::parse(&t).ok())
            .unwrap_or_else(|| ContentType::parse("application/pdf").expect("a valid content type"));
        let body = MultiPart::mixed()
            .multipart(MultiPart::alternative_plain_html(text.clone(), html(&subject, &text)))
            .singlepart(Attachment::new(report).body(pdf, pdf_type));
        let message = builder
            .multipart(body)
            .map_err(|e| Error::Usage(format!("the mail for row {} cannot be made: {e}", item.row)))?;
        Ok(Composed { message, message_id, to })
    }

    /// Subject and text from the brand's `[mail]`, over the respondent's fields and the sender.
    fn texts(&self, item: &Planned, report: &str) -> Result<(String, String)> {
        let mut fields = item.fields.clone();
        // The date as a Dutch reader writes it, as in the brand's other texts.
        if let Some(dutch) = fields.get("datum").and_then(|raw| dates::dutch(raw)) {
            fields.insert("datum".into(), dutch);
        }
        // Manifests written before they recorded fields have the name only.
        fields.entry("naam".into()).or_insert_with(|| item.respondent.clone());
        fields.insert("email".into(), item.address.clone().unwrap_or_default().trim().to_string());
        fields.insert("rapport".into(), report.to_string());
        let afzender = &self.brand.afzender;
        let context = minijinja::context! {
            afzender => minijinja::context! {
                naam => afzender.naam.trim(),
                organisatie => self.brand.organisatie.trim(),
                email => afzender.email.trim(),
                contact => afzender.contact.trim(),
            },
            ..minijinja::Value::from(fields)
        };
        let (subject, text) = self.brand.mail_texts(&context).map_err(|e| {
            Error::Usage(format!("the brand's [mail] texts fail for row {} ({}): {e}", item.row, item.source))
        })?;
        let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
        let subject = if subject.is_empty() { report.trim_end_matches(".pdf").to_string() } else { subject };
        Ok((subject, tidy(&text)))
    }
}

/// One real mail of a plan as it will go out, for a page to show before anything is sent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Preview {
    pub from: String,
    pub reply_to: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The attachment's file name and size in bytes.
    pub attachment: String,
    pub bytes: u64,
}

impl Plan {
    /// The first mail that would go out (None: none would).
    pub fn preview(&self) -> Option<Result<Preview>> {
        let item = self.ready().next()?;
        let report = item.report_name().unwrap_or_default();
        Some(self.letter.texts(item, &report).map(|(subject, text)| {
            let to = item.to.as_ref().map(|to| to.to_string()).unwrap_or_default();
            let name = item.respondent.trim();
            Preview {
                from: self.letter.from.to_string(),
                reply_to: self.letter.reply_to.as_ref().map(|r| r.to_string()),
                to: if name.is_empty() { to } else { format!("{name} <{to}>") },
                subject,
                text,
                bytes: item.report.as_ref().and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len()),
                attachment: report,
            }
        }))
    }
}

impl Planned {
    /// The report's bytes, read again and checked against the manifest's
    /// sha256 just before they are attached.
    pub(crate) fn attachment(&self) -> std::result::Result<Vec<u8>, Skip> {
        let path = self.report.as_ref().ok_or(Skip::ReportMissing)?;
        let bytes = std::fs::read(path).map_err(|_| Skip::ReportMissing)?;
        match &self.sha256 {
            Some(want) if output::sha256_hex(&bytes) == *want => Ok(bytes),
            _ => Err(Skip::ReportChanged),
        }
    }
}

/// Outlook opens a message with this header as a draft, ready to send.
#[derive(Clone)]
struct XUnsent;

impl Header for XUnsent {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Unsent")
    }

    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XUnsent)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "1".into())
    }
}

/// Lines without trailing spaces, never two blank lines in a row (a field
/// that came out empty leaves none), and one line end at the end.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim().lines().map(str::trim_end) {
        if line.is_empty() && (out.is_empty() || out.ends_with("\n\n")) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The HTML alternative: the plain text, escaped, a paragraph per blank line.
fn html(subject: &str, text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", p.trim().lines().map(escape).collect::<Vec<_>>().join("<br>\n")))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n\
         <body style=\"font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4\">\n{}\n</body>\n</html>\n",
        escape(subject),
        paragraphs.join("\n")
    )
}

/// `mail/<report>.eml` beside the reports.
pub(crate) fn draft_path(dir: &std::path::Path, report: &str) -> PathBuf {
    dir.join(DRAFTS).join(format!("{}.eml", report.strip_suffix(".pdf").unwrap_or(report)))
}

/// Drafts written: `mail/<report>.eml` per row that gets a mail.
#[derive(Debug, Default)]
pub struct Drafts {
    pub dir: PathBuf,
    /// (index into the plan's items, the draft).
    pub written: Vec<(usize, PathBuf)>,
    /// Rows whose report changed or went missing after planning: no draft.
    pub late: Vec<(usize, Skip)>,
    /// Drafts of an earlier run for rows that get no mail now (sent since,
    /// report changed, …), removed so they cannot be sent by mistake.
    pub removed: Vec<PathBuf>,
}

/// Writes a draft per row that gets a mail into `mail/` beside the reports.
/// Sends nothing; the send log is not touched.
pub fn write_drafts(plan: &Plan) -> Result<Drafts> {
    // Under the lock: a send run at the same time would remove the drafts of
    // what it sends while this run writes them again.
    plan.locked()?;
    let dir = plan.dir.join(DRAFTS);
    let mut drafts = Drafts { dir: dir.clone(), ..Drafts::default() };
    for (i, item) in plan.items.iter().enumerate() {
        let Some(report) = item.report_name() else { continue };
        let path = draft_path(&plan.dir, &report);
        let pdf = match &item.skip {
            None => item.attachment().map_err(|late| drafts.late.push((i, late))).ok(),
            Some(_) => None,
        };
        let pdf = match pdf {
            Some(pdf) => pdf,
            None => {
                if path.is_file() {
                    std::fs::remove_file(&path).map_err(|source| Error::Io {
                        action: "remove the old draft",
                        path: path.clone(),
                        source,
                    })?;
                    drafts.removed.push(path);
                }
                continue;
            }
        };
        let composed = plan.letter.compose(item, pdf, true)?;
        output::write_atomic(&path, &composed.message.formatted())?;
        drafts.written.push((i, path));
    }
    // The drafts' names (renamed into place, or removed) synced once for all of them.
    if let Some(draft) = drafts.written.first().map(|(_, p)| p).or(drafts.removed.first()) {
        super::log::sync_dir_of(draft).map_err(|source| Error::Io {
            action: "sync the folder",
            path: dir.clone(),
            source,
        })?;
    }
    Ok(drafts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_alternative_shows_the_text_literally() {
        let page = html("Rapport <b>", "Beste <b>Anna</b> & co,\n\nregel 1\nregel \"2\"\n");
        assert!(page.contains("<title>Rapport &lt;b&gt;</title>"), "{page}");
        assert!(page.contains("<p>Beste &lt;b&gt;Anna&lt;/b&gt; &amp; co,</p>"), "{page}");
        assert!(page.contains("<p>regel 1<br>\nregel &quot;2&quot;</p>"), "{page}");
    }

    #[test]
    fn empty_lines_do_not_pile_up() {
        assert_eq!(tidy("\nBeste Anna,  \n\n\n\nGroet,\n\n\nOrg\n\n"), "Beste Anna,\n\nGroet,\n\nOrg\n");
    }
}
