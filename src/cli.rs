//! Command-line arguments, normalised once into `Settings`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "handreiking",
    version,
    about = "Advice reports and the blank handreiking 'Digitaal samenwerken in welzijn en zorg' as PDF",
    long_about = None
)]
pub struct Cli {
    /// Without one, started with no terminal (from the menu): `app`; on a terminal: this help.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Typeset the whole handreiking as a clickable PDF (or, with --print, for paper).
    Blank(BlankArgs),
    /// A printable answer form: every question with boxes A and B, in the order of the answer sheet.
    Form(FormArgs),
    /// Werkvorm cards for the tables of a workshop: A5, two to an A4 sheet, with cut marks.
    Cards(CardsArgs),
    /// A group report for a user meeting: the spread of answers, where the group stands, the advice.
    Group(GroupArgs),
    /// One PDF advice report per respondent of one or more answer sheets (CSV, JSON or workbook).
    Report(ReportArgs),
    /// E-mail each respondent their own report, after `report`: drafts to open in a mail program, or sent over SMTP.
    Mail(MailArgs),
    /// Read answer sheets and report what was understood and every problem, without rendering.
    Check(CheckArgs),
    /// Write a starting mapping file for a survey export, from what was detected (to standard output).
    Mapping(MappingArgs),
    /// Write an empty answer sheet with the right headers (xlsx: a workbook to type paper forms into).
    Template(TemplateArgs),
    /// Write the default brand file and the templates into DIR, to edit and use with --brand / --templates.
    Init(InitArgs),
    /// Check a content folder (or the embedded handreiking) and list every problem.
    CheckContent(CheckContentArgs),
    /// Start the web app: choose answer files, check them, and make the reports in a browser.
    Serve(ServeArgs),
    /// A live user meeting: participants answer on their phones and get their own advice at once; the room sees the group.
    Workshop(WorkshopArgs),
    /// The web app as a desktop program: opens the browser, stops with "Afsluiten" or once its pages are closed.
    App(AppArgs),
    /// Write the completions of a shell (bash, zsh, fish, …) to standard output.
    Completions(CompletionsArgs),
    /// Write the manual pages (man, section 1) into DIR (for packages).
    #[command(hide = true)]
    Manual(ManualArgs),
    /// Renders the jobs `report` sends on standard input (started by `report`, not by hand).
    #[command(name = "render-process", hide = true)]
    RenderProcess,
    /// Reads the answer sheets other commands ask for on standard input, under
    /// limits (started by them, not by hand).
    #[command(name = "read-process", hide = true)]
    ReadProcess,
}

