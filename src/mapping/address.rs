//! E-mail addresses as sheets hold them: one address per cell, or why not.

use std::str::FromStr;

use lettre::Address;

/// A cell that is not one e-mail address: as written, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub raw: String,
    pub why: Why,
}

/// Why a cell is not one e-mail address (front ends word it in their language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A comma, semicolon or whitespace: several addresses, a display name, a line break.
    Several,
    MissingParts,
    InvalidUser,
    InvalidDomain,
    NotOne,
    /// The domain (given) has no dot.
    NoDot(String),
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let raw = &self.raw;
        match &self.why {
            Why::Several => {
                write!(f, "`{raw}` holds more than one address, or a space; a row has one address")
            }
            Why::MissingParts => write!(f, "`{raw}`: it needs a name, an @ and a domain"),
            Why::InvalidUser => write!(f, "`{raw}`: the part before the @ is not valid"),
            Why::InvalidDomain => write!(f, "`{raw}`: the domain after the @ is not valid"),
            Why::NotOne => write!(f, "`{raw}`: it is not written as one address"),
            Why::NoDot(domain) => write!(f, "`{raw}`: the domain `{domain}` has no dot (such as example.nl)"),
        }
    }
}

/// One respondent's address, as a sheet holds it: one address (parsed by
/// lettre), whose domain has a dot (`anna@gmailcom` is a typo, not a host).
pub fn parse(raw: &str) -> Result<Address, Invalid> {
    let invalid = |why| Invalid { raw: raw.to_string(), why };
    let s = raw.trim();
    let s = s.strip_prefix("mailto:").unwrap_or(s);
    if s.contains([',', ';']) || s.split_whitespace().nth(1).is_some() {
        return Err(invalid(Why::Several));
    }
    let address = Address::from_str(s).map_err(|e| {
        use lettre::address::AddressError;
        invalid(match e {
            AddressError::MissingParts => Why::MissingParts,
            AddressError::InvalidUser => Why::InvalidUser,
            AddressError::InvalidDomain => Why::InvalidDomain,
            _ => Why::NotOne,
        })
    })?;
    let domain = address.domain();
    if !domain.contains('.') && !domain.starts_with('[') {
        return Err(invalid(Why::NoDot(domain.to_string())));
    }
    Ok(address)
}

/// Why a row's e-mail cell gives no address to send to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmailable {
    NoAddress,
    Invalid(Invalid),
}

impl std::fmt::Display for Unmailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unmailable::NoAddress => write!(f, "no e-mail address"),
            Unmailable::Invalid(why) => write!(f, "not an e-mail address: {why}"),
        }
    }
}

/// A row's e-mail cell as `mail` takes it (empty is none): the address to
/// send to, or why there is none. `check` says the same before any report is made.
pub fn recipient(email: &str) -> Result<Address, Unmailable> {
    if email.is_empty() {
        return Err(Unmailable::NoAddress);
    }
    parse(email).map_err(Unmailable::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_sheets_hold_them() {
        for good in ["anna@example.nl", " Anna.Smit+rapport@zorg.example.org ", "mailto:piet@example.nl"] {
            assert!(parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.nl",
            "anna@gmailcom",
            "anna@example.nl; piet@example.nl",
            "anna@example.nl piet@example.nl",
            "Anna <anna@example.nl",
            "an na@example.nl",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
