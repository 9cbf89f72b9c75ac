//! An upload built to overload a reader ends only the reader process that
//! read it: the page says the file could not be read, and the server and every
//! other session go on.

use crate::common;

use crate::hostile::bombs;

use common::server::Server;

#[test]
fn hostile_uploads_leave_the_app_and_other_sessions_working() {
    let dir = common::scratch("bomb-uploads");
    // The workbooks (the 100 MB text files are `check`'s: their reading is the same code).
    let bombs = bombs::made(&dir, &|name| {
        name.ends_with(".xlsx") || name.ends_with(".xls") || name.ends_with(".ods")
    });
    assert!(bombs.len() >= 8);
    let mut server = Server::start("bomb-uploads", &[]);
    let good = server.session();
    let uploaded = server.upload_sheets(&good, &[std::path::Path::new("examples/antwoorden.csv")]);
    assert_eq!(uploaded.status, 303, "{}", uploaded.text());
    let checked = server.get(&format!("{good}controleren"));
    assert_eq!(checked.status, 200);
    let good_page = checked.text();

    for bomb in &bombs {
        let name = bomb.path.file_name().unwrap().to_string_lossy().into_owned();
        let hostile = server.session();
        let upload = server.upload_sheets(&hostile, &[&bomb.path]);
        let page = match upload.location {
            Some(next) => server.get(&next),
            None => upload,
        };
        let text = page.text();
        // Either refused at once or shown on the check page: the file is named, and nothing crashed.
        assert!(
            page.status < 500 || page.status == 503,
            "{name} ({}): status {}\n{text}",
            bomb.what,
            page.status
        );
        assert!(common::server::unescape(&text).contains(&name), "{name}: the page names the file:\n{text}");
        assert!(server_alive(&mut server), "{name}: the server died");
        // The other session still answers as before.
        let again = server.get(&format!("{good}controleren"));
        assert_eq!(again.status, 200, "{name}: the other session's page");
        assert_eq!(again.text(), good_page, "{name}: the other session is as it was");
    }
}

fn server_alive(server: &mut Server) -> bool {
    server.get("/stijl.css").status == 200
}
