//! The mail a report goes with when the brand file's `[mail]` says nothing.

/// The subject when the brand file's `[mail]` has none (minijinja, like the brand's texts).
pub const DEFAULT_SUBJECT: &str =
    "Uw adviesrapport bij de handreiking Digitaal samenwerken in welzijn en zorg";

/// The text when the brand file's `[mail]` has none. Lines that come out empty
/// (no sender's name, say) are dropped where they would double a blank line.
pub const DEFAULT_TEXT: &str = r#"{% if naam %}Beste {{ naam }},{% else %}Goedendag,{% endif %}

Dank u wel voor het invullen van de handreiking “Digitaal samenwerken in welzijn en zorg”{% if datum %} op {{ datum }}{% endif %}. In de bijlage vindt u uw persoonlijke adviesrapport{% if organisatie %} voor {{ organisatie }}{% endif %}: per vraag uw antwoord, het advies dat daarbij hoort en werkvormen om er samen mee aan de slag te gaan.

Heeft u vragen over het advies, of wilt u een werkvorm samen uitproberen? Beantwoord dan gerust deze e-mail.

Met vriendelijke groet,

{{ afzender.naam }}
{{ afzender.organisatie }}
"#;
