//! `serve`: where the app is, and what to do when no browser opens.

/// `serve`: where the app is. Said in Dutch, like the app: its users may never use a terminal otherwise.
pub fn serving(url: &str) {
    err!("handreiking draait op {url}");
    err!("Open dat adres in uw browser. Stoppen: Ctrl-C (de tijdelijke bestanden worden dan gewist).");
}

pub fn no_browser(url: &str, e: &std::io::Error) {
    err!("De browser kon niet worden geopend ({e}); open {url} zelf.");
}
