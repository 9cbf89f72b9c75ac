//! `handreiking workshop` started for one test: the facilitator's board on a
//! free port of 127.0.0.1, the participants' pages on a free port of 127.0.0.2
//! (standing in for the venue's network), and phones as HTTP clients that keep
//! their cookies. The meeting is killed when dropped, also when a test fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

pub use super::server::Reply;

pub struct Meeting {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub board: String,
    /// `http://127.0.0.2:PORT`
    pub venue: String,
    pub dir: PathBuf,
    log: PathBuf,
}

/// A free port on a loopback address.
pub fn free_port(ip: &str) -> u16 {
    std::net::TcpListener::bind((ip, 0)).unwrap().local_addr().unwrap().port()
}

impl Meeting {
    /// A meeting whose folder is `dir`, phones on `venue_port` of 127.0.0.2.
    pub fn start(dir: &Path, venue_port: u16, flags: &[&str]) -> Meeting {
        let log = (1..).map(|n| dir.with_extension(format!("log-{n}"))).find(|p| !p.exists()).unwrap();
        let child = super::bin()
            .args(["workshop", "--port", "0", "--venue", &format!("127.0.0.2:{venue_port}"), "--data"])
            .arg(dir)
            .args(flags)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the meeting starts");
        let mut said = String::new();
        for _ in 0..600 {
            said = std::fs::read_to_string(&log).unwrap_or_default();
            if said.contains("Stoppen") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let url = |prefix: &str| {
            said.split_whitespace()
                .find(|w| w.starts_with(prefix))
                .unwrap_or_else(|| panic!("the meeting says where it listens ({prefix}), not: {said}"))
                .trim_end_matches('/')
                .to_string()
        };
        let (board, venue) = (url("http://127.0.0.1:"), url("http://127.0.0.2:"));
        Meeting { child, board, venue, dir: dir.to_owned(), log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it said on stderr.
    pub fn said(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: no chance to tidy up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The facilitator's browser (no cookies needed there).
    pub fn facilitator(&self) -> Phone {
        Phone::new(&self.board)
    }

    /// A new phone on the venue's network.
    pub fn phone(&self) -> Phone {
        Phone::new(&self.venue)
    }

    /// The join code, as the board shows it.
    pub fn code(&self) -> String {
        let page = self.facilitator().get("/").text();
        let at = page.find("class=\"join-code\"").expect("the board shows the code");
        let rest = &page[at..];
        let start = rest.find('>').unwrap() + 1;
        let end = rest.find("</p>").unwrap();
        rest[start..end].trim().to_string()
    }
}

impl Drop for Meeting {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Render processes it started end when their input closes.
    }
}

/// An HTTP client with its own cookies, as one phone (or browser) is.
pub struct Phone {
    base: String,
    agent: ureq::Agent,
    pub cookies: BTreeMap<String, String>,
}

impl Phone {
    pub fn new(base: &str) -> Phone {
        let agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
        Phone { base: base.to_string(), agent, cookies: BTreeMap::new() }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_string() } else { format!("{}{path}", self.base) }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn reply(&mut self, response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut response = response.expect("the meeting answers");
        for value in response.headers().get_all("set-cookie") {
            let Ok(value) = value.to_str() else { continue };
            if let Some((name, rest)) = value.split_once('=') {
                let v = rest.split(';').next().unwrap_or("");
                self.cookies.insert(name.to_string(), v.to_string());
            }
        }
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (location, content_type, disposition) = (
            header("location"),
            header("content-type").unwrap_or_default(),
            header("content-disposition").unwrap_or_default(),
        );
        let body = response.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap();
        Reply { status: response.status().as_u16(), location, content_type, disposition, body }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let request = self.agent.get(&self.url(path)).header("cookie", self.cookie_header());
        self.reply(request.call())
    }

    pub fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let request = self.agent.post(&self.url(path)).header("cookie", self.cookie_header());
        self.reply(request.send_form(pairs.iter().copied()))
    }

    /// Joins with `code` (and a name and organisation, when asked); where it is sent.
    pub fn join(&mut self, code: &str, naam: &str, organisatie: &str) -> Reply {
        let page = self.get("/");
        assert_eq!(page.status, 200, "{}", page.text());
        let csrf = hidden(&page.text(), "csrf");
        self.post(
            "/meedoen",
            &[("csrf", &csrf), ("code", code), ("naam", naam), ("organisatie", organisatie)],
        )
    }

    /// Answers the reflection on page `n`: (question id, "A"/"B") pairs.
    pub fn answer(&mut self, n: usize, answers: &[(&str, &str)]) -> Reply {
        let page = self.get(&format!("/vraag/{n}"));
        assert_eq!(page.status, 200, "{}", page.text());
        let csrf = hidden(&page.text(), "csrf");
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        form.extend_from_slice(answers);
        self.post(&format!("/vraag/{n}"), &form)
    }
}

/// The value of a hidden input on a page.
pub fn hidden(page: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let at = page.find(&needle).unwrap_or_else(|| panic!("no hidden `{name}` on the page:\n{page}"));
    let rest = &page[at + needle.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The question ids a reflection page asks, as its radio buttons name them.
pub fn radio_names(page: &str) -> Vec<String> {
    let mut ids: Vec<String> = page
        .split("type=\"radio\" name=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect();
    ids.dedup();
    ids
}
