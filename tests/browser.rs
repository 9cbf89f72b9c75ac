//! End-to-end runs of `handreiking serve` in a real browser (Debian's
//! chromium, driven through chromedriver with fantoccini): choose a file,
//! fix a column detection refused with its drop-down, make the reports,
//! download the zip; and a follow-up measurement with its nulmeting. Every page is checked with axe-core, and kept as a
//! screenshot in target/tmp/browser-screens (for the README and for looking at).
//!
//! Needs `chromium` and `chromium-driver` (Debian) and axe-core (npm): `.ci/run`
//! installs them. Without them this test fails and says what is missing.

use crate::common;

use common::browser::{Look, heading, open, press};
use common::server::unzip;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread")]
async fn a_consultant_makes_reports_without_typing() {
    let (server, _driver, client, axe, screens) = open("browser").await;
    let mut look = Look { client: &client, axe, screens, findings: vec![], width: 1200 };

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
    let mut look = Look { client: &client, axe, screens, findings: vec![], width: 1200 };

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
