//! `serve`: where the app is, and what to do when no browser opens.

/// `serve`: where the app is. Said in Dutch, like the app: its users may never use a terminal otherwise.
pub fn serving(url: &str, desktop: bool) {
    err!("handreiking draait op {url}");
    match desktop {
        false => {
            err!("Open dat adres in uw browser. Stoppen: Ctrl-C (de tijdelijke bestanden worden dan gewist).")
        }
        true => err!(
            "Stoppen: de knop Afsluiten onderaan elke pagina; de app stopt ook vanzelf als er even geen pagina \
             van open is. De tijdelijke bestanden worden dan gewist."
        ),
    }
}

pub fn no_browser(url: &str, e: &std::io::Error) {
    err!("De browser kon niet worden geopend ({e}); open {url} zelf.");
}

/// `workshop`: where the board is, where phones join, where the answers are kept.
pub fn workshop(board: &str, phones: Option<&str>, folder: &std::path::Path, resumed: bool) {
    let folder = super::shown(&folder.display().to_string()).into_owned();
    if resumed {
        err!("Bijeenkomst hervat uit {folder}: alle antwoorden van eerder zijn er nog.");
    } else {
        err!("Nieuwe bijeenkomst in {folder}.");
    }
    err!("Scherm van de gespreksleider: {board}");
    match phones {
        Some(url) => err!("Deelnemers doen mee op {url}"),
        None => err!(
            "Deelnemers kunnen nog niet meedoen: kies op het scherm het adres van deze laptop (of start met --venue ADRES)."
        ),
    }
    err!("Stoppen: Ctrl-C. De antwoorden blijven bewaard; starten met dezelfde map gaat verder waar u was.");
}
