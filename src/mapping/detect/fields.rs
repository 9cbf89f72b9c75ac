//! The respondent's fields beyond their usual headers: first and last name
//! apart, and questions asking for the name, organisation or e-mail address.

use super::text::words;
use crate::mapping::Field;

/// Survey tools' first and last name columns, joined into the name.
pub(super) const NAME_PAIRS: [[&str; 2]; 3] =
    [["RecipientFirstName", "RecipientLastName"], ["First Name", "Last Name"], ["Voornaam", "Achternaam"]];

/// Whether a header is a question asking for a respondent's name or
/// organisation: short, with the word for it, and not about the other field.
pub(super) fn asks_for(field: Field, header: &str) -> bool {
    let words = words(header);
    let words: Vec<&str> = words.split(' ').collect();
    let any = |list: &[&str]| words.iter().any(|w| list.contains(w));
    const ORGANISATION: &[&str] = &[
        "organisatie",
        "organisation",
        "organization",
        "werkgever",
        "bedrijf",
        "instelling",
        "company",
        "employer",
    ];
    match field {
        Field::Naam => {
            words.len() <= 8
                && any(&["naam", "name"])
                && !any(ORGANISATION)
                && !any(&["project", "platform", "first", "last", "middle", "user", "file"])
        }
        Field::Organisatie => words.len() <= 10 && any(ORGANISATION),
        Field::Email => {
            let joined = words.join(" ");
            words.len() <= 10 && ["e mail", "email", "mailadres"].iter().any(|w| joined.contains(w))
        }
        Field::Datum => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_for_name_and_organisation() {
        assert!(asks_for(Field::Naam, "Wat is uw naam?"));
        assert!(asks_for(Field::Naam, "What is your name?"));
        assert!(!asks_for(Field::Naam, "Wat is de naam van uw organisatie?"));
        assert!(asks_for(Field::Organisatie, "Wat is de naam van uw organisatie?"));
        assert!(asks_for(Field::Organisatie, "Bij welke instelling werkt u?"));
        assert!(!asks_for(
            Field::Organisatie,
            "Is er een kartrekker of aanspreekpunt vanuit de organisatie aangesteld en wordt deze in die rol goed gefaciliteerd?"
        ));
    }
}
