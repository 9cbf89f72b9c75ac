//! A real browser for the tests of the web pages: Debian's chromium, driven
//! through chromedriver with fantoccini, with axe-core's findings and a
//! screenshot per page. Needs `chromium`, `chromium-driver` (Debian) and
//! axe-core (npm), which `.ci/run` installs; without them a test fails and
//! says what is missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use super::server::Server;

/// chromedriver on a free port of 127.0.0.1, stopped when dropped.
pub struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// The end of chromedriver's log, for a test that fails to start a browser.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

pub fn found(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} not found: this test needs Debian's chromium and chromium-driver and axe-core from npm \
         (see .ci/run; or set {env})",
        path.display()
    );
    path
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// chromedriver, once it says it is ready (an open port alone is not: a session asked
/// for too early was once refused).
pub fn start_driver() -> Driver {
    let program = found("CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = free_port();
    let log = super::scratch(&format!("chromedriver-{port}")).join("chromedriver.log");
    let child = Command::new(program)
        .args([
            format!("--port={port}"),
            "--allowed-ips=127.0.0.1".into(),
            format!("--log-path={}", log.display()),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let mut driver = Driver { child, url: format!("http://127.0.0.1:{port}"), log };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .into();
    for _ in 0..400 {
        if let Ok(Some(status)) = driver.child.try_wait() {
            panic!("chromedriver stopped ({status}):\n{}", driver.log_tail());
        }
        let ready = agent
            .get(format!("{}/status", driver.url))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok())
            .is_some_and(|v| v["value"]["ready"] == true);
        if ready {
            return driver;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("chromedriver on port {port} did not say it was ready:\n{}", driver.log_tail());
}

/// A browser: a laptop's window, or (`phone`) a 360 × 740 phone with touch.
pub async fn browser(driver: &Driver, profile: &Path, phone: bool) -> Client {
    let chromium = found("CHROMIUM", "/usr/bin/chromium");
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,900",
    ]
    .map(String::from)
    .into_iter()
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut options = serde_json::json!({ "binary": chromium, "args": args });
    if phone {
        options["mobileEmulation"] = serde_json::json!({
            "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 2.0, "touch": true, "mobile": true },
        });
    }
    let capabilities = serde_json::json!({ "goog:chromeOptions": options });
    let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
    // Chromium starting on a busy machine can fail once; a second try is a new browser.
    let mut failures = Vec::new();
    for _ in 0..3 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return client,
            Err(e) => failures.push(e.to_string()),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!(
        "the browser (chromium through chromedriver) did not start: {}\nchromedriver's log ends:\n{}",
        failures.join("; "),
        driver.log_tail()
    )
}

/// axe-core's serious and critical findings on the page shown now.
pub async fn accessibility(client: &Client, axe: &str) -> Vec<String> {
    client.execute(axe, vec![]).await.expect("axe-core loads");
    let result = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')')))
                .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    serde_json::from_value(result).unwrap_or_default()
}

pub struct Look<'a> {
    pub client: &'a Client,
    pub axe: String,
    pub screens: PathBuf,
    pub findings: Vec<String>,
    /// The window's width: 1200 (a laptop) or 360 (a phone).
    pub width: u32,
}

impl Look<'_> {
    /// Keeps a screenshot of the page and what axe-core finds on it.
    pub async fn page(&mut self, name: &str) {
        // Measured in a small window, so that the screenshot ends where the page does
        // (a phone keeps its screen: what a participant sees).
        if self.width > 400 {
            self.client.set_window_size(self.width, 700).await.unwrap();
            let height: u64 = self
                .client
                .execute("return document.documentElement.scrollHeight", vec![])
                .await
                .ok()
                .and_then(|v| v.as_u64())
                .unwrap_or(900);
            self.client.set_window_size(self.width, height.clamp(600, 4000) as u32 + 90).await.unwrap();
        }
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.screens.join(format!("{name}.png")), png).unwrap();
        for finding in accessibility(self.client, &self.axe).await {
            self.findings.push(format!("{name}: {finding}"));
        }
    }
}

pub async fn heading(client: &Client, text: &str) {
    let xpath = format!("//h1[normalize-space()='{text}']");
    let found = client.wait().at_most(Duration::from_secs(120)).for_element(Locator::XPath(&xpath)).await;
    if let Err(e) = found {
        let shown = client.find(Locator::Css("main")).await.ok();
        let shown = match shown {
            Some(main) => main.text().await.unwrap_or_default(),
            None => client.source().await.unwrap_or_default(),
        };
        panic!("no page headed “{text}” ({e}); the browser shows:\n{shown}");
    }
}

/// The app on a free port, chromedriver and a browser on the app; axe-core's
/// script and the folder screenshots go to.
pub async fn open(name: &str) -> (Server, Driver, Client, String, PathBuf) {
    open_with(name, &[]).await
}

/// [`open`], with the server started with `flags`.
pub async fn open_with(name: &str, flags: &[&str]) -> (Server, Driver, Client, String, PathBuf) {
    let axe =
        std::fs::read_to_string(found("AXE_CORE", "target/axe/node_modules/axe-core/axe.min.js")).unwrap();
    let screens = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screens");
    std::fs::create_dir_all(&screens).unwrap();
    let server = Server::start(&format!("{name}-server"), flags);
    let driver = start_driver();
    let client = browser(&driver, &super::scratch(name).join("profile"), false).await;
    (server, driver, client, axe, screens)
}

/// Presses the button labelled `label`.
pub async fn press(client: &Client, label: &str) {
    let xpath = format!("//button[normalize-space()='{label}']");
    let before = client.find(Locator::Css("html")).await.unwrap();
    // A live page (the board) may swap the button out between finding and
    // clicking it: find it again then.
    let mut tries = 0;
    while let Err(e) = client.find(Locator::XPath(&xpath)).await.unwrap().click().await {
        tries += 1;
        assert!(tries < 5, "pressing “{label}”: {e}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Every button here submits a form: wait until the page it was on is
    // gone, or the next step may still find (and touch) the old page.
    for _ in 0..1200 {
        if before.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("pressing “{label}” did not lead to another page within two minutes");
}
