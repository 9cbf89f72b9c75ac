//! A small SMTP server for tests: listens on 127.0.0.1 on a free port, takes
//! one connection at a time, records every message (envelope and data) it
//! accepts and the credentials it was given, and can refuse, break off or
//! hold back its answer at the n-th message. Stops when dropped. (No well-kept crate offers a
//! blocking sink with fault injection; this is the few lines it takes.)
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent, dot-stuffing undone.
    pub data: Vec<u8>,
}

/// What the sink does with the n-th message (1-based, counted over all connections).
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    None,
    /// Answer the end of its data with this reply (e.g. "554 5.7.1 refused").
    Refuse {
        nth: usize,
        reply: &'static str,
    },
    /// Read its data, then close the connection without an answer.
    Drop {
        nth: usize,
    },
    /// Read its data, then answer only after `Sink::release` (or the sink's
    /// end): the sending run is held in the middle, for as long as a test needs.
    Hold {
        nth: usize,
    },
}

#[derive(Default)]
struct Seen {
    messages: Vec<Received>,
    /// AUTH credentials, decoded: (user, password).
    logins: Vec<(String, String)>,
    /// Messages whose data ended (accepted or not).
    data_count: usize,
    /// A `Fault::Hold` message is waiting for `released`.
    held: bool,
    released: bool,
}

pub struct Sink {
    port: u16,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Seen>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sink {
    pub fn start(fault: Fault) -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let thread = {
            let (stop, seen) = (stop.clone(), seen.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            stream.set_nonblocking(false).unwrap();
                            stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                            let _ = session(stream, &seen, fault);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        Sink { port, stop, seen, thread: Some(thread) }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.seen.lock().unwrap().messages.clone()
    }

    pub fn logins(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().logins.clone()
    }

    /// Whether a `Fault::Hold` message is waiting (and stays so until released).
    pub fn held(&self) -> bool {
        let seen = self.seen.lock().unwrap();
        seen.held && !seen.released
    }

    /// Lets a held message be answered.
    pub fn release(&self) {
        self.seen.lock().unwrap().released = true;
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.release();
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn session(stream: TcpStream, seen: &Mutex<Seen>, fault: Fault) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    let mut reply = |text: &str| out.write_all(format!("{text}\r\n").as_bytes());
    reply("220 sink.test ESMTP")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    let mut read = |line: &mut String| -> std::io::Result<bool> {
        line.clear();
        Ok(lines.read_line(line)? > 0)
    };
    while read(&mut line)? {
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            reply("250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME")?;
        } else if upper.starts_with("HELO") || upper == "NOOP" {
            reply("250 ok")?;
        } else if upper.starts_with("AUTH PLAIN") {
            let encoded = match command.split_whitespace().nth(2) {
                Some(initial) => initial.to_string(),
                None => {
                    reply("334 ")?;
                    read(&mut line)?;
                    line.trim().to_string()
                }
            };
            let decoded = base64(&encoded);
            let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            if parts.len() == 3 {
                seen.lock().unwrap().logins.push((text(parts[1]), text(parts[2])));
            }
            reply("235 2.7.0 authenticated")?;
        } else if upper.starts_with("AUTH LOGIN") {
            reply("334 VXNlcm5hbWU6")?;
            read(&mut line)?;
            let user = String::from_utf8_lossy(&base64(line.trim())).into_owned();
            reply("334 UGFzc3dvcmQ6")?;
            read(&mut line)?;
            let password = String::from_utf8_lossy(&base64(line.trim())).into_owned();
            seen.lock().unwrap().logins.push((user, password));
            reply("235 2.7.0 authenticated")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command);
            to.clear();
            reply("250 2.1.0 ok")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command));
            reply("250 2.1.5 ok")?;
        } else if upper == "DATA" {
            reply("354 end data with <CR><LF>.<CR><LF>")?;
            let mut data = Vec::new();
            loop {
                if !read(&mut line)? {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.extend_from_slice(unstuffed.as_bytes());
            }
            let nth = {
                let mut seen = seen.lock().unwrap();
                seen.data_count += 1;
                seen.data_count
            };
            match fault {
                Fault::Refuse { nth: n, reply: answer } if n == nth => reply(answer)?,
                Fault::Drop { nth: n } if n == nth => return Ok(()),
                Fault::Hold { nth: n } if n == nth => {
                    seen.lock().unwrap().held = true;
                    while !seen.lock().unwrap().released {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    seen.lock().unwrap().messages.push(Received { from: from.clone(), to: to.clone(), data });
                    reply("250 2.0.0 queued")?;
                }
                _ => {
                    let received = Received { from: from.clone(), to: to.clone(), data };
                    seen.lock().unwrap().messages.push(received);
                    reply("250 2.0.0 queued")?;
                }
            }
        } else if upper == "RSET" {
            from.clear();
            to.clear();
            reply("250 ok")?;
        } else if upper == "QUIT" {
            reply("221 bye")?;
            return Ok(());
        } else {
            reply("502 5.5.2 not implemented")?;
        }
    }
    Ok(())
}

/// `MAIL FROM:<a@b> SIZE=…` → `a@b`.
fn address(command: &str) -> String {
    let start = command.find('<').map(|i| i + 1).unwrap_or(0);
    let end = command[start..].find('>').map(|i| i + start).unwrap_or(command.len());
    command[start..end].to_string()
}

fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        let Some(value) = ALPHABET.iter().position(|a| *a == c) else { continue };
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}
