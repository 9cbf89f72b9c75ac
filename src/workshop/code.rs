//! Random codes: the six characters a participant types to join, and the
//! token their phone keeps.

/// Letters and digits no one confuses with another: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
pub const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// Six characters from [`ALPHABET`]: 25⁶ ≈ 244 million codes.
pub fn join_code() -> String {
    random_from(ALPHABET, 6)
}

/// A participant's token: 128 random bits, hex.
pub fn token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system has randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A join code as typed: capitals, spaces and dashes left out; `None` when it cannot be one.
pub fn typed(raw: &str) -> Option<String> {
    let code: String =
        raw.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == 6 && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

fn random_from(alphabet: &[u8], n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut byte = [0u8; 1];
    while out.len() < n {
        getrandom::fill(&mut byte).expect("the system has randomness");
        // Rejection sampling: every character equally likely.
        let limit = 256 - 256 % alphabet.len();
        if (byte[0] as usize) < limit {
            out.push(alphabet[byte[0] as usize % alphabet.len()] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_no_look_alikes_and_read_back_as_typed() {
        for _ in 0..200 {
            let code = join_code();
            assert_eq!(code.len(), 6);
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
            assert_eq!(typed(&code.to_lowercase()), Some(code.clone()));
            assert_eq!(typed(&format!("{} {}", &code[..3], &code[3..])), Some(code));
        }
        assert_eq!(typed("ABC12"), None);
        assert_eq!(typed("OOOOOO"), None);
        assert_ne!(token(), token());
        assert_eq!(token().len(), 32);
    }
}
