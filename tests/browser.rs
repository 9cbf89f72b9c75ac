//! End-to-end runs of `handreiking serve` in a real browser (Debian's
//! chromium, driven through chromedriver with fantoccini): choose a file,
//! fix a column detection refused with its drop-down, make the reports,
//! download the zip; and a follow-up measurement with its nulmeting. Every page is checked with axe-core, and kept as a
//! screenshot in target/tmp/browser-screens (for the README and for looking at).
//!
//! Needs `chromium` and `chromium-driver` (Debian) and axe-core (npm): `.ci/run`
//! installs them. Without them this test fails and says what is missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::server::{Server, unzip};
use fantoccini::{Client, ClientBuilder, Locator};

/// chromedriver on a free port of 127.0.0.1, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn found(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} not found: this test needs Debian's chromium and chromium-driver and axe-core from npm \
         (see .ci/run; or set {env})",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_driver() -> Driver {
    let program = found("CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = free_port();
    let child = Command::new(program)
        .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return driver;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("chromedriver did not start listening on port {port}");
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
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
    let capabilities = serde_json::json!({
        "goog:chromeOptions": { "binary": chromium, "args": args },
    });
    let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("the browser (chromium through chromedriver) did not start: {e}"))
}

/// axe-core's serious and critical findings on the page shown now.
async fn accessibility(client: &Client, axe: &str) -> Vec<String> {
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

struct Look<'a> {
    client: &'a Client,
    axe: String,
    screens: PathBuf,
    findings: Vec<String>,
}

impl Look<'_> {
    /// Keeps a screenshot of the page and what axe-core finds on it.
    async fn page(&mut self, name: &str) {
        // Measured in a small window, so that the screenshot ends where the page does.
        self.client.set_window_size(1200, 700).await.unwrap();
        let height: u64 = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(900);
        self.client.set_window_size(1200, height.clamp(600, 2400) as u32 + 90).await.unwrap();
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.screens.join(format!("{name}.png")), png).unwrap();
        for finding in accessibility(self.client, &self.axe).await {
            self.findings.push(format!("{name}: {finding}"));
        }
    }
}

