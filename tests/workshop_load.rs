//! The live meeting under load, on loopback only and bounded: 200 simulated
//! participants join on 127.0.0.2 within 20 s, each answers every question
//! and fetches their advice page, and 50 of them ask for their PDF at the same
//! moment. It asserts what must hold (everyone stored, every page and PDF
//! served, the board showing everyone) and prints the figures the README
//! gives: latency of a submitted answer (stored, then answered), of the advice
//! page and of the PDF (p50/p95/max), how long until the board shows everyone,
//! and peak memory of the meeting with its render processes. It asserts no
//! time: speed is measured here, not judged.
//!
//! `HANDREIKING_LOAD_PARTICIPANTS` and `HANDREIKING_LOAD_PDFS` change the counts.
//! The README's figures: `cargo test --release --test tests workshop_load:: -- --nocapture`.

use crate::common;

use std::io::{BufRead, BufReader};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use common::meeting::{Meeting, Phone, free_port, hidden};
use common::scratch;

fn count(env: &str, default: usize) -> usize {
    std::env::var(env).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(Default)]
struct Times {
    answer: Vec<Duration>,
    advice: Vec<Duration>,
    pdf: Vec<Duration>,
}

fn summary(name: &str, times: &mut [Duration]) -> String {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    format!(
        "{name}: n={} p50={:.0} ms p95={:.0} ms max={:.0} ms",
        times.len(),
        at(0.50).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        times.last().unwrap().as_secs_f64() * 1000.0
    )
}

/// Resident memory of a process and its children now, in kB (from /proc).
fn resident(pid: u32) -> u64 {
    let rss = |pid: &str| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_string))
            .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
            .unwrap_or(0)
    };
    let parent = pid.to_string();
    let children: u64 = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?;
            (ppid == parent).then(|| rss(&e.file_name().to_string_lossy()))
        })
        .sum();
    rss(&parent) + children
}

#[test]
fn two_hundred_phones_answer_and_fifty_ask_for_their_pdf_at_once() {
    let participants = count("HANDREIKING_LOAD_PARTICIPANTS", 200);
    let pdfs = count("HANDREIKING_LOAD_PDFS", 50).min(participants);
    let dir = scratch("workshop-load").join("bijeenkomst");
    let meeting = Meeting::start(&dir, free_port("127.0.0.2"), &[]);
    let code = meeting.code();
    let done = Arc::new(AtomicBool::new(false));

    // Memory: the meeting and its render processes, sampled every 100 ms.
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (peak, done, pid) = (peak.clone(), done.clone(), meeting.pid());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(resident(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    // The board as the facilitator's page follows it: on every event, the room's part.
    let started = Instant::now();
    let everyone = format!(
        "<strong>{participants}</strong> deelnemers doen mee, <strong>{participants}</strong> zijn klaar"
    );
    let board_saw_everyone = Arc::new(Mutex::new(None::<Duration>));
    let watcher = {
        let (board, seen, done, everyone) =
            (meeting.board.clone(), board_saw_everyone.clone(), done.clone(), everyone.clone());
        std::thread::spawn(move || {
            let agent: ureq::Agent =
                ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(120))).build().into();
            let events = agent.get(&format!("{board}/stroom")).call().expect("the board's events");
            let mut lines = BufReader::new(events.into_body().into_reader());
            let mut fragment = Phone::new(&board);
            let mut line = String::new();
            while !done.load(Ordering::Relaxed) {
                line.clear();
                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if line.starts_with("event: stand") && fragment.get("/stand").text().contains(&everyone) {
                    *seen.lock().unwrap() = Some(started.elapsed());
                    break;
                }
            }
        })
    };

    let times = Arc::new(Mutex::new(Times::default()));
    let at_pdf = Arc::new(Barrier::new(pdfs.max(1)));
    let last_answer = Arc::new(Mutex::new(Duration::ZERO));
    let phones: Vec<_> = (0..participants)
        .map(|i| {
            let (venue, code, times, at_pdf, last_answer) =
                (meeting.venue.clone(), code.clone(), times.clone(), at_pdf.clone(), last_answer.clone());
            // Joins spread over 15 s: a room filling up, faster than people do.
            let start = Duration::from_millis((15_000 * i / participants.max(1)) as u64);
            std::thread::spawn(move || {
                std::thread::sleep(start.saturating_sub(started.elapsed()));
                let mut phone = Phone::new(&venue);
                let joined = phone.join(&code, "", "");
                assert_eq!(joined.status, 303, "participant {i} joins: {}", joined.text());
                let mut n = 1;
                loop {
                    let page = phone.get(&format!("/vraag/{n}"));
                    assert_eq!(page.status, 200, "participant {i} page {n}");
                    let page = page.text();
                    let csrf = hidden(&page, "csrf");
                    let ids = common::meeting::radio_names(&page);
                    let letter = if (i + n) % 3 == 0 { "B" } else { "A" };
                    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
                    form.extend(ids.iter().map(|id| (id.as_str(), letter)));
                    let asked = Instant::now();
                    let sent = phone.post(&format!("/vraag/{n}"), &form);
                    times.lock().unwrap().answer.push(asked.elapsed());
                    assert_eq!(sent.status, 303, "participant {i} answers page {n}: {}", sent.text());
                    if sent.location.as_deref() == Some("/advies") {
                        break;
                    }
                    n += 1;
                }
                {
                    let mut last = last_answer.lock().unwrap();
                    *last = (*last).max(started.elapsed());
                }
                let asked = Instant::now();
                let advice = phone.get("/advies");
                times.lock().unwrap().advice.push(asked.elapsed());
                assert_eq!(advice.status, 200);
                assert!(advice.text().contains("Uw antwoord: <strong>"));
                if i < pdfs {
                    at_pdf.wait();
                    let asked = Instant::now();
                    let pdf = phone.get("/advies.pdf");
                    times.lock().unwrap().pdf.push(asked.elapsed());
                    assert_eq!(pdf.status, 200, "participant {i}'s PDF: {}", pdf.text());
                    assert!(pdf.body.starts_with(b"%PDF-"));
                }
            })
        })
        .collect();
    let mut failed = 0;
    for phone in phones {
        failed += phone.join().is_err() as usize;
    }
    assert_eq!(failed, 0, "{failed} participants failed");
    // The board catches up on its own; bounded.
    for _ in 0..100 {
        if board_saw_everyone.lock().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let seen = *board_saw_everyone.lock().unwrap();
    let seen = seen.expect("the board shows everyone who joined and finished");
    drop(watcher);

    // Everyone's answers are in the database: the export has a full row for each.
    let export = meeting.facilitator().get("/antwoorden.csv").text();
    let rows: Vec<&str> = export.lines().skip(1).collect();
    assert_eq!(rows.len(), participants);
    assert!(rows.iter().all(|r| r.split(',').skip(3).all(|cell| cell == "A" || cell == "B")));

    let mut times = times.lock().unwrap();
    let last = *last_answer.lock().unwrap();
    println!(
        "workshop load: {participants} participants joining over 15 s on 127.0.0.2, {pdfs} PDFs asked at once"
    );
    println!("{}", summary("answer (a page's answers stored and answered)", &mut times.answer));
    println!("{}", summary("advice page", &mut times.advice));
    if pdfs > 0 {
        println!("{}", summary("PDF", &mut times.pdf));
    }
    println!(
        "board shows everyone {:.1} s after the start ({:.0} ms after the last answer)",
        seen.as_secs_f64(),
        seen.saturating_sub(last).as_secs_f64() * 1000.0
    );
    println!("peak memory, meeting and render processes: {} MB", peak.load(Ordering::Relaxed) / 1024);
}
