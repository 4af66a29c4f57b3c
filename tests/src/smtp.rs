//! A small SMTP server for the tests: it speaks the protocol over TCP (EHLO, MAIL, RCPT, DATA,
//! RSET, NOOP, QUIT) and keeps what it receives, so the app's e-mail goes through a real SMTP
//! conversation. It can refuse the next messages (451) to test retries.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;

/// One message as received.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent after DATA, dot-stuffing undone.
    pub raw: String,
}

impl ReceivedMail {
    /// The top-level header `name` (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        headers(head_of(&self.raw)).remove(&name.to_ascii_lowercase())
    }

    /// The decoded body of the first part with this content type (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> Option<String> {
        let boundary = self.header("content-type")?.split(';').find_map(|p| {
            p.trim()
                .strip_prefix("boundary=")
                .map(|b| b.trim_matches('"').to_owned())
        })?;
        for part in self.raw.split(&format!("--{boundary}")) {
            let part = part.trim_start_matches("\r\n");
            let Some((head, body)) = part.split_once("\r\n\r\n") else {
                continue;
            };
            let fields = headers(head);
            if !fields
                .get("content-type")
                .is_some_and(|t| t.to_ascii_lowercase().starts_with(content_type))
            {
                continue;
            }
            return Some(decode(
                fields.get("content-transfer-encoding").map(String::as_str),
                body,
            ));
        }
        None
    }
}

fn head_of(raw: &str) -> &str {
    raw.split_once("\r\n\r\n").map_or(raw, |(head, _)| head)
}

fn headers(head: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(name) = &last {
                let value = out.get_mut(name).expect("the header continued");
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            out.entry(name.clone())
                .or_insert_with(|| value.trim().to_owned());
            last = Some(name);
        }
    }
    out
}

fn decode(encoding: Option<&str>, body: &str) -> String {
    match encoding.map(str::to_ascii_lowercase).as_deref() {
        Some("base64") => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .expect("base64 body"),
            )
            .expect("UTF-8 text")
        }
        Some("quoted-printable") => {
            let mut bytes = Vec::new();
            let joined = body.replace("=\r\n", "");
            let raw = joined.as_bytes();
            let mut i = 0;
            while i < raw.len() {
                if raw[i] == b'=' && i + 2 < raw.len() {
                    let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap_or("");
                    if let Ok(byte) = u8::from_str_radix(hex, 16) {
                        bytes.push(byte);
                        i += 3;
                        continue;
                    }
                }
                bytes.push(raw[i]);
                i += 1;
            }
            String::from_utf8(bytes).expect("UTF-8 text")
        }
        _ => body.to_owned(),
    }
}

/// A running SMTP sink.
pub struct SmtpSink {
    pub port: u16,
    shared: Arc<Shared>,
}

/// What the sink's conversations share with the test.
#[derive(Default)]
struct Shared {
    received: Mutex<Vec<ReceivedMail>>,
    refuse_next: AtomicUsize,
    stall_next: AtomicUsize,
    stalled: AtomicUsize,
    conversations: AtomicUsize,
}

impl SmtpSink {
    /// Listens on a free port of 127.0.0.1; runs until the test process ends.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let port = listener.local_addr().expect("a local address").port();
        let sink = Self {
            port,
            shared: Arc::default(),
        };
        let shared = sink.shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                shared.conversations.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || {
                    let _ = converse(stream, &shared);
                });
            }
        });
        sink
    }

    /// `smtp://127.0.0.1:<port>`, for `BUURT_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Answers the next `count` messages with 451 (try again later).
    pub fn refuse_next(&self, count: usize) {
        self.shared.refuse_next.store(count, Ordering::SeqCst);
    }

    /// Leaves the next `count` messages unanswered at `DATA`: the client, envelope sent,
    /// waits until it gives up or goes away.
    pub fn stall_next(&self, count: usize) {
        self.shared.stall_next.store(count, Ordering::SeqCst);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.shared
            .received
            .lock()
            .expect("the sink's lock")
            .clone()
    }

    /// Waits until at least `count` messages have arrived (at most `timeout`).
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let received = self.received();
            if received.len() >= count || std::time::Instant::now() > deadline {
                return received;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until at least `count` messages are left waiting at `DATA` (at most `timeout`);
    /// how many are.
    pub async fn wait_for_stalled(&self, count: usize, timeout: Duration) -> usize {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let stalled = self.shared.stalled.load(Ordering::SeqCst);
            if stalled >= count || std::time::Instant::now() > deadline {
                return stalled;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Takes one from `counter` when it is above zero.
fn take_one(counter: &AtomicUsize) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

fn converse(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    writer.write_all(b"220 sink.test ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            writer.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            writer.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            writer.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command["MAIL FROM:".len()..]);
            to.clear();
            writer.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command["RCPT TO:".len()..]));
            writer.write_all(b"250 ok\r\n")?;
        } else if upper == "DATA" && take_one(&shared.stall_next) {
            // No answer: the client waits; the conversation ends when it goes.
            shared.stalled.fetch_add(1, Ordering::SeqCst);
            while reader.read_line(&mut line)? > 0 {}
            return Ok(());
        } else if upper == "DATA" {
            writer.write_all(b"354 go ahead\r\n")?;
            let mut raw = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let text = line.strip_prefix('.').unwrap_or(&line);
                raw.push_str(text);
            }
            if take_one(&shared.refuse_next) {
                writer.write_all(b"451 try again later\r\n")?;
            } else {
                shared
                    .received
                    .lock()
                    .expect("the sink's lock")
                    .push(ReceivedMail {
                        from: from.clone(),
                        to: to.clone(),
                        raw,
                    });
                writer.write_all(b"250 queued\r\n")?;
            }
        } else if upper.starts_with("QUIT") {
            writer.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            writer.write_all(b"502 not implemented\r\n")?;
        }
    }
}

fn address(raw: &str) -> String {
    let raw = raw.trim();
    match (raw.find('<'), raw.find('>')) {
        (Some(start), Some(end)) if start < end => raw[start + 1..end].to_owned(),
        _ => raw.split_whitespace().next().unwrap_or_default().to_owned(),
    }
}