async fn heading(client: &Client, text: &str) {
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
async fn open(name: &str) -> (Server, Driver, Client, String, PathBuf) {
    let axe =
        std::fs::read_to_string(found("AXE_CORE", "target/axe/node_modules/axe-core/axe.min.js")).unwrap();
    let screens = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screens");
    std::fs::create_dir_all(&screens).unwrap();
    let server = Server::start(&format!("{name}-server"), &[]);
    let driver = start_driver();
    let client = browser(&driver, &common::scratch(name).join("profile")).await;
    (server, driver, client, axe, screens)
}

/// Presses the button labelled `label`.
async fn press(client: &Client, label: &str) {
    let xpath = format!("//button[normalize-space()='{label}']");
    client.find(Locator::XPath(&xpath)).await.unwrap().click().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_consultant_makes_reports_without_typing() {
    let (server, _driver, client, axe, screens) = open("browser").await;
    let mut look = Look { client: &client, axe, screens, findings: vec![] };

    client.goto(&format!("{}/", server.base)).await.unwrap();
    heading(&client, "Antwoorden kiezen").await;
    look.page("1-antwoorden-kiezen").await;
    let input = std::fs::canonicalize("tests/fixtures/web/eigen-vragen.csv").unwrap();
    client.find(Locator::Id("antwoorden")).await.unwrap().send_keys(input.to_str().unwrap()).await.unwrap();
    client.find(Locator::Css("#upload button[type=submit]")).await.unwrap().click().await.unwrap();

    heading(&client, "Controleren").await;
    assert!(client.source().await.unwrap().contains("Nog niet klaar"));
    look.page("2-controleren-kolom-kiezen").await;
    let select = client.find(Locator::Css("select[name=vraag_R1V2]")).await.unwrap();
    let suggested = select
        .find(Locator::XPath("option[contains(., 'lijkt er het meest op')]"))
        .await
        .expect("the drop-down suggests a column");
    let value = suggested.attr("value").await.unwrap().unwrap();
    select.select_by_value(&value).await.unwrap();
    press(&client, "Opslaan en opnieuw controleren").await;
    heading(&client, "Controleren").await;
    assert!(client.source().await.unwrap().contains("Alles is in orde"));
    look.page("2-controleren-in-orde").await;

    client.find(Locator::LinkText("Verder: rapporten maken")).await.unwrap().click().await.unwrap();
    heading(&client, "Rapporten maken").await;
    look.page("3-rapporten-maken").await;
    client.find(Locator::Id("groep")).await.unwrap().click().await.unwrap();
    press(&client, "Alle rapporten maken").await;
    heading(&client, "Klaar").await;
    look.page("4-klaar").await;

    let zip = client.find(Locator::LinkText("Alles downloaden (zip)")).await.unwrap();
    let href = zip.prop("href").await.unwrap().expect("a link");
    let findings = std::mem::take(&mut look.findings);
    client.close().await.unwrap();
    let files = unzip(&server.get(&href).body);
    let mut names: Vec<&String> = files.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Buurtzorg Dronten - Fatima El Amrani.pdf",
            "Gemeente Zeewolde - Joost Bakker.pdf",
            "groepsrapport.pdf",
            "manifest.json"
        ]
    );
    assert!(findings.is_empty(), "axe-core found accessibility problems:\n{}", findings.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_consultant_compares_a_follow_up_with_the_nulmeting() {
    let (server, _driver, client, axe, screens) = open("browser-earlier").await;
    let mut look = Look { client: &client, axe, screens, findings: vec![] };

    client.goto(&format!("{}/", server.base)).await.unwrap();
    heading(&client, "Antwoorden kiezen").await;
    let file = |name: &str| std::fs::canonicalize(name).unwrap().display().to_string();
    client
        .find(Locator::Id("antwoorden"))
        .await
        .unwrap()
        .send_keys(&file("tests/fixtures/earlier/vervolgmeting.csv"))
        .await
        .unwrap();
    client
        .find(Locator::XPath("//summary[contains(., 'eerdere meting')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Id("eerder"))
        .await
        .unwrap()
        .send_keys(&file("tests/fixtures/earlier/nulmeting.csv"))
        .await
        .unwrap();
    look.page("5-vervolg-kiezen").await;
    client.find(Locator::Css("#upload button[type=submit]")).await.unwrap().click().await.unwrap();

    heading(&client, "Controleren").await;
    client.find(Locator::Id("kolom")).await.unwrap().select_by_value("deelnemerscode").await.unwrap();
    press(&client, "Opnieuw koppelen").await;
    heading(&client, "Controleren").await;
    let shown = client.find(Locator::Id("koppeling-sectie")).await.unwrap().text().await.unwrap();
    assert!(shown.contains("op de kolom “deelnemerscode”"), "{shown}");
    assert!(shown.contains("niet eenduidig"), "{shown}");
    look.page("6-vervolg-controleren").await;

    client.find(Locator::LinkText("Verder: rapporten maken")).await.unwrap().click().await.unwrap();
    heading(&client, "Rapporten maken").await;
    look.page("7-vervolg-rapporten-maken").await;
    client.find(Locator::Id("groep")).await.unwrap().click().await.unwrap();
    press(&client, "Alle rapporten maken").await;
    heading(&client, "Klaar").await;
    let done = client.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(done.contains("Vergelijking met de nulmeting"), "{done}");
    look.page("8-vervolg-klaar").await;
    let findings = std::mem::take(&mut look.findings);
    client.close().await.unwrap();
    assert!(findings.is_empty(), "axe-core found accessibility problems:\n{}", findings.join("\n"));
}
