//! A local fake of Twilio's Messages API, a real HTTP server on 127.0.0.1 that checks what
//! Twilio checks: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic auth
//! of that account's SID and auth token (401, code 20003 otherwise), a form with `To` in
//! E.164, `From` or `MessagingServiceSid`, and `Body`. It records the messages it takes
//! (201 with a `sid`) and can be told to answer for one number 400 code 21211 (not a valid
//! number) or 500.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use serde_json::{Value, json};

/// The account the fake knows.
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const AUTH_TOKEN: &str = "twilio-test-auth-token-9f8e7d6c";
/// The number messages come from.
pub const FROM: &str = "+3197010203040";

/// How the fake answers for one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsAnswer {
    Accept,
    /// 400, code 21211: "Invalid 'To' Phone Number".
    InvalidNumber,
    /// 500.
    ServerError,
}

/// A message the fake took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSms {
    pub sid: String,
    pub to: String,
    pub from: String,
    pub body: String,
}

#[derive(Default)]
pub struct SmsState {
    sent: Mutex<Vec<SentSms>>,
    /// Requests refused, with the reason (bad credentials, a bad form).
    refused: Mutex<Vec<String>>,
    /// Requests answered with a planned failure (21211, 500), by number.
    failed: Mutex<Vec<String>>,
    answers: Mutex<HashMap<String, Vec<SmsAnswer>>>,
}

impl SmsState {
    /// Answer `answer` for `to` from now on.
    pub fn answer(&self, to: &str, answer: SmsAnswer) {
        self.answers
            .lock()
            .unwrap()
            .insert(to.to_owned(), vec![answer]);
    }

    /// Answer `first` for `to` once, then accept.
    pub fn answer_once(&self, to: &str, first: SmsAnswer) {
        self.answers
            .lock()
            .unwrap()
            .insert(to.to_owned(), vec![SmsAnswer::Accept, first]);
    }

    fn answer_for(&self, to: &str) -> SmsAnswer {
        let mut answers = self.answers.lock().unwrap();
        match answers.get_mut(to) {
            // The last is next; the first stays.
            Some(planned) if planned.len() > 1 => planned.pop().unwrap_or(SmsAnswer::Accept),
            Some(planned) => planned.first().copied().unwrap_or(SmsAnswer::Accept),
            None => SmsAnswer::Accept,
        }
    }

    pub fn sent(&self) -> Vec<SentSms> {
        self.sent.lock().unwrap().clone()
    }

    pub fn refused(&self) -> Vec<String> {
        self.refused.lock().unwrap().clone()
    }

    pub fn failed(&self) -> Vec<String> {
        self.failed.lock().unwrap().clone()
    }

    /// Every request it had: taken, refused and failed.
    pub fn requests(&self) -> usize {
        self.sent().len() + self.refused().len() + self.failed().len()
    }
}

/// The fake Twilio.
pub struct FakeTwilio {
    /// The base URL (`BUURT_SMS_BASE_URL`).
    pub url: String,
    pub state: Arc<SmsState>,
    server: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl FakeTwilio {
    pub fn start() -> Self {
        use actix_web::{App, HttpServer, web};
        let state: Arc<SmsState> = Arc::default();
        let shared = state.clone();
        let (ready, started) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new().app_data(web::Data::new(shared.clone())).route(
                        "/2010-04-01/Accounts/{account}/Messages.json",
                        web::post().to(messages),
                    )
                })
                .workers(1)
                .bind("127.0.0.1:0")
                .expect("bind the fake Twilio");
                let port = server.addrs()[0].port();
                let server = server.run();
                ready.send((port, server.handle())).expect("the test waits");
                server.await
            })
        });
        let (port, server) = started.recv().expect("the fake Twilio starts");
        Self {
            url: format!("http://127.0.0.1:{port}"),
            state,
            server,
            thread: Some(thread),
        }
    }
}

impl Drop for FakeTwilio {
    fn drop(&mut self) {
        drop(self.server.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn error(status: u16, code: u32, message: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .json(json!({"code": code, "message": message, "more_info":
               format!("https://www.twilio.com/docs/errors/{code}"), "status": status}))
}

/// E.164: `+`, then 8 to 15 digits, the first not 0.
fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

async fn messages(
    state: actix_web::web::Data<Arc<SmsState>>,
    account: actix_web::web::Path<String>,
    request: actix_web::HttpRequest,
    body: actix_web::web::Bytes,
) -> actix_web::HttpResponse {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT_SID}:{AUTH_TOKEN}"))
    );
    let auth = request
        .headers()
        .get("authorization")
        .and_then(|value| value.to_str().ok());
    if auth != Some(expected.as_str()) {
        state.refused.lock().unwrap().push(format!(
            "credentials {:?}",
            auth.map(|a| a.split(' ').next().unwrap_or_default())
        ));
        return error(401, 20003, "Authenticate");
    }
    if account.as_str() != ACCOUNT_SID {
        state
            .refused
            .lock()
            .unwrap()
            .push(format!("account {account}"));
        return error(404, 20404, "The requested resource was not found");
    }
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        state
            .refused
            .lock()
            .unwrap()
            .push(format!("content type {content_type:?}"));
        return error(400, 21601, "Not a form");
    }
    let form: HashMap<String, String> = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(problem) => {
            state
                .refused
                .lock()
                .unwrap()
                .push(format!("form: {problem}"));
            return error(400, 21601, "Not a form");
        }
    };
    let (Some(to), Some(body)) = (form.get("To"), form.get("Body")) else {
        state
            .refused
            .lock()
            .unwrap()
            .push(format!("fields {:?}", form.keys().collect::<Vec<_>>()));
        return error(400, 21604, "A 'To' phone number and a 'Body' are required.");
    };
    let from = form
        .get("From")
        .or_else(|| form.get("MessagingServiceSid"))
        .cloned();
    let Some(from) = from else {
        state.refused.lock().unwrap().push("no From".into());
        return error(400, 21603, "A 'From' phone number is required.");
    };
    if body.is_empty() || body.chars().count() > 1600 {
        state
            .refused
            .lock()
            .unwrap()
            .push(format!("body of {}", body.len()));
        return error(
            400,
            21617,
            "The concatenated message body exceeds the limit",
        );
    }
    if !is_e164(to) {
        state
            .refused
            .lock()
            .unwrap()
            .push(format!("To {to:?} is not E.164"));
        return error(400, 21211, "Invalid 'To' Phone Number");
    }
    match state.answer_for(to) {
        SmsAnswer::InvalidNumber => {
            state.failed.lock().unwrap().push(to.clone());
            error(400, 21211, "Invalid 'To' Phone Number")
        }
        SmsAnswer::ServerError => {
            state.failed.lock().unwrap().push(to.clone());
            error(500, 20500, "Internal Server Error")
        }
        SmsAnswer::Accept => {
            let sid = format!("SM{}", uuid::Uuid::new_v4().simple());
            state.sent.lock().unwrap().push(SentSms {
                sid: sid.clone(),
                to: to.clone(),
                from,
                body: body.clone(),
            });
            let answer: Value = json!({
                "sid": sid, "account_sid": ACCOUNT_SID, "to": to, "body": body,
                "status": "queued", "num_segments": "1",
            });
            actix_web::HttpResponse::Created().json(answer)
        }
    }
}
