//! The web app (`handreiking serve`) started for one test on a free port of
//! 127.0.0.1, and a small HTTP client for it. The server is killed when the
//! `Server` is dropped, also when the test fails.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The TMPDIR it was started with: its sessions' folders are in there.
    pub tmp: PathBuf,
    /// What it says (stderr).
    log: PathBuf,
    agent: ureq::Agent,
}

pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub disposition: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Server {
    pub fn start(name: &str, flags: &[&str]) -> Server {
        Server::start_in(&super::scratch(&format!("{name}-tmp")), flags)
    }

    /// A server with `tmp` as its TMPDIR, which other servers may share.
    pub fn start_in(tmp: &Path, flags: &[&str]) -> Server {
        let tmp = tmp.to_owned();
        // What the server says goes to a file: read for its address, and shown when a test fails.
        let log = (1..).map(|n| tmp.join(format!("server-{n}.log"))).find(|p| !p.exists()).unwrap();
        let child = super::bin()
            .args(["serve", "--port", "0"])
            .args(flags)
            .env("TMPDIR", &tmp)
            // The send log's default folder is in the user's data folder: never the real one.
            .env("XDG_DATA_HOME", tmp.join("data"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the server starts");
        let mut said = String::new();
        for _ in 0..600 {
            said = std::fs::read_to_string(&log).unwrap_or_default();
            if said.contains('\n') {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let base = said
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("the server says where it listens, not: {said}"))
            .trim_end_matches('/')
            .to_string();
        let agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
        Server { child, base, tmp, log, agent }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().unwrap()
    }

    /// The folder its sessions live in: the `handreiking-serve-*` folder in its
    /// TMPDIR whose marker names its process.
    pub fn root(&self) -> PathBuf {
        std::fs::read_dir(&self.tmp)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("handreiking-serve-"))
            .find(|p| {
                let marker = std::fs::read_to_string(p.join(".handreiking-serve")).unwrap_or_default();
                marker.trim() == self.pid().to_string()
            })
            .expect("the app's temporary folder")
    }

    /// Its child processes (render processes), from /proc.
    pub fn children(&self) -> Vec<u32> {
        let parent = self.pid().to_string();
        std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|entry| {
                let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
                // `pid (name) state ppid …`; the name may hold spaces and parentheses.
                let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?;
                (ppid == parent).then(|| entry.file_name().to_string_lossy().parse().ok()).flatten()
            })
            .collect()
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_string() } else { format!("{}{path}", self.base) }
    }

    fn reply(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut response = response.expect("the server answers");
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

    pub fn get(&self, path: &str) -> Reply {
        Self::reply(self.agent.get(&self.url(path)).call())
    }

    pub fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        Self::reply(self.agent.post(&self.url(path)).send_form(pairs.iter().copied()))
    }

    /// A multipart upload: (field, file name, bytes) per part.
    pub fn upload(&self, path: &str, parts: &[(&str, &str, &[u8])]) -> Reply {
        self.upload_with(path, parts, None)
    }

    pub fn upload_with(&self, path: &str, parts: &[(&str, &str, &[u8])], origin: Option<&str>) -> Reply {
        let boundary = "----handreiking-test-boundary";
        let mut body = vec![];
        for (field, name, bytes) in parts {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .unwrap();
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        write!(body, "--{boundary}--\r\n").unwrap();
        let mut request = self
            .agent
            .post(&self.url(path))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        Self::reply(request.send(&body[..]))
    }

    /// A request written by hand, for headers a client library sets itself (Host).
    pub fn raw(&self, request: &str) -> String {
        let addr = self.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    /// A new session: its address, `/s/<id>/`.
    pub fn session(&self) -> String {
        let start = self.get("/");
        assert_eq!(start.status, 303, "{}", start.text());
        start.location.expect("a new session's address")
    }

    /// Uploads answer files to a session; returns where it sends the user.
    pub fn upload_sheets(&self, session: &str, files: &[&std::path::Path]) -> Reply {
        let contents: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
            .collect();
        let parts: Vec<(&str, &str, &[u8])> =
            contents.iter().map(|(n, b)| ("antwoorden", n.as_str(), b.as_slice())).collect();
        self.upload(&format!("{session}bestanden"), &parts)
    }

    /// Starts the batch and waits until the progress page says it is done.
    pub fn make_reports(&self, session: &str, extras: &[(&str, &str)]) -> Reply {
        let started = self.post_form(&format!("{session}maken"), extras);
        assert_eq!(started.status, 303, "{}", started.text());
        self.finished(session)
    }

    /// The progress page's text once the batch started before is done.
    pub fn make_reports_wait(&self, session: &str) -> String {
        self.finished(session).text()
    }

    fn finished(&self, session: &str) -> Reply {
        let start = std::time::Instant::now();
        loop {
            let page = self.get(&format!("{session}voortgang"));
            assert_eq!(page.status, 200);
            if !page.text().contains("Rapporten worden gemaakt") {
                return page;
            }
            // A guard against a hang, not a measurement: a batch of a few reports takes seconds.
            assert!(start.elapsed().as_secs() < 600, "the batch never finished");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let said = std::fs::read_to_string(&self.log).unwrap_or_default();
            eprintln!("the server said:\n{said}\nits status: {:?}", self.child.try_wait());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The files of a zip, by name.
pub fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = vec![];
            file.read_to_end(&mut bytes).unwrap();
            (file.name().expect("a file name").to_string(), bytes)
        })
        .collect()
}

/// An HTML attribute's text as the browser reads it (minijinja escapes `/` too).
pub fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