#[derive(Args)]
pub struct BlankArgs {
    /// The PDF to write.
    #[arg(short, long, default_value = handreiking::output::BLANK)]
    pub output: PathBuf,
    /// Made for paper: every internal link also shows its target page ("→ p. 14").
    #[arg(long)]
    pub print: bool,
    /// Also write the JSON the template receives (for designing templates).
    #[arg(long, value_name = "FILE")]
    pub emit_data: Option<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct FormArgs {
    #[arg(short, long, default_value = handreiking::output::FORM)]
    pub output: PathBuf,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct CardsArgs {
    #[arg(short, long, default_value = handreiking::output::CARDS)]
    pub output: PathBuf,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct GroupArgs {
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[arg(short, long, default_value = handreiking::output::GROUP_REPORT)]
    pub output: PathBuf,
    /// Name the respondents per answer (they are only counted by default).
    #[arg(long)]
    pub names: bool,
    #[command(flatten)]
    pub sheet: SheetArgs,
    #[command(flatten)]
    pub earlier: EarlierArgs,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Answer sheets: CSV (`,` `;` or tab; UTF-8 or Windows-1252), JSON, or workbooks (.xlsx, .xls, .ods).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The folder to write the reports to (created when missing).
    #[arg(short, long, value_name = "DIR", default_value = "rapporten")]
    pub output: PathBuf,
    /// File name pattern (minijinja) over naam, organisatie, datum, rij and other columns.
    #[arg(long, value_name = "PATTERN")]
    pub name: Option<String>,
    /// Reports rendered at once (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Render nothing when any row has a problem.
    #[arg(long)]
    pub strict: bool,
    /// Overwrite reports that exist already.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub sheet: SheetArgs,
    #[command(flatten)]
    pub earlier: EarlierArgs,
    /// Also write each report's template data (JSON) into DIR.
    #[arg(long, value_name = "DIR")]
    pub emit_data: Option<PathBuf>,
    /// Render only the rows whose number modulo N is K (K/N), to split a batch over machines.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Reports one render process typesets before a fresh one takes over, which keeps
    /// memory flat over long batches; 0 renders in this process.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub reports_per_process: usize,
    /// Also write an e-mail draft per report into OUTDIR/mail (as `handreiking mail OUTDIR` does).
    #[arg(long)]
    pub mail: bool,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct MailArgs {
    /// The folder `report` wrote (it reads its manifest.json), or a manifest file.
    #[arg(value_name = "OUTDIR")]
    pub dir: PathBuf,
    /// The brand file with the sender and the [mail] texts (default: the one the reports were made with).
    #[arg(long, value_name = "FILE")]
    pub brand: Option<PathBuf>,
    /// Send over SMTP (with --smtp) instead of writing drafts.
    #[arg(long, requires = "smtp")]
    pub send: bool,
    /// List what would go to whom; write, connect and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The mail server: HOST or HOST:PORT (port 587 with starttls, 465 with tls by default).
    #[arg(long, value_name = "HOST[:PORT]", requires = "send")]
    pub smtp: Option<String>,
    /// How the connection is encrypted; `none` only to this machine (a test server).
    #[arg(long, value_enum, value_name = "MODE", default_value = "starttls")]
    pub tls: TlsMode,
    /// Sign in as USER; the password comes from HANDREIKING_SMTP_PASSWORD, or is asked on a terminal.
    #[arg(long, value_name = "USER", requires = "send")]
    pub smtp_user: Option<String>,
    /// Send at most N mails a minute (for servers that limit the rate).
    #[arg(long, value_name = "N", requires = "send", value_parser = clap::value_parser!(u32).range(1..))]
    pub per_minute: Option<u32>,
    /// Send a blind copy of every mail to the sender (SMTP puts nothing in your Sent folder).
    #[arg(long, requires = "send")]
    pub bcc_sender: bool,
    /// Mail rows that share an address with other rows (otherwise they are listed and skipped).
    #[arg(long)]
    pub allow_shared_address: bool,
    /// Also mail respondents who were sent an earlier version of their report (made again, a follow-up).
    #[arg(long)]
    pub send_newer: bool,
    /// Keep the send log (mail-log.jsonl) in DIR instead of beside the reports; the web app's is
    /// ~/.local/share/handreiking/verzonden.
    #[arg(long, value_name = "DIR")]
    pub send_log: Option<PathBuf>,
}

#[derive(Args)]
pub struct CheckArgs {
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub sheet: SheetArgs,
    #[command(flatten)]
    pub earlier: EarlierArgs,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct MappingArgs {
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    #[command(flatten)]
    pub sheet: SheetArgs,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct TemplateArgs {
    /// The kind of sheet (default: from the extension of -o, else csv).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Where to write it (default: standard output; a workbook needs a file).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct InitArgs {
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Overwrite files that exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub struct CheckContentArgs {
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct WorkshopArgs {
    /// This laptop's address on the venue's network, where phones join: ADDR or ADDR:PORT
    /// (default port 8766). Without it, the facilitator's page lists the addresses to choose from.
    #[arg(long, value_name = "ADDR[:PORT]")]
    pub venue: Option<String>,
    /// The workshop folder: its answers (a database), reports and exports. Starting again on
    /// the same folder goes on where it was. Default: Documents/Handreiking/workshop-DATE.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Ask participants their name and organisation (they may leave them empty); anonymous otherwise.
    #[arg(long)]
    pub ask_names: bool,
    /// The most participants that can join.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub max_participants: usize,
    /// The facilitator's port on 127.0.0.1 (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 8767)]
    pub port: u16,
    /// Open the facilitator's page in the default browser once it listens.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub earlier: EarlierArgs,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 to listen on (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 8765)]
    pub port: u16,
    /// Open the app in the default browser once it listens.
    #[arg(long)]
    pub open: bool,
    /// The largest upload, in megabytes (all files of one upload together).
    #[arg(long, value_name = "MB", default_value_t = MAX_UPLOAD_MB)]
    pub max_upload: usize,
    /// Hours without use after which a session's files are deleted.
    #[arg(long, value_name = "HOURS", default_value_t = KEEP_HOURS)]
    pub keep_hours: u64,
    /// The folder of the send log, which keeps a report from being mailed twice, across
    /// sessions and with `mail --send-log` (default: ~/.local/share/handreiking/verzonden).
    #[arg(long, value_name = "DIR")]
    pub send_log: Option<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
}

/// The web app's defaults (`serve`'s flags; `app` has no flags for them).
pub const MAX_UPLOAD_MB: usize = 100;
pub const KEEP_HOURS: u64 = 4;
pub const APP_PORT: u16 = 8765;

#[derive(Args, Default)]
pub struct AppArgs {
    /// The port on 127.0.0.1 (when it is taken: any free port).
    #[arg(long, value_name = "N", default_value_t = APP_PORT)]
    pub port: u16,
    /// Do not open a browser (say the address on standard error only).
    #[arg(long)]
    pub no_browser: bool,
    /// Seconds with no page open before the app stops by itself (tests set it short).
    #[arg(long, value_name = "SECONDS", hide = true)]
    pub gone_after: Option<u64>,
    #[command(flatten)]
    pub sources: Sources,
}

#[derive(Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ManualArgs {
    /// The folder to write handreiking.1 and a page per command into.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// How to read answer sheets: shared by report, check, group and mapping.
#[derive(Args, Clone, Default)]
pub struct SheetArgs {
    /// Column separator of CSV input, when detection gets it wrong: `,` `;` or `tab`.
    #[arg(long, value_name = "SEP")]
    pub delimiter: Option<handreiking::answers::Delimiter>,
    /// Header rows above the first answer row (detected for Qualtrics and SurveyMonkey).
    #[arg(long, value_name = "N")]
    pub header_rows: Option<usize>,
    /// A mapping file (TOML) that says which column is which question and what values mean.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The sheet of a workbook to read (default: the first visible sheet with question columns).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

impl SheetArgs {
    pub fn options(&self) -> handreiking::SheetOptions {
        handreiking::SheetOptions {
            read: handreiking::answers::ReadOptions {
                delimiter: self.delimiter,
                header_rows: self.header_rows,
                encoding: None,
                sheet: self.sheet.clone(),
            },
            mapping: self.mapping.clone(),
        }
    }
}

/// A follow-up measurement: the earlier one to compare with (report, check, group).
#[derive(Args, Clone, Default)]
pub struct EarlierArgs {
    /// The answer sheet of the earlier measurement (the nulmeting) to compare with (repeatable).
    #[arg(long = "earlier", value_name = "OLD")]
    pub earlier: Vec<PathBuf>,
    /// A mapping file for the earlier sheet (--mapping is for the new one).
    #[arg(long, value_name = "FILE", requires = "earlier")]
    pub earlier_mapping: Option<PathBuf>,
    /// A column both measurements have (a participant code) that matches respondents
    /// whom neither e-mail address nor name and organisation match.
    #[arg(long = "match", value_name = "COLUMN", requires = "earlier")]
    pub column: Option<String>,
}

impl EarlierArgs {
    pub fn options(&self) -> Option<handreiking::followup::EarlierOptions> {
        (!self.earlier.is_empty()).then(|| handreiking::followup::EarlierOptions {
            inputs: self.earlier.clone(),
            sheets: handreiking::SheetOptions {
                read: Default::default(),
                mapping: self.earlier_mapping.clone(),
            },
            column: self.column.clone(),
        })
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum TlsMode {
    /// A plain connection made secure with STARTTLS before anything is sent (port 587).
    Starttls,
    /// TLS from the start (port 465).
    Tls,
    /// No encryption: only to localhost, for testing.
    None,
}

impl From<TlsMode> for handreiking::mail::Security {
    fn from(tls: TlsMode) -> Self {
        match tls {
            TlsMode::Starttls => handreiking::mail::Security::StartTls,
            TlsMode::Tls => handreiking::mail::Security::Tls,
            TlsMode::None => handreiking::mail::Security::None,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// The header line of a CSV sheet.
    Csv,
    /// A JSON sheet with one empty respondent.
    Json,
    /// An Excel workbook with drop-downs for A and B and the questions in the headers.
    Xlsx,
}

impl Format {
    /// The format a file name asks for: `antwoorden.xlsx` is a workbook.
    pub fn of(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

#[derive(Args, Clone, Default)]
pub struct Sources {
    /// A content folder to use instead of the embedded handreiking (same shape as content/).
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// A folder with templates that override the embedded ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// A folder with extra fonts (repeatable).
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
    /// A brand file (TOML): organisation, logo, colours, fonts, texts.
    #[arg(long, value_name = "FILE")]
    pub brand: Option<PathBuf>,
}

impl Sources {
    pub fn settings(&self) -> Result<handreiking::Settings, String> {
        let timestamp = match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) => Some(v.trim().parse::<i64>().map_err(|_| {
                format!("SOURCE_DATE_EPOCH must be a number of seconds since 1970, not `{v}`")
            })?),
            Err(_) => None,
        };
        Ok(handreiking::Settings {
            content: self.content.clone(),
            templates: self.templates.clone(),
            font_paths: self.font_paths.clone(),
            timestamp,
            brand: self.brand.clone(),
        })
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("write the shard as K/N, e.g. 0/4")?;
    let k: usize = k.trim().parse().map_err(|_| format!("`{k}` is not a number"))?;
    let n: usize = n.trim().parse().map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || k >= n {
        return Err(format!("K must be smaller than N (0 ≤ K < N), got {k}/{n}"));
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Clap's own consistency checks (names, conflicts, defaults) on every command.
    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn the_child_processes_are_hidden_from_help() {
        let help = super::Cli::command().render_long_help().to_string();
        assert!(!help.contains("read-process") && !help.contains("render-process"), "{help}");
    }
}
