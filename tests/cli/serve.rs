//! `layer-auth serve`: the Layer service over real HTTP on 127.0.0.1, driven by clients
//! that are not ours (Python's standard library) as well as `ureq` and `flow --layer-url`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{
    KEY_ID, PROVIDER_ID, fixture, layer, layer_auth, outcome_of, private_key, stdout_of, tempdir,
};

const ACCEPT: &str = "application/vnd.layer+json; version=2.0";

/// A running `layer-auth serve --listen 127.0.0.1:0 …`, killed when dropped.
pub struct Serve {
    child: Child,
    pub url: String,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    pub fn start(args: &[&str]) -> Self {
        let mut child = layer_auth()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let (pipe, log) = (child.stderr.take().unwrap(), Arc::clone(&stderr));
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut url = String::new();
        stdout.read_line(&mut url).unwrap();
        let url = url.trim().to_owned();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "no URL: {url:?} {}",
            stderr.lock().unwrap()
        );
        Self { child, url, stderr }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// stderr once it holds every one of `needles` (request lines reach it a few
    /// milliseconds after their answers), or as it is after 10 s.
    pub fn log_with(&self, needles: &[&str]) -> String {
        let started = Instant::now();
        loop {
            let log = self.stderr();
            if needles.iter().all(|n| log.contains(n))
                || started.elapsed() > Duration::from_secs(10)
            {
                return log;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// SIGTERM, and the exit status (waiting at most `limit`).
    fn terminate(mut self, limit: Duration) -> Option<i32> {
        terminate(&mut self.child, limit)
    }

    pub fn health(&self) -> Value {
        call(&self.url, "GET", "/_emulator/health", &[], None).2
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request: status, headers (lower-cased names), and the body as JSON (null if none).
pub fn call(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Vec<(String, String)>, Value) {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .new_agent();
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{base}{path}"));
    let typed = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    if body.is_some() && !typed {
        request = request.header("Content-Type", "application/json");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = match body {
        Some(body) => agent.run(request.body(body.to_owned()).unwrap()),
        None => agent.run(request.body(()).unwrap()),
    }
    .unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, value)
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

pub fn nonce(base: &str) -> String {
    let (status, _, body) = call(base, "POST", "/nonces", &[("Accept", ACCEPT)], None);
    assert_eq!(status, 201, "{body}");
    body["nonce"].as_str().unwrap().to_owned()
}

/// A token from the sample backend for `user` over `nonce`.
pub fn sample_token(base: &str, user: &str, nonce: &str) -> String {
    let body = json!({"user_id": user, "nonce": nonce}).to_string();
    let (status, _, answer) = call(base, "POST", "/authenticate", &[], Some(&body));
    assert_eq!(status, 200, "{answer}");
    answer["identity_token"].as_str().unwrap().to_owned()
}

pub fn post_session(base: &str, app_id: &str, token: &str) -> (u16, Value) {
    let body = json!({"identity_token": token, "app_id": app_id}).to_string();
    let (status, _, answer) = call(
        base,
        "POST",
        "/sessions",
        &[("Accept", ACCEPT)],
        Some(&body),
    );
    (status, answer)
}

fn python(script: &str, args: &[&str]) -> String {
    stdout_of(
        std::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .args(args),
    )
}

/// The whole sequence of SPEC §2 with Python's urllib: nonce, token from the sample backend,
/// session, a protected call, the 401 challenge with a fresh nonce, re-authentication over
/// it, the identity, and deauthentication.
const PYTHON_CLIENT: &str = r#"
import json, sys, urllib.request, urllib.error
base, app = sys.argv[1], sys.argv[2]
ACCEPT = "application/vnd.layer+json; version=1.0"
def call(method, path, body=None, headers=None, accept=True):
    h = dict(headers or {})
    if accept: h["Accept"] = ACCEPT
    data = None
    if body is not None:
        data = json.dumps(body).encode(); h["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req) as r:
            raw = r.read()
            return r.status, r.headers, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        assert e.headers["Content-Type"] == "application/json", e.headers
        return e.code, e.headers, json.loads(e.read())
def sign_in(nonce):
    s, _, b = call("POST", "/authenticate", {"user_id": "alice", "nonce": nonce}, accept=False)
    assert s == 200, (s, b)
    s, _, b = call("POST", "/sessions", {"identity_token": b["identity_token"], "app_id": app})
    assert s == 201, (s, b)
    return b["session_token"]
auth = lambda t: {"Authorization": 'Layer session-token="%s"' % t}
s, _, b = call("POST", "/nonces"); assert s == 201, b
session = sign_in(b["nonce"])
s, h, b = call("GET", "/conversations", headers=auth(session))
assert s == 200 and b == [] and h["Layer-Count"] == "0", (s, h, b)
s, _, b = call("POST", "/_emulator/expire", {"session_token": session}, accept=False)
assert s == 200 and b == {"expired": 1}, b
s, _, challenge = call("GET", "/conversations", headers=auth(session))
assert s == 401 and challenge["id"] == "authentication_required" and challenge["code"] == 4, challenge
assert challenge["message"] == "The session token is no longer valid because it has expired."
s, _, again = call("GET", "/conversations", headers=auth(session))
assert again["data"]["nonce"] != challenge["data"]["nonce"], "every challenge carries a fresh nonce"
session = sign_in(challenge["data"]["nonce"])
s, _, me = call("GET", "/identities/alice", headers=auth(session))
assert s == 200 and me["user_id"] == "alice" and me["metadata"] == {}, me
s, _, _ = call("DELETE", "/sessions/" + session, headers=auth(session))
assert s == 204, s
s, _, b = call("GET", "/conversations", headers=auth(session))
assert s == 401 and b["data"]["nonce"], b
print("ok")
"#;

#[test]
fn serve_prints_its_url_and_a_python_client_runs_the_whole_sequence_with_the_challenge() {
    let server = Serve::start(&[]);
    let app_id = server.health()["app_id"].as_str().unwrap().to_owned();
    assert_eq!(python(PYTHON_CLIENT, &[&server.url, &app_id]).trim(), "ok");
    let log = server.log_with(&["POST /sessions 201 ", "GET /conversations 401 "]);
    assert!(
        log.contains("layer-auth serve: the Layer service at "),
        "{log}"
    );
    assert!(log.contains("POST /sessions 201 "), "{log}");
    assert!(log.contains("GET /conversations 401 "), "{log}");
}

#[test]
fn flow_layer_url_runs_against_serve_with_the_challenge_and_strict() {
    let server = Serve::start(&[]);
    let r = outcome_of(
        layer_auth().args([
            "flow",
            "--user",
            "alice",
            "--challenge",
            "--strict",
            "--layer-url",
            &server.url,
        ]),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}\n{}", server.stderr());
    assert!(r.stderr.contains("expired through"), "{r:?}");
    assert!(
        r.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("✓ flow passed: authenticated as \"alice\", re-authenticated"),
        "everything established: {r:?}"
    );
}

#[test]
fn serve_runs_a_command_with_the_services_url_and_ids_and_exits_with_its_status() {
    let script = "test -n \"$LAYER_URL\" && test -n \"$LAYER_APP_ID\" && \
                  test -n \"$LAYER_PROVIDER_ID\" && test -n \"$LAYER_KEY_ID\" && exit 7";
    let r = outcome_of(
        layer_auth().args(["serve", "--listen", "127.0.0.1:0", "--", "sh", "-c", script]),
        None,
    );
    assert_eq!(r.code, 7, "{r:?}");
    let r = outcome_of(
        layer_auth()
            .args(["serve", "--listen", "127.0.0.1:0", "--"])
            .arg(assert_cmd::cargo::cargo_bin("layer-auth"))
            .args(["flow", "--user", "bob"]),
        None,
    );
    assert_eq!(r.code, 0, "flow reads LAYER_URL: {r:?}");
    assert!(
        r.stderr.contains("✓ flow passed: authenticated as \"bob\""),
        "{r:?}"
    );
}

#[test]
fn two_hundred_concurrent_redemptions_of_one_token_give_exactly_one_session() {
    let server = Serve::start(&[]);
    let app_id = server.health()["app_id"].as_str().unwrap().to_owned();
    let token = sample_token(&server.url, "alice", &nonce(&server.url));
    let barrier = Arc::new(std::sync::Barrier::new(200));
    let threads: Vec<_> = (0..200)
        .map(|_| {
            let (url, app, token, barrier) = (
                server.url.clone(),
                app_id.clone(),
                token.clone(),
                Arc::clone(&barrier),
            );
            std::thread::spawn(move || {
                barrier.wait();
                post_session(&url, &app, &token)
            })
        })
        .collect();
    let results: Vec<(u16, Value)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let created = results.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(created, 1, "{results:?}");
    for (status, body) in results.iter().filter(|(s, _)| *s != 201) {
        assert_eq!(*status, 422, "{body}");
        assert_eq!(body["message"], "Nonce not found or expired.");
    }
}

#[test]
fn fifty_concurrent_expiries_and_calls_neither_deadlock_nor_fail() {
    let server = Serve::start(&[]);
    let app_id = server.health()["app_id"].as_str().unwrap().to_owned();
    let mut sessions = Vec::new();
    for _ in 0..5 {
        let token = sample_token(&server.url, "alice", &nonce(&server.url));
        let (status, body) = post_session(&server.url, &app_id, &token);
        assert_eq!(status, 201, "{body}");
        sessions.push(body["session_token"].as_str().unwrap().to_owned());
    }
    let threads: Vec<_> = (0..50)
        .map(|i| {
            let (url, session) = (server.url.clone(), sessions[i % 5].clone());
            std::thread::spawn(move || {
                if i % 2 == 0 {
                    call(
                        &url,
                        "POST",
                        "/_emulator/expire",
                        &[],
                        Some(r#"{"user":"alice"}"#),
                    )
                    .0
                } else {
                    let auth = format!("Layer session-token=\"{session}\"");
                    call(
                        &url,
                        "GET",
                        "/conversations",
                        &[("Accept", ACCEPT), ("Authorization", &auth)],
                        None,
                    )
                    .0
                }
            })
        })
        .collect();
    for (i, thread) in threads.into_iter().enumerate() {
        let status = thread.join().unwrap();
        let expected: &[u16] = if i % 2 == 0 { &[200] } else { &[200, 401] };
        assert!(expected.contains(&status), "call {i}: {status}");
    }
    assert_eq!(
        call(&server.url, "POST", "/nonces", &[("Accept", ACCEPT)], None).0,
        201
    );
}

#[test]
fn sigterm_with_a_half_sent_request_open_exits_0_promptly() {
    let server = Serve::start(&[]);
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut half = TcpStream::connect(&address).unwrap();
    half.write_all(b"POST /nonces HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/vnd.la")
        .unwrap();
    let mut idle = TcpStream::connect(&address).unwrap();
    idle.write_all(b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut answer = [0u8; 64];
    let _ = idle.read(&mut answer);
    assert!(
        answer.starts_with(b"HTTP/1.1 204"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // The idle keep-alive and the half-sent head are both still open.
    assert_eq!(server.terminate(Duration::from_secs(10)), Some(0));
}

/// 16,000 calls on one keep-alive connection with Python's http.client, each within 5 s.
const MANY_CALLS: &str = r#"
import http.client, sys
c = http.client.HTTPConnection(sys.argv[1], timeout=5)
for i in range(int(sys.argv[2])):
    c.request("POST", "/nonces", None, {"Accept": "application/vnd.layer+json; version=1.0"})
    r = c.getresponse(); r.read()
    assert r.status == 201, (i, r.status)
print("ok")
"#;

/// SIGTERM to `child`, and its exit status (waiting at most `limit`; `None` after).
fn terminate(child: &mut Child, limit: Duration) -> Option<i32> {
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// `serve --listen 127.0.0.1:0 ARGS…` with stderr piped and not read (yet), and its address.
fn serve_with_unread_stderr(args: &[&str]) -> (Child, String) {
    let mut child = layer_auth()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let address = url.trim().trim_start_matches("http://").to_owned();
    (child, address)
}

#[test]
fn a_stderr_nobody_reads_stalls_no_request_and_the_lines_it_lost_are_counted() {
    // A harness that pipes serve's stderr and never reads it: the pipe holds about a
    // thousand request lines, the log's queue 8,192 more, and 16,000 calls overflow both.
    let (mut child, address) = serve_with_unread_stderr(&[]);
    assert_eq!(python(MANY_CALLS, &[&address, "16000"]).trim(), "ok");

    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut log = String::new();
        let _ = pipe.read_to_string(&mut log);
        log
    });
    assert_eq!(
        terminate(&mut child, Duration::from_secs(10)),
        Some(0),
        "serve stopped"
    );
    let log = reader.join().unwrap();
    let logged = log
        .lines()
        .filter(|l| l.starts_with("POST /nonces 201 "))
        .count();
    let unlogged: usize = log
        .lines()
        .filter_map(|l| l.strip_prefix("warning: "))
        .filter_map(|l| l.split_once(" request line(s) not logged: stderr took them slower"))
        .map(|(n, _)| n.parse::<usize>().unwrap())
        .sum();
    assert!(unlogged > 0, "{}", &log[log.len().saturating_sub(2000)..]);
    assert_eq!(logged + unlogged, 16_000, "every call logged or counted");
}

#[test]
fn sigterm_stops_serve_and_its_command_though_nobody_reads_its_full_stderr() {
    // The log thread blocks writing to the full pipe, holding stderr's lock: the warning
    // about the stopped command must not wait behind it for ever.
    let (mut child, address) = serve_with_unread_stderr(&["--", "sleep", "100"]);
    assert_eq!(python(MANY_CALLS, &[&address, "3000"]).trim(), "ok");
    let status = terminate(&mut child, Duration::from_secs(15));
    let _ = child.kill();
    assert_eq!(status, Some(1), "serve did not stop with its stderr full");
}

/// serve with a non-blocking stderr pipe (another process sharing it may have made it
/// one): 3,000 calls while nobody reads it, so that its writes fail with EAGAIN, then 300
/// with 60 KB paths while it is read. A JSON summary of the log.
const NONBLOCKING_STDERR: &str = r#"
import http.client, json, os, signal, subprocess, sys, threading
r, w = os.pipe(); os.set_blocking(w, False)
env = {k: v for k, v in os.environ.items() if not k.startswith("LAYER_")}
p = subprocess.Popen([sys.argv[1], "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
    stderr=w, env=env)
os.close(w)
address = p.stdout.readline().decode().strip().replace("http://", "")
c = http.client.HTTPConnection(address, timeout=5)
def go(n, method, path):
    for i in range(n):
        c.request(method, path, None, {"Accept": "application/vnd.layer+json; version=1.0"})
        c.getresponse().read()
go(3000, "POST", "/nonces")
chunks = []
def read():
    while True:
        b = os.read(r, 65536)
        if not b: break
        chunks.append(b)
t = threading.Thread(target=read); t.start()
go(300, "GET", "/x" + "a" * 60000)
p.send_signal(signal.SIGTERM); rc = p.wait(10); t.join(10)
lines = b"".join(chunks).decode().splitlines()
long = [l for l in lines if l.startswith("GET /xaaa")]
print(json.dumps({"rc": rc, "nonces": sum(l.startswith("POST /nonces 201 ") for l in lines),
    "long": len(long), "longest": max(map(len, long), default=0),
    "unlogged": sum(int(l.split()[1]) for l in lines if l.startswith("warning: ") and "not logged" in l)}))
"#;

#[test]
fn a_full_non_blocking_stderr_pauses_the_log_and_long_paths_are_cut_in_it() {
    let bin = env!("CARGO_BIN_EXE_layer-auth");
    let summary: Value = serde_json::from_str(&python(NONBLOCKING_STDERR, &[bin])).unwrap();
    assert_eq!(summary["rc"], 0, "{summary}");
    // The log took up again once stderr was read: every long-path call is in it.
    assert_eq!(summary["long"], 300, "{summary}");
    let longest = summary["longest"].as_u64().unwrap();
    assert!(longest < 1024, "a 60 KB path is cut in the log: {summary}");
    let nonces = summary["nonces"].as_u64().unwrap() + summary["unlogged"].as_u64().unwrap();
    assert_eq!(nonces, 3000, "every call logged or counted: {summary}");
}

/// The status `GET /conversations` gets with `Authorization: auth`.
fn conversations_with(base: &str, auth: &str) -> u16 {
    let headers = [("Accept", ACCEPT), ("Authorization", auth)];
    call(base, "GET", "/conversations", &headers, None).0
}

#[test]
fn a_seeded_server_restarted_from_its_state_draws_on_rather_than_again() {
    // serve --seed N --state F, restarted: a session token deleted before the restart must
    // not come back, as someone else's session.
    let dir = tempdir();
    let state = dir.path().join("state.json");
    let app = "layer:///apps/staging/x";
    let args = [
        "--seed",
        "7",
        "--app-id",
        app,
        "--state",
        crate::util::path(&state),
    ];
    let sign_in = |url: &str, user: &str| {
        let token = sample_token(url, user, &nonce(url));
        let (status, body) = post_session(url, app, &token);
        assert_eq!(status, 201, "{body}");
        (body["session_token"].as_str().unwrap().to_owned(), token)
    };
    let first = Serve::start(&args);
    let (alices, _) = sign_in(&first.url, "alice");
    let auth = format!("Layer session-token=\"{alices}\"");
    let (status, _, _) = call(
        &first.url,
        "DELETE",
        &format!("/sessions/{alices}"),
        &[("Accept", ACCEPT), ("Authorization", &auth)],
        None,
    );
    assert_eq!(status, 204);
    // Long enough that the next start forgets alice's nonce and session altogether.
    let (status, _, _) = call(
        &first.url,
        "POST",
        "/_emulator/clock",
        &[],
        Some(r#"{"advance":"2h"}"#),
    );
    assert_eq!(status, 200);
    assert_eq!(first.terminate(Duration::from_secs(10)), Some(0));
    let second = Serve::start(&args);
    let (bobs, _) = sign_in(&second.url, "bob");
    assert_ne!(bobs, alices, "a token drawn before the restart came back");
    let status = conversations_with(&second.url, &auth);
    assert_eq!(status, 401, "alice's deleted session opens nothing");
}

#[test]
fn a_restarted_server_with_state_honours_its_sessions_and_refuses_used_nonces() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let state = dir.path().join("state.json");
    let args = |state: &std::path::Path| -> Vec<String> {
        vec![
            "--key".into(),
            key.display().to_string(),
            "--key-id".into(),
            KEY_ID.into(),
            "--provider-id".into(),
            PROVIDER_ID.into(),
            "--app-id".into(),
            "layer:///apps/staging/x".into(),
            "--state".into(),
            state.display().to_string(),
        ]
    };
    let first_args = args(&state);
    let first = Serve::start(&first_args.iter().map(String::as_str).collect::<Vec<_>>());
    let token = sample_token(&first.url, "alice", &nonce(&first.url));
    let (status, body) = post_session(&first.url, "layer:///apps/staging/x", &token);
    assert_eq!(status, 201, "{body}");
    let session = body["session_token"].as_str().unwrap().to_owned();
    assert_eq!(first.terminate(Duration::from_secs(10)), Some(0));
    assert!(state.exists());
    let second = Serve::start(&first_args.iter().map(String::as_str).collect::<Vec<_>>());
    let auth = format!("Layer session-token=\"{session}\"");
    let status = conversations_with(&second.url, &auth);
    assert_eq!(status, 200, "the session survived the restart");
    let (status, body) = post_session(&second.url, "layer:///apps/staging/x", &token);
    assert_eq!(
        (status, body["message"].as_str()),
        (422, Some("Nonce not found or expired."))
    );
    let (_, _, attempts) = call(&second.url, "GET", "/_emulator/attempts", &[], None);
    assert_eq!(attempts.as_array().unwrap().len(), 2, "{attempts}");
}

#[test]
fn a_state_file_in_a_missing_directory_is_refused_before_serving() {
    let dir = tempdir();
    let state = dir.path().join("no-such-dir").join("state.json");
    let state = state.display().to_string();
    // `-- true` would end a server that started at once; it must not start at all.
    let r = layer(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--state",
        &state,
        "--",
        "true",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "no URL printed: {r:?}");
    assert!(
        r.stderr.contains("cannot write the state file beside")
            && r.stderr.contains("saves its state there when it stops"),
        "{r:?}"
    );
}

#[test]
fn bad_input_gets_a_layer_envelope_and_the_server_keeps_answering() {
    let server = Serve::start(&[]);
    let url = &server.url;
    let json_accept = [("Accept", ACCEPT), ("Content-Type", "application/json")];
    let big = format!(
        "{{\"identity_token\":\"{}\",\"app_id\":\"a\"}}",
        "x".repeat(70_000)
    );
    type Case<'a> = (
        &'a str,
        &'a str,
        Vec<(&'a str, &'a str)>,
        Option<String>,
        u16,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "POST",
            "/sessions",
            json_accept.to_vec(),
            Some(big),
            413,
            "request_too_large",
        ),
        (
            "POST",
            "/sessions",
            json_accept.to_vec(),
            Some("not json".into()),
            400,
            "invalid_request",
        ),
        (
            "POST",
            "/sessions",
            json_accept.to_vec(),
            Some(r#"{"identity_token":5,"app_id":"a"}"#.into()),
            422,
            "invalid_property",
        ),
        (
            "POST",
            "/sessions",
            json_accept.to_vec(),
            Some("{}".into()),
            422,
            "invalid_property",
        ),
        (
            "POST",
            "/sessions",
            vec![],
            Some("{}".into()),
            406,
            "invalid_header",
        ),
        (
            "POST",
            "/nonces",
            vec![("Accept", "application/json")],
            None,
            406,
            "invalid_header",
        ),
        ("GET", "/nope", vec![], None, 404, "not_found"),
        (
            "PUT",
            "/nonces",
            vec![("Accept", ACCEPT)],
            None,
            405,
            "method_not_allowed",
        ),
        (
            "GET",
            "/identities/nobody",
            vec![("Accept", ACCEPT)],
            None,
            401,
            "authentication_required",
        ),
    ];
    for (method, path, headers, body, status, id) in cases {
        let (got, response_headers, answer) = call(url, method, path, &headers, body.as_deref());
        assert_eq!(
            (got, answer["id"].as_str()),
            (status, Some(id)),
            "{method} {path}: {answer}"
        );
        assert_eq!(
            header(&response_headers, "content-type"),
            Some("application/json"),
            "{method} {path}"
        );
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    // Headers past the limit are refused by the HTTP stack, and the server lives on.
    let address = url.trim_start_matches("http://");
    let mut huge = TcpStream::connect(address).unwrap();
    let _ = write!(
        huge,
        "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
        "y".repeat(200_000)
    );
    let mut answer = Vec::new();
    let _ = huge.read_to_end(&mut answer);
    assert!(
        answer.starts_with(b"HTTP/1.1 431"),
        "{}",
        String::from_utf8_lossy(&answer[..answer.len().min(80)])
    );
    // A slow client holding a half-sent head does not block anyone else.
    let mut slow = TcpStream::connect(address).unwrap();
    slow.write_all(b"POST /sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{")
        .unwrap();
    assert_eq!(
        call(url, "POST", "/nonces", &[("Accept", ACCEPT)], None).0,
        201
    );
    drop(slow);
}

#[test]
fn browsers_get_cors_with_the_origin_echoed_and_credentials_allowed() {
    let server = Serve::start(&[]);
    let origin = ("Origin", "http://app.example:3000");
    let preflight = [
        origin,
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "accept, content-type, authorization, client-id, layer-xdk-version",
        ),
    ];
    let (status, headers, _) = call(&server.url, "OPTIONS", "/sessions", &preflight, None);
    assert!((200..300).contains(&status), "{status}");
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://app.example:3000")
    );
    assert_eq!(
        header(&headers, "access-control-allow-credentials"),
        Some("true")
    );
    let allowed = header(&headers, "access-control-allow-headers").unwrap();
    // The Web SDK sends client-id and layer-xdk-version on every call (tests/cli/websdk.rs).
    for name in [
        "accept",
        "content-type",
        "authorization",
        "client-id",
        "layer-xdk-version",
    ] {
        assert!(allowed.contains(name), "{allowed}");
    }
    let (_, headers, _) = call(
        &server.url,
        "POST",
        "/nonces",
        &[origin, ("Accept", ACCEPT)],
        None,
    );
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://app.example:3000")
    );
    let exposed = header(&headers, "access-control-expose-headers").unwrap();
    assert!(
        exposed.contains("link") && exposed.contains("layer-count"),
        "{exposed}"
    );
    assert!(header(&headers, "vary").unwrap().contains("origin"));
}

#[test]
fn the_web_sdks_base_url_prefix_is_taken_off_the_path() {
    let server = Serve::start(&[]);
    let path = format!("/{}/ping", server.url);
    assert_eq!(call(&server.url, "GET", &path, &[], None).0, 204);
    let elsewhere = "/http://elsewhere.example/ping";
    assert_eq!(call(&server.url, "GET", elsewhere, &[], None).0, 404);
    let (status, headers, _) = call(&server.url, "GET", "/", &[], None);
    assert_eq!(status, 200);
    let link = header(&headers, "link").unwrap();
    assert!(
        link.contains(&format!("<{}/nonces>; rel=nonces", server.url)),
        "{link}"
    );
}

#[test]
fn an_injected_delay_slows_the_next_call_and_then_answers_it_or_fails_it() {
    let server = Serve::start(&[]);
    let url = &server.url;
    let arm = |body: &str| call(url, "POST", "/_emulator/faults", &[], Some(body)).0;
    let timed = || {
        let started = Instant::now();
        let (status, _, body) = call(url, "POST", "/nonces", &[("Accept", ACCEPT)], None);
        (status, body, started.elapsed())
    };
    // A delay alone: the call is slowed, then answered as usual.
    assert_eq!(arm(r#"{"route":"POST /nonces","delay":"300ms"}"#), 201);
    let (status, body, took) = timed();
    assert_eq!(status, 201, "{body}");
    assert!(body["nonce"].is_string(), "{body}");
    assert!(took >= Duration::from_millis(300), "{took:?}");
    // With a status too: slowed, then failed in the envelope, nonce-less.
    assert_eq!(
        arm(r#"{"route":"POST /nonces","delay":"300ms","status":503}"#),
        201
    );
    let (status, body, took) = timed();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["id"], "service_unavailable", "{body}");
    assert!(took >= Duration::from_millis(300), "{took:?}");
    // Each fault was used up: the next call is neither slowed nor failed.
    let (status, body, _) = timed();
    assert_eq!(status, 201, "{body}");
    // A delayed call still needs its Accept header, checked first.
    assert_eq!(arm(r#"{"route":"POST /nonces","delay":"300ms"}"#), 201);
    assert_eq!(call(url, "POST", "/nonces", &[], None).0, 406);
    assert_eq!(timed().0, 201);
}

#[test]
fn serve_is_strict_like_the_service_about_kid_iss_and_time() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let server = Serve::start(&[
        "--key",
        key.to_str().unwrap(),
        "--key-id",
        KEY_ID,
        "--provider-id",
        PROVIDER_ID,
        "--app-id",
        "layer:///apps/staging/x",
    ]);
    for (cmd, reason) in [
        (
            vec![
                "--provider-id",
                "layer:///providers/00000000-0000-4000-8000-000000000000",
            ],
            "eit_provider_not_found",
        ),
        (
            vec![
                "--key-id",
                "layer:///keys/00000000-0000-4000-8000-000000000000",
            ],
            "eit_key_not_found",
        ),
        (vec!["--now", "-11m"], "eit_expired"),
        (vec!["--now", "+30s"], "eit_not_before"),
    ] {
        let n = nonce(&server.url);
        let mut extra = cmd.clone();
        if !cmd.contains(&"--provider-id") {
            extra.extend(["--provider-id", PROVIDER_ID]);
        }
        if !cmd.contains(&"--key-id") {
            extra.extend(["--key-id", KEY_ID]);
        }
        let token = {
            let mut cmd = layer_auth();
            cmd.args([
                "sign",
                "--key",
                key.to_str().unwrap(),
                "--nonce",
                &n,
                "--user",
                "alice",
            ])
            .args(&extra);
            outcome_of(&mut cmd, None).stdout.trim().to_owned()
        };
        let (status, body) = post_session(&server.url, "layer:///apps/staging/x", &token);
        assert_eq!(status, 422, "{reason}: {body}");
        assert_eq!(body["data"]["reason"], reason, "{body}");
        assert!(
            !body["message"].as_str().unwrap().contains("--"),
            "no flags: {body}"
        );
    }
    let log = server.log_with(&["POST /sessions 422 "]);
    assert!(log.contains("POST /sessions 422 "), "{log}");
}

#[test]
fn faults_clock_and_the_attempt_log_are_there_for_tests() {
    let server = Serve::start(&["--log-format", "json"]);
    let app_id = server.health()["app_id"].as_str().unwrap().to_owned();
    let url = &server.url;
    let fault = r#"{"route":"POST /sessions","status":503,"times":1}"#;
    assert_eq!(
        call(url, "POST", "/_emulator/faults", &[], Some(fault)).0,
        201
    );
    let token = sample_token(url, "alice", &nonce(url));
    let (status, body) = post_session(url, &app_id, &token);
    assert_eq!(
        (status, body["id"].as_str(), body["code"].as_i64()),
        (503, Some("service_unavailable"), Some(1))
    );
    let (status, _) = post_session(url, &app_id, &token);
    assert_eq!(status, 201, "the fault used no nonce up");
    let stale = sample_token(url, "bob", &nonce(url));
    let (status, _, body) = call(
        url,
        "POST",
        "/_emulator/clock",
        &[],
        Some(r#"{"advance":"11m"}"#),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = post_session(url, &app_id, &stale);
    assert_eq!(status, 422, "{body}");
    let (_, _, log) = call(url, "GET", "/_emulator/attempts", &[], None);
    let log = log.as_array().unwrap();
    assert_eq!(
        log.len(),
        2,
        "the faulted call never reached the service: {log:?}"
    );
    assert_eq!(log[0]["accepted"], true);
    assert_eq!(log[1]["user"], "bob");
    assert_eq!(log[1]["reason"], "eit_expired");
    assert_eq!(log[1]["report"]["failed"], json!(["eit_expired"]));
    let (_, _, later) = call(url, "GET", "/_emulator/attempts?since=1", &[], None);
    assert_eq!(later.as_array().unwrap().len(), 1);
    let (_, _, nonces) = call(url, "GET", "/_emulator/nonces", &[], None);
    assert!(
        nonces
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["state"] == "used"),
        "{nonces}"
    );
    assert_eq!(call(url, "DELETE", "/_emulator/state", &[], None).0, 204);
    let (_, _, empty) = call(url, "GET", "/_emulator/attempts", &[], None);
    assert_eq!(empty, json!([]));
    let log = server.log_with(&["\"DELETE\""]);
    let line = log
        .lines()
        .find(|l| l.contains("\"/sessions\"") && l.contains("503"))
        .unwrap();
    let event: Value = serde_json::from_str(line).unwrap();
    assert_eq!(event["method"], "POST");
}

#[test]
fn with_only_public_keys_there_is_no_sample_backend_and_it_says_why() {
    let server = Serve::start(&[
        "--public-key",
        fixture("keys/rsa2048-spki.pem").to_str().unwrap(),
        "--key-id",
        KEY_ID,
    ]);
    let (status, _, body) = call(
        &server.url,
        "POST",
        "/authenticate",
        &[],
        Some(r#"{"user_id":"a","nonce":"n"}"#),
    );
    assert_eq!(status, 404);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("no sample backend"),
        "{body}"
    );
    assert_eq!(server.health()["key_ids"], json!([KEY_ID]));
}

#[test]
fn the_dashboard_is_served_with_a_strict_csp_and_no_dashboard_turns_it_off() {
    let server = Serve::start(&[]);
    let (status, headers, _) = call(
        &server.url,
        "GET",
        "/",
        &[("Accept", "text/html,*/*")],
        None,
    );
    assert_eq!(
        (status, header(&headers, "location")),
        (302, Some("/dashboard"))
    );
    let (status, headers, _) = call(&server.url, "GET", "/dashboard", &[], None);
    assert_eq!(status, 200);
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let csp = header(&headers, "content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    for asset in ["/dashboard/app.js", "/dashboard/app.css"] {
        assert_eq!(call(&server.url, "GET", asset, &[], None).0, 200, "{asset}");
    }
    let body = r#"{"token":"  \"Bearer a.b\"  ","user":"alice"}"#;
    let (status, _, answer) = call(&server.url, "POST", "/_emulator/validate", &[], Some(body));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["stripped"],
        json!(["whitespace", "quotes", "a Bearer prefix"])
    );
    assert_eq!(
        answer["report"]["failed"],
        json!(["eit_wrong_jws_part_count"])
    );
    let off = Serve::start(&["--no-dashboard"]);
    assert_eq!(call(&off.url, "GET", "/dashboard", &[], None).0, 404);
    let (status, headers, _) = call(&off.url, "GET", "/", &[("Accept", "text/html")], None);
    assert_eq!(status, 200, "no redirect without a dashboard");
    assert!(header(&headers, "link").is_some());
    assert_eq!(
        call(&off.url, "POST", "/nonces", &[("Accept", ACCEPT)], None).0,
        201
    );
}

// ---- what a web page or a hostile client could make of it ----

#[test]
fn the_sample_backend_signs_only_over_a_nonce_this_service_issued() {
    let server = Serve::start(&[]);
    let body = r#"{"user_id":"ceo","nonce":"a-nonce-from-the-real-layer-service"}"#;
    let (status, _, answer) = call(&server.url, "POST", "/authenticate", &[], Some(body));
    assert_eq!(
        (status, answer["data"]["property"].as_str()),
        (422, Some("nonce")),
        "{answer}"
    );
    let issued = nonce(&server.url);
    let token = sample_token(&server.url, "alice", &issued);
    let app_id = server.health()["app_id"].as_str().unwrap().to_owned();
    assert_eq!(post_session(&server.url, &app_id, &token).0, 201);
    let again = json!({"user_id": "alice", "nonce": issued}).to_string();
    assert_eq!(
        call(&server.url, "POST", "/authenticate", &[], Some(&again)).0,
        422,
        "a used nonce"
    );
}

#[test]
fn other_origins_get_no_cors_on_control_routes_and_control_bodies_must_be_json() {
    let server = Serve::start(&[]);
    let origin = ("Origin", "https://evil.example");
    // No CORS header of any kind, not even on the preflight, which the route answers like
    // any other request it does not take: 405 (404 for a path that is no route).
    let no_cors = |headers: &[(String, String)], what: &str| {
        for (name, value) in headers {
            let is_cors =
                name.starts_with("access-control-") || (name == "vary" && value.contains("origin"));
            assert!(!is_cors, "{what}: {name}: {value}");
        }
    };
    let routes = [
        ("/_emulator/clock", 405),
        ("/_emulator/sessions", 405),
        ("/_emulator/nonces", 405), // a control route named like an API one
        ("/authenticate", 405),
        ("/dashboard", 405),
        ("/no-such-route", 404),
    ];
    for (path, refused) in routes {
        let preflight = [
            origin,
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ];
        let (status, headers, answer) = call(&server.url, "OPTIONS", path, &preflight, None);
        assert_eq!(status, refused, "OPTIONS {path}: {answer}");
        assert!(answer["id"].is_string(), "OPTIONS {path}: {answer}");
        no_cors(&headers, &format!("OPTIONS {path}"));
        let (_, headers, _) = call(&server.url, "GET", path, &[origin], None);
        no_cors(&headers, &format!("GET {path}"));
    }
    let plain = [("Content-Type", "text/plain")];
    let (status, _, answer) = call(
        &server.url,
        "POST",
        "/_emulator/clock",
        &plain,
        Some(r#"{"advance":"1m"}"#),
    );
    assert_eq!(
        (status, answer["id"].as_str()),
        (415, Some("unsupported_media_type"))
    );
}

#[test]
fn on_loopback_a_rebound_host_name_is_refused() {
    let server = Serve::start(&[]);
    let (status, _, answer) = call(
        &server.url,
        "GET",
        "/ping",
        &[("Host", "attacker.example")],
        None,
    );
    assert_eq!(
        (status, answer["id"].as_str()),
        (421, Some("misdirected_request")),
        "{answer}"
    );
    let port = server.url.rsplit(':').next().unwrap().to_owned();
    let (status, _, _) = call(
        &server.url,
        "GET",
        "/ping",
        &[("Host", &format!("localhost:{port}"))],
        None,
    );
    assert_eq!(status, 204);
}

#[test]
fn no_number_of_clock_moves_takes_the_service_down() {
    let server = Serve::start(&[]);
    for _ in 0..5 {
        let (status, _, _) = call(
            &server.url,
            "POST",
            "/_emulator/clock",
            &[],
            Some(r#"{"advance":"36500d"}"#),
        );
        assert_eq!(status, 200);
    }
    assert_eq!(
        call(&server.url, "POST", "/nonces", &[("Accept", ACCEPT)], None).0,
        201
    );
    assert!(
        !server.stderr().contains("internal error"),
        "{}",
        server.stderr()
    );
}

#[test]
fn the_attempt_log_is_served_a_page_at_a_time() {
    let server = Serve::start(&[]);
    let app_id = server.health()["app_id"].as_str().unwrap().to_owned();
    for _ in 0..130 {
        assert_eq!(post_session(&server.url, &app_id, "not.a.token").0, 422);
    }
    let (_, _, first) = call(&server.url, "GET", "/_emulator/attempts", &[], None);
    let first = first.as_array().unwrap();
    assert_eq!(first.len(), 100);
    let last = first.last().unwrap()["seq"].as_u64().unwrap();
    let (_, _, rest) = call(
        &server.url,
        "GET",
        &format!("/_emulator/attempts?since={last}"),
        &[],
        None,
    );
    assert_eq!(rest.as_array().unwrap().len(), 30);
}

#[test]
fn the_log_escapes_what_clients_send_and_the_banner_hides_key_material() {
    // A PEM is refused as an app id before serve starts (tests/cli/secrets.rs); a run of
    // random-looking base64 too short for that is still hidden in the banner.
    let pem = std::fs::read_to_string(fixture("keys/rsa2048-pkcs8.pem")).unwrap();
    let secret: String = pem.lines().nth(3).unwrap().chars().take(100).collect();
    let server = Serve::start(&["--log-format", "json", "--app-id", &secret]);
    let _ = call(&server.url, "GET", "/%E2%80%AE%C2%85x", &[], None);
    let log = server.log_with(&["\"status\":404"]);
    let raw: Vec<char> = log
        .chars()
        .filter(|c| *c != '\n' && layer_auth::output::is_unsafe(*c))
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in {log}");
    assert!(log.contains("characters hidden: key material?"), "{log}");
    assert!(!log.contains(&secret[..40]), "{log}");
}

#[test]
fn a_token_whose_claims_nest_to_the_limit_is_logged_and_served_without_taking_serve_down() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    // 127 levels in all, which the strict parser accepts; inside a report (and a page of
    // attempts) the claims sit two levels deeper than serde_json will read back.
    let claims = format!(
        r#"{{"prn":"alice","m":{}{}}}"#,
        "[".repeat(126),
        "]".repeat(126)
    );
    let token = format!(
        "{}.{}.AAAA",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let server = Serve::start(&[]);
    let app_id = server.health()["app_id"].as_str().unwrap().to_owned();
    assert_eq!(post_session(&server.url, &app_id, &token).0, 422);
    for _ in 0..2 {
        let (status, headers, _) = call(&server.url, "GET", "/_emulator/attempts", &[], None);
        assert_eq!(status, 200, "{headers:?}");
    }
    let body = json!({ "token": token }).to_string();
    let (status, _, _) = call(&server.url, "POST", "/_emulator/validate", &[], Some(&body));
    assert_eq!(status, 200);
    assert_eq!(server.health()["ready"], json!(true), "serve is still up");
}
