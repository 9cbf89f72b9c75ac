//! E-mail addresses as sheets hold them, and mail servers as users name them.

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

/// Whether a host is this machine, without asking DNS: `localhost` and loopback addresses.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address, as (host, port).
pub(crate) fn host_port(spec: &str) -> Result<(String, Option<u16>), String> {
    let spec = spec.trim();
    let (host, port) = if let Some(rest) = spec.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| format!("`{spec}` has no closing ]"))?;
        (host, after.strip_prefix(':'))
    } else if spec.matches(':').count() == 1 {
        let (host, port) = spec.split_once(':').unwrap();
        (host, Some(port))
    } else {
        (spec, None)
    };
    if host.is_empty() || host.contains(['/', '@', ' ']) {
        return Err(format!(
            "`{spec}` is not a host name: write it as HOST or HOST:PORT, e.g. smtp.example.nl:587"
        ));
    }
    let port = match port {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|&p| p > 0)
                .ok_or_else(|| format!("`{p}` in `{spec}` is not a port number (1–65535)"))?,
        ),
    };
    Ok((host.to_string(), port))
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

    #[test]
    fn hosts_and_loopback() {
        assert_eq!(host_port("smtp.example.nl"), Ok(("smtp.example.nl".into(), None)));
        assert_eq!(host_port("smtp.example.nl:587"), Ok(("smtp.example.nl".into(), Some(587))));
        assert_eq!(host_port("[::1]:2525"), Ok(("::1".into(), Some(2525))));
        assert_eq!(host_port("::1"), Ok(("::1".into(), None)));
        assert!(host_port("smtp.example.nl:x").is_err());
        assert!(host_port("smtp://example.nl").is_err());
        for host in ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "LOCALHOST"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["example.org", "10.0.0.1", "192.0.2.1", "localhost.example.org", "::2"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
