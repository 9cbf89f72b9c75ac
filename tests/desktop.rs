//! The app as a desktop program: started with no arguments and no terminal (as a
//! menu entry starts it) it serves the web app and opens the browser; "Afsluiten"
//! stops it and removes its files; with no page of it open it stops by itself,
//! and not while a page is open. And what a package installs beside it: the
//! completions and the manual pages, made from the command line's definition.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common;

use common::{bin, scratch};

/// The app started as a desktop does: stdin not a terminal, `$BROWSER` a script
/// that writes down the address it is given.
fn start(dir: &Path, args: &[&str]) -> Child {
    let browser = dir.join("browser");
    std::fs::write(&browser, format!("#!/bin/sh\necho \"$1\" > {}/opened\n", dir.display())).unwrap();
    let mut permissions = std::fs::metadata(&browser).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&browser, permissions).unwrap();
    bin()
        .args(args)
        .env("BROWSER", &browser)
        .env("TMPDIR", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("app.log")).unwrap())
        .spawn()
        .unwrap()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1200 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not happen within two minutes");
}

fn exited(child: &mut Child) -> Option<std::process::ExitStatus> {
    child.try_wait().unwrap()
}

fn request(addr: &str, text: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

fn sessions_folders(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("handreiking-serve-"))
        .count()
}

#[test]
fn started_from_the_menu_it_opens_the_browser_and_stops_on_afsluiten() {
    let dir = scratch("desktop-menu");
    // No arguments at all, as `Exec=` could have it.
    let mut app = start(&dir, &[]);
    wait_for("opening the browser", || dir.join("opened").exists() || exited(&mut app).is_some());
    let log = || std::fs::read_to_string(dir.join("app.log")).unwrap_or_default();
    let url = std::fs::read_to_string(dir.join("opened")).unwrap_or_else(|_| panic!("{}", log()));
    let addr = url.trim().trim_start_matches("http://").trim_end_matches('/').to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{url}");
    assert!(log().contains("Afsluiten"), "{}", log());

    let start = request(&addr, &format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"));
    let session = start.lines().find_map(|l| l.strip_prefix("location: ")).expect("a session").to_string();
    let page =
        request(&addr, &format!("GET {session} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"));
    assert!(page.contains("action=\"/afsluiten\"") && page.contains("data-leeft=\"/leeft\""), "{page}");
    assert_eq!(sessions_folders(&dir), 1);

    // A post from another site is refused and stops nothing.
    let other = request(
        &addr,
        &format!(
            "POST /afsluiten HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(other.starts_with("HTTP/1.1 403"), "{other}");
    assert!(exited(&mut app).is_none());

    let quit = request(
        &addr,
        &format!(
            "POST /afsluiten HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(quit.contains("De app is afgesloten"), "{quit}");
    wait_for("stopping after Afsluiten", || exited(&mut app).is_some());
    assert!(exited(&mut app).unwrap().success());
    assert_eq!(sessions_folders(&dir), 0, "the session's files are left behind");
}

#[test]
fn it_stops_once_no_page_is_open_and_not_before() {
    let dir = scratch("desktop-gone");
    let mut app = start(&dir, &["app", "--no-browser", "--port", "0", "--gone-after", "2"]);
    wait_for("listening", || {
        std::fs::read_to_string(dir.join("app.log")).is_ok_and(|l| l.contains("http://"))
    });
    let log = std::fs::read_to_string(dir.join("app.log")).unwrap();
    let addr = log.split("http://").nth(1).unwrap().split('/').next().unwrap().to_string();
    assert!(!dir.join("opened").exists(), "--no-browser opened a browser");

    // A page is open (its quiet connection): the app stays, well past the two seconds.
    let mut page = std::net::TcpStream::connect(&addr).unwrap();
    write!(page, "GET /leeft HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut first = [0u8; 12];
    page.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    std::thread::sleep(Duration::from_secs(8));
    assert!(exited(&mut app).is_none(), "it stopped while a page was open");

    // The page is closed: it stops by itself.
    drop(page);
    wait_for("stopping once no page was open", || exited(&mut app).is_some());
    assert!(exited(&mut app).unwrap().success());
}

#[test]
fn completions_and_manual_pages_come_from_the_command_line() {
    let bash = common::run(&["completions", "bash"]);
    assert!(bash.status.success());
    let bash = String::from_utf8(bash.stdout).unwrap();
    assert!(bash.contains("complete") && bash.contains("workshop") && bash.contains("--send-log"), "{bash}");

    let dir = scratch("desktop-manual");
    let made = common::run(&["manual", dir.to_str().unwrap()]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let main = std::fs::read_to_string(dir.join("handreiking.1")).unwrap();
    assert!(main.contains(".TH handreiking 1"), "{main}");
    let report = std::fs::read_to_string(dir.join("handreiking-report.1")).unwrap();
    assert!(report.contains("\\-\\-brand") || report.contains("brand"), "{report}");
    assert!(!dir.join("handreiking-render-process.1").exists(), "a page for a hidden command");
}
