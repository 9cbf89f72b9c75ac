//! The live meeting in real browsers: the facilitator's board (a laptop's
//! window) and three participants' phones (360 × 740, touch), each its own
//! browser with its own cookies. The phones join as the QR code sends them,
//! answer every page by tapping, and see their advice; the board follows the
//! room live (server-sent events) and shows the results when asked. axe-core
//! checks every page; the screenshots go to target/tmp/browser-screens.
//!
//! Needs `chromium`, `chromium-driver` and axe-core, as `.ci/run` installs them.

use crate::common;

use std::time::Duration;

use common::browser::{Look, browser, found, heading, press, start_driver};
use common::meeting::{Meeting, free_port};
use fantoccini::{Client, Locator};

/// Text the page shows now, or within `seconds`.
async fn shows(client: &Client, text: &str, seconds: u64) -> bool {
    for _ in 0..seconds * 10 {
        if client.source().await.unwrap_or_default().contains(text) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn three_phones_answer_and_the_board_follows_the_room() {
    let axe =
        std::fs::read_to_string(found("AXE_CORE", "target/axe/node_modules/axe-core/axe.min.js")).unwrap();
    let screens = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screens");
    std::fs::create_dir_all(&screens).unwrap();
    let dir = common::scratch("workshop-browser").join("bijeenkomst");
    let meeting = Meeting::start(&dir, free_port("127.0.0.2"), &["--ask-names"]);
    let code = meeting.code();
    let driver = start_driver();

    let board = browser(&driver, &common::scratch("workshop-browser-board").join("profile"), false).await;
    let mut desk =
        Look { client: &board, axe: axe.clone(), screens: screens.clone(), findings: vec![], width: 1200 };
    board.goto(&format!("{}/", meeting.board)).await.unwrap();
    heading(&board, "Gebruikersbijeenkomst").await;
    assert!(board.source().await.unwrap().contains(&code));
    desk.page("workshop-1-bord").await;

    let mut findings = vec![];
    for (i, (naam, letter)) in
        [("Anouk de Vries", "A"), ("Piet Smit", "B"), ("", "A")].into_iter().enumerate()
    {
        let profile = common::scratch(&format!("workshop-browser-phone-{i}")).join("profile");
        let phone = browser(&driver, &profile, true).await;
        let mut look =
            Look { client: &phone, axe: axe.clone(), screens: screens.clone(), findings: vec![], width: 360 };
        // As the QR code sends them: the address with the code filled in.
        phone.goto(&format!("{}/?code={code}", meeting.venue)).await.unwrap();
        heading(&phone, "Doe mee").await;
        if i == 0 {
            look.page("workshop-2-meedoen").await;
        }
        phone.find(Locator::Id("naam")).await.unwrap().send_keys(naam).await.unwrap();
        press(&phone, "Meedoen").await;
        let mut page = 1;
        loop {
            phone
                .wait()
                .at_most(Duration::from_secs(30))
                .for_element(Locator::Css("fieldset.question"))
                .await
                .unwrap();
            if i == 0 && page == 1 {
                look.page("workshop-3-vraag").await;
            }
            // Tap the labelled choice, as a finger would.
            for choice in
                phone.find_all(Locator::Css(&format!("input[type=radio][value={letter}]"))).await.unwrap()
            {
                choice.click().await.unwrap();
            }
            let last = phone.source().await.unwrap().contains("Klaar: naar mijn advies");
            press(&phone, if last { "Klaar: naar mijn advies" } else { "Volgende" }).await;
            if last {
                break;
            }
            page += 1;
        }
        heading(&phone, "Uw advies").await;
        let advice = phone.source().await.unwrap();
        assert_eq!(
            advice.matches(&format!("Uw antwoord: <strong>{letter}</strong>")).count(),
            12,
            "phone {i}"
        );
        assert!(phone.find(Locator::LinkText("Download uw rapport (PDF)")).await.is_ok());
        if i == 0 {
            look.page("workshop-4-advies").await;
            // Nothing of the facilitator's on the venue.
            phone.goto(&format!("{}/antwoorden.csv", meeting.venue)).await.unwrap();
            heading(&phone, "Pagina niet gevonden").await;
        }
        findings.extend(look.findings);
        phone.close().await.unwrap();
        // The board follows without being reloaded.
        let counted = format!(
            "<strong>{}</strong> {}",
            i + 1,
            if i == 0 { "deelnemer doet mee" } else { "deelnemers doen mee" }
        );
        assert!(shows(&board, &counted, 20).await, "the board does not show {counted}");
    }

    assert!(!board.source().await.unwrap().contains("A (verbetermogelijkheden)"), "shown before asked");
    press(&board, "Resultaten tonen").await;
    assert!(shows(&board, "A (verbetermogelijkheden): 2 (67%) · B (goed op weg): 1 (33%)", 10).await);
    assert!(!board.source().await.unwrap().contains("Anouk"), "a name on the room's screen");
    desk.page("workshop-5-bord-resultaten").await;
    findings.extend(desk.findings);
    board.close().await.unwrap();
    assert!(findings.is_empty(), "axe-core finds:\n{}", findings.join("\n"));
}
