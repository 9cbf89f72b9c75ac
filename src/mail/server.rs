//! Mail servers as users name them.

/// Whether a host is this machine, without asking DNS: `localhost` and loopback addresses.
pub fn is_loopback(host: &str) -> bool {
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
