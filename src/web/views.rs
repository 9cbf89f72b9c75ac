//! The pages' templates (embedded, minijinja, HTML-escaped) and the assets.

use axum::response::Html;
use handreiking::content::Handreiking;
use minijinja::Environment;
use serde::Serialize;

pub const STYLESHEET: &str = include_str!("assets/stijl.css");
pub const SCRIPT: &str = include_str!("assets/app.js");

const TEMPLATES: &[(&str, &str)] = &[
    ("basis.html", include_str!("assets/basis.html")),
    ("kiezen.html", include_str!("assets/kiezen.html")),
    ("controleren.html", include_str!("assets/controleren.html")),
    ("rapporten.html", include_str!("assets/rapporten.html")),
    ("voortgang.html", include_str!("assets/voortgang.html")),
    ("versturen.html", include_str!("assets/versturen.html")),
    ("versturen-bevestigen.html", include_str!("assets/versturen-bevestigen.html")),
    ("versturen-voortgang.html", include_str!("assets/versturen-voortgang.html")),
    ("bericht.html", include_str!("assets/bericht.html")),
    ("bord.html", include_str!("assets/bord.html")),
    ("bord-stand.html", include_str!("assets/bord-stand.html")),
    ("deelnemer.html", include_str!("assets/deelnemer.html")),
    ("meedoen.html", include_str!("assets/meedoen.html")),
    ("vraag.html", include_str!("assets/vraag.html")),
    ("advies.html", include_str!("assets/advies.html")),
    ("privacy.html", include_str!("assets/privacy.html")),
    ("afsluiten.html", include_str!("assets/afsluiten.html")),
];

/// Which pages a message is shown among: the web app's, the live meeting's
/// board, or a participant's phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    App,
    Board,
    Phone,
}

pub struct Views {
    env: Environment<'static>,
    /// The handreiking the app was started with (question texts for the pages).
    pub h: Handreiking,
}

impl Views {
    pub fn new(h: Handreiking) -> Views {
        let mut env = Environment::new();
        // `.html` templates escape every value: user text is shown literally.
        for &(name, source) in TEMPLATES {
            env.add_template(name, source).expect("the embedded page templates are valid");
        }
        Views { env, h }
    }

    /// The web app's pages: with the "Afsluiten" button, and the connection
    /// by which the app knows a page of it is open.
    pub fn with_quit(mut self) -> Views {
        self.env.add_global("quit", true);
        self
    }

    /// A page from its template and context.
    pub fn page(&self, name: &str, context: impl Serialize) -> Html<String> {
        let template = self.env.get_template(name).expect("the page templates exist");
        Html(template.render(minijinja::value::Serde(&context)).unwrap_or_else(|e| {
            // A template mistake is ours: say so plainly rather than show a blank page.
            format!("<!doctype html><html lang=\"nl\"><title>Fout</title><p>Deze pagina kon niet worden gemaakt: {}</p></html>", handreiking::html::escape(&e.to_string()))
        }))
    }

    /// A page with only a message (and where to go next).
    pub fn message(&self, title: &str, text: &str, link: Option<(&str, &str)>) -> Html<String> {
        self.message_in(Frame::App, title, text, link)
    }

    /// A message in the frame of the pages it stands between.
    pub fn message_in(
        &self,
        frame: Frame,
        title: &str,
        text: &str,
        link: Option<(&str, &str)>,
    ) -> Html<String> {
        let (frame, board) = match frame {
            Frame::App => ("basis.html", false),
            Frame::Board => ("basis.html", true),
            Frame::Phone => ("deelnemer.html", false),
        };
        self.page(
            "bericht.html",
            serde_json::json!({ "frame": frame, "board": board, "title": title, "text": text, "link_href": link.map(|l| l.0), "link_text": link.map(|l| l.1) }),
        )
    }
}
