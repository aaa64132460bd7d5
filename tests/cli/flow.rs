//! `layer-auth flow`: the authentication sequence of SPEC §2 end to end, with the embedded
//! service and signer, with the user's key, and against a real backend over HTTP (a
//! `tiny_http` server in this file that signs tokens with the fixture key, as a backend would).

use std::io::{Read as _, Write as _};
use std::net::TcpListener;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use layer_auth::keys::{SigningKey, WeakKeys};
use layer_auth::token::{TokenRequest, Typ, sign};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::util::{
    IDS, KEY_ID, Outcome, PROVIDER_ID, Report, fixture, hermetic, layer, layer_auth, outcome_of,
    private_key, tempdir,
};

// ---- the `--json` report, read strictly ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowJson {
    schema: u32,
    ok: bool,
    user: String,
    strict: bool,
    warnings: usize,
    not_checked: Vec<String>,
    steps: Vec<StepJson>,
    total_ms: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepJson {
    n: usize,
    step: String,
    phase: String,
    ok: bool,
    status: String,
    detail: String,
    elapsed_ms: f64,
    #[serde(default)]
    warnings: Vec<String>,
    #[serde(default)]
    not_checked: Vec<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    http: Vec<ExchangeJson>,
    #[serde(default)]
    report: Option<Report>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExchangeJson {
    method: String,
    target: String,
    status: u16,
    body: String,
}

impl FlowJson {
    fn names(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.step.as_str()).collect()
    }

    /// The first step named `name`.
    fn step(&self, name: &str) -> &StepJson {
        let found = self.steps.iter().find(|s| s.step == name);
        assert!(found.is_some(), "no {name} step in {self:#?}");
        found.unwrap()
    }

    /// The nonce `POST /nonces` issued, from the nonce_issued detail `nonce …`.
    fn first_nonce(&self) -> String {
        let detail = &self.step("nonce_issued").detail;
        let nonce = detail.strip_prefix("nonce ");
        assert!(nonce.is_some(), "detail {detail:?}");
        nonce.unwrap().to_owned()
    }

    /// The token validated, with the fixtures' Provider ID in `iss` and Key ID in `kid`.
    fn assert_signed_with_the_fixture_ids(&self) {
        let validated = self.step("token_validated").report.as_ref().unwrap();
        assert!(validated.valid);
        assert_eq!(
            validated.claims.as_ref().unwrap()["iss"],
            json!(PROVIDER_ID)
        );
        assert_eq!(validated.header.as_ref().unwrap()["kid"], json!(KEY_ID));
    }

    /// The nonce the challenge carried, from `… nonce N`.
    fn challenge_nonce(&self) -> String {
        let detail = &self.step("challenge_received").detail;
        let nonce = detail.rsplit_once("nonce ");
        assert!(nonce.is_some(), "detail {detail:?}");
        nonce.unwrap().1.trim().to_owned()
    }
}

/// The run ended with `code`, wrote one JSON object and a newline on stdout; parsed.
fn flow_json(r: &Outcome, code: i32) -> FlowJson {
    assert_eq!(r.code, code, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1, "one JSON line: {r:?}");
    assert!(r.stdout.ends_with('\n'), "{r:?}");
    serde_json::from_str(&r.stdout)
        .map_err(|e| format!("{e}: {r:?}"))
        .unwrap()
}

/// Exit 0, nothing on stdout, and a final `flow passed` line on stderr.
fn passed(r: &Outcome) {
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.is_empty(), "stdout carries only data: {r:?}");
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(last.contains("flow passed"), "{r:?}");
}

/// Exit 1, nothing on stdout, the step `step` (with spaces) marked ✗ with `reason` on its
/// line, and the verdict naming that step.
fn failed_at(r: &Outcome, step: &str, reason: &str) {
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.is_empty(), "stdout carries only data: {r:?}");
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains('✗') && l.contains(step) && !l.contains("flow failed"));
    assert!(line.is_some(), "no ✗ {step} line: {r:?}");
    let line = line.unwrap();
    assert!(
        line.contains(reason),
        "{reason:?} on the {step} line: {r:?}"
    );
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("flow failed") && last.contains(&format!("\"{step}\"")),
        "verdict names {step}: {r:?}"
    );
    assert!(!r.stderr.contains("flow passed"), "{r:?}");
    assert!(!r.stderr.contains("panicked"), "{r:?}");
}

/// The step lines of the human output (indented, marked ✓ or ✗), in order.
fn step_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("  ✓") || l.starts_with("  ✗"))
        .collect()
}

/// The first step line (see [`step_lines`]) that names `step` (with spaces).
fn step_line<'a>(stderr: &'a str, step: &str) -> &'a str {
    let line = step_lines(stderr).into_iter().find(|l| l.contains(step));
    assert!(line.is_some(), "no {step} line: {stderr}");
    line.unwrap()
}

// ---- a real backend on 127.0.0.1 ----

/// One request as the backend saw it.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    /// Names lower-cased.
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `user_id` and `nonce`, from a JSON body or a form body.
    fn fields(&self) -> (String, String) {
        let is_form = self
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if is_form {
            let form = form_fields(&self.body);
            let get = |name: &str| {
                form.iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            (get("user_id"), get("nonce"))
        } else {
            let body: Value = serde_json::from_str(&self.body).unwrap_or_default();
            let get = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
            (get("user_id"), get("nonce"))
        }
    }
}

/// `a=b&c=d` with `+` and `%XX` decoded.
fn form_fields(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// A backend listening on 127.0.0.1 in a thread of this process.
struct Backend {
    /// `http://127.0.0.1:PORT/authenticate`.
    url: String,
    seen: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Backend {
    /// Stops accepting and returns every request seen, in order.
    fn finish(self) -> Vec<Request> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().unwrap();
        let seen = self.seen.lock().unwrap();
        seen.clone()
    }
}

/// Most connections one backend serves: a flow asks at most twice (the challenge).
const MAX_CONNECTIONS: usize = 2;

/// Serves up to [`MAX_CONNECTIONS`] requests on 127.0.0.1 (tiny_http), answering each
/// with `handler`'s status and body, until [`Backend::finish`].
fn backend(handler: impl Fn(&Request) -> (u16, String) + Send + 'static) -> Backend {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/authenticate");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let (seen, stop) = (Arc::clone(&seen), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut served = 0;
            while served < MAX_CONNECTIONS && !stop.load(Ordering::SeqCst) {
                match server.recv_timeout(Duration::from_millis(20)) {
                    Ok(Some(request)) => {
                        served += 1;
                        answer(request, &handler, &seen);
                    }
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
        })
    };
    Backend {
        url,
        seen,
        stop,
        thread,
    }
}

/// Records one request and answers it with `handler`'s status and body.
fn answer(
    mut incoming: tiny_http::Request,
    handler: &impl Fn(&Request) -> (u16, String),
    seen: &Mutex<Vec<Request>>,
) {
    let mut body = String::new();
    let _ = incoming.as_reader().read_to_string(&mut body);
    let request = Request {
        method: incoming.method().to_string(),
        path: incoming.url().to_owned(),
        headers: incoming
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_owned(),
                )
            })
            .collect(),
        body,
    };
    seen.lock().unwrap().push(request.clone());
    let (status, body) = handler(&request);
    let content_type = if serde_json::from_str::<Value>(&body).is_ok() {
        "application/json"
    } else if body.starts_with('<') {
        "text/html"
    } else {
        "text/plain"
    };
    let header = tiny_http::Header::from_bytes("Content-Type", content_type).unwrap();
    let response = tiny_http::Response::from_string(body)
        .with_status_code(status)
        .with_header(header);
    let _ = incoming.respond(response);
}

fn unix_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// How a test backend signs: the fixture key file, and the claims it puts in.
#[derive(Clone)]
struct Signer {
    key: &'static str,
    /// `prn`; `None` = the posted user_id.
    user: Option<&'static str>,
    /// `nce`; `None` = the posted nonce.
    nonce: Option<&'static str>,
    /// Added to the current time for `iat`.
    iat_offset: i64,
    ttl: i64,
    /// `iss`; `None` = the fixtures' provider id.
    provider_id: Option<&'static str>,
    /// `kid`; `None` = the fixtures' key id.
    key_id: Option<&'static str>,
}

impl Default for Signer {
    fn default() -> Self {
        Self {
            key: "keys/rsa2048-pkcs8.pem",
            user: None,
            nonce: None,
            iat_offset: 0,
            ttl: 600,
            provider_id: None,
            key_id: None,
        }
    }
}

impl Signer {
    /// A token for the request's user_id and nonce (unless overridden).
    fn token(&self, request: &Request) -> String {
        let key =
            SigningKey::from_bytes(&std::fs::read(fixture(self.key)).unwrap(), WeakKeys::Refuse)
                .unwrap();
        let (user, nonce) = request.fields();
        let iat = unix_now() + self.iat_offset;
        let token_request = TokenRequest {
            key_id: self.key_id.unwrap_or(KEY_ID).to_owned(),
            typ: Typ::Jws,
            provider_id: self.provider_id.unwrap_or(PROVIDER_ID).to_owned(),
            user: self.user.map_or(user, str::to_owned),
            nonce: self.nonce.map_or(nonce, str::to_owned),
            issued_at: iat,
            expires_at: iat + self.ttl,
            extra: Map::new(),
        };
        sign(&token_request, &key).unwrap()
    }
}

/// A backend answering 200 `{"identity_token": …}` signed by `signer`.
fn signing_backend(signer: Signer) -> Backend {
    backend(move |request| {
        (
            200,
            json!({"identity_token": signer.token(request)}).to_string(),
        )
    })
}

/// `layer-auth flow --user alice --backend URL --public-key keys/rsa2048-spki.pem ARGS…`.
fn flow_backend(url: &str, args: &[&str]) -> Outcome {
    let spki = fixture("keys/rsa2048-spki.pem");
    outcome_of(
        layer_auth()
            .args(["flow", "--user", "alice", "--backend", url, "--public-key"])
            .arg(spki)
            .args(args),
        None,
    )
}

/// [`flow_backend`] against a backend signing with `signer`, stopped once the run is done.
fn flow_signed_by(signer: Signer, args: &[&str]) -> Outcome {
    let server = signing_backend(signer);
    let r = flow_backend(&server.url, args);
    let _ = server.finish();
    r
}

/// [`flow_backend`] against a backend answering with `handler`, stopped once the run is done.
fn flow_answered_by(
    handler: impl Fn(&Request) -> (u16, String) + Send + 'static,
    args: &[&str],
) -> Outcome {
    let server = backend(handler);
    let r = flow_backend(&server.url, args);
    let _ = server.finish();
    r
}

const STEPS: [&str; 6] = [
    "nonce_issued",
    "token_obtained",
    "token_validated",
    "authenticated",
    "replay_refused",
    "deauthenticated",
];

const CHALLENGE_STEPS: [&str; 11] = [
    "nonce_issued",
    "token_obtained",
    "token_validated",
    "authenticated",
    "replay_refused",
    "session_expired",
    "challenge_received",
    "token_obtained",
    "token_validated",
    "reauthenticated",
    "deauthenticated",
];

// ---- embedded service and signer ----

#[test]
fn flow_user_alice_embedded_exits_0_and_lists_six_steps_in_order_with_times_then_flow_passed() {
    let r = layer(&["flow", "--user", "alice"]);
    passed(&r);
    let lines = step_lines(&r.stderr);
    let names = [
        "nonce issued",
        "token obtained",
        "token validated",
        "authenticated",
        "replay refused",
        "deauthenticated",
    ];
    assert_eq!(lines.len(), names.len(), "{r:?}");
    for (line, name) in lines.iter().zip(names) {
        assert!(line.starts_with("  ✓"), "{line}: {r:?}");
        assert!(line.contains(name), "{name} in {line:?}: {r:?}");
        assert!(line.contains(" ms"), "a time on {line:?}");
    }
    assert!(lines[3].contains("\"alice\""), "{r:?}");
    let last = r.stderr.lines().last().unwrap();
    assert!(
        last.contains("flow passed") && last.contains("\"alice\""),
        "{r:?}"
    );
    assert!(!r.stderr.contains("challenge"), "{r:?}");
}

#[test]
fn flow_json_prints_one_object_with_ok_user_the_six_steps_in_order_and_total_ms() {
    let r = layer(&["flow", "--user", "alice", "--json"]);
    let report = flow_json(&r, 0);
    assert!(report.ok);
    assert_eq!(report.user, "alice");
    assert_eq!(report.names(), STEPS);
    for step in &report.steps {
        assert!(step.ok, "{step:?}");
        assert!(!step.detail.is_empty(), "{step:?}");
        assert!(step.elapsed_ms >= 0.0, "{step:?}");
        assert_eq!(
            step.report.is_some(),
            step.step == "token_validated",
            "only validation steps carry a report: {step:?}"
        );
    }
    let sum: f64 = report.steps.iter().map(|s| s.elapsed_ms).sum();
    assert!(
        report.total_ms >= sum,
        "total {} < sum {sum}",
        report.total_ms
    );
    let validated = report.step("token_validated").report.as_ref().unwrap();
    assert!(validated.valid);
    assert!(
        validated.checks.iter().all(|c| c.status != "fail"),
        "{validated:?}"
    );
    let claims = validated.claims.as_ref().unwrap();
    assert_eq!(claims["prn"], json!("alice"));
    assert_eq!(claims["nce"], json!(report.first_nonce()));
    // The human steps still went to stderr.
    assert!(r.stderr.contains("flow passed"), "{r:?}");
}

#[test]
fn flow_challenge_json_expires_the_session_and_re_authenticates_over_a_new_challenge_nonce() {
    let r = layer(&["flow", "--user", "alice", "--challenge", "--json"]);
    let report = flow_json(&r, 0);
    assert!(report.ok, "{report:#?}");
    assert_eq!(report.names(), CHALLENGE_STEPS);
    assert!(report.steps.iter().all(|s| s.ok), "{report:#?}");
    let challenge = &report.step("challenge_received").detail;
    assert!(challenge.contains("authentication_required"), "{challenge}");
    assert!(challenge.contains("code 4"), "{challenge}");
    let first = report.first_nonce();
    let second = report.challenge_nonce();
    assert!(!second.is_empty());
    assert_ne!(first, second, "the challenge brings a new nonce");
    // The second token was signed over exactly the challenge nonce.
    let reports: Vec<&Report> = report
        .steps
        .iter()
        .filter(|s| s.step == "token_validated")
        .map(|s| s.report.as_ref().unwrap())
        .collect();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].claims.as_ref().unwrap()["nce"], json!(first));
    assert_eq!(reports[1].claims.as_ref().unwrap()["nce"], json!(second));
    let last = r.stderr.lines().last().unwrap();
    assert!(
        last.contains("re-authenticated after the challenge"),
        "{r:?}"
    );
}

#[test]
fn flow_challenge_without_json_names_the_challenge_steps_on_stderr_and_nothing_on_stdout() {
    let r = layer(&["flow", "--user", "alice", "--challenge"]);
    passed(&r);
    let lines = step_lines(&r.stderr);
    assert_eq!(lines.len(), CHALLENGE_STEPS.len(), "{r:?}");
    for (line, name) in lines.iter().zip(CHALLENGE_STEPS) {
        assert!(line.contains(&name.replace('_', " ")), "{name}: {r:?}");
        assert!(line.contains(" ms"), "{line}");
    }
}

#[test]
fn flow_with_key_provider_id_and_key_id_signs_with_that_key_and_those_ids() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let mut cmd = layer_auth();
    cmd.args(["flow", "--user", "alice", "--key"])
        .arg(&key)
        .args(IDS);
    let r = outcome_of(&mut cmd, None);
    passed(&r);
    assert!(!r.stderr.contains("warning"), "{r:?}");
    assert!(r.stderr.contains("your key"), "{r:?}");

    let r = outcome_of(cmd.arg("--json"), None);
    let report = flow_json(&r, 0);
    report.assert_signed_with_the_fixture_ids();
}

#[test]
fn flow_reads_the_key_and_ids_from_layer_private_key_path_provider_id_and_key_id() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let mut cmd = layer_auth();
    cmd.env("LAYER_PRIVATE_KEY_PATH", &key)
        .env("LAYER_PROVIDER_ID", PROVIDER_ID)
        .env("LAYER_KEY_ID", KEY_ID)
        .args(["flow", "--user", "alice"]);
    let r = outcome_of(&mut cmd, None);
    passed(&r);
    assert!(r.stderr.contains("your key"), "{r:?}");

    let r = outcome_of(cmd.arg("--json"), None);
    let report = flow_json(&r, 0);
    assert_eq!(report.names(), STEPS);
    report.assert_signed_with_the_fixture_ids();
}

// ---- against a real backend ----

#[test]
fn flow_backend_posts_user_id_and_nonce_as_json_and_accepts_its_identity_token() {
    let server = signing_backend(Signer::default());
    let r = flow_backend(&server.url, &["--json"]);
    let report = flow_json(&r, 0);
    assert!(report.ok, "{r:?}");
    assert_eq!(report.names(), STEPS);
    let obtained = &report.step("token_obtained").detail;
    assert!(obtained.contains(&server.url), "{obtained}");
    let url = server.url.clone();
    let seen = server.finish();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    let request = &seen[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/authenticate", "{url}");
    assert!(
        request
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{request:?}"
    );
    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(
        body,
        json!({"user_id": "alice", "nonce": report.first_nonce()})
    );
    assert!(r.stderr.contains(&format!("backend {url}")), "{r:?}");
}

#[test]
fn flow_backend_without_json_exits_0_with_nothing_on_stdout() {
    let server = signing_backend(Signer::default());
    let r = flow_backend(&server.url, &[]);
    passed(&r);
    assert_eq!(step_lines(&r.stderr).len(), STEPS.len(), "{r:?}");
    assert_eq!(server.finish().len(), 1);
}

#[test]
fn flow_backend_answers_in_every_known_shape_are_accepted() {
    type Shape = fn(&str) -> String;
    let shapes: [(&str, Shape); 6] = [
        ("identity_token", |t| {
            json!({"identity_token": t}).to_string()
        }),
        ("layer_identity_token", |t| {
            json!({"layer_identity_token": t}).to_string()
        }),
        ("identityToken", |t| json!({"identityToken": t}).to_string()),
        ("token", |t| {
            json!({"token": t, "expires_in": 600}).to_string()
        }),
        ("a JSON string", |t| json!(t).to_string()),
        ("the bare token", |t| format!("{t}\n")),
    ];
    for (name, shape) in shapes {
        let signer = Signer::default();
        let server = backend(move |request| (200, shape(&signer.token(request))));
        let r = flow_backend(&server.url, &[]);
        assert_eq!(r.code, 0, "{name}: {r:?}");
        assert!(r.stdout.is_empty(), "{name}: {r:?}");
        assert!(r.stderr.contains("flow passed"), "{name}: {r:?}");
        assert_eq!(server.finish().len(), 1, "{name}");
    }
}

#[test]
fn flow_backend_form_posts_user_id_and_nonce_form_encoded() {
    let server = signing_backend(Signer::default());
    let r = flow_backend(&server.url, &["--form", "--json"]);
    let report = flow_json(&r, 0);
    assert!(report.ok, "{r:?}");
    let seen = server.finish();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    let request = &seen[0];
    assert!(
        request
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded")),
        "{request:?}"
    );
    assert_eq!(
        request.body,
        format!("user_id=alice&nonce={}", report.first_nonce())
    );
}

#[test]
fn flow_backend_form_encodes_a_user_id_with_spaces_and_symbols() {
    let server = signing_backend(Signer::default());
    let spki = fixture("keys/rsa2048-spki.pem");
    let user = "alice smith&co=1";
    let r = outcome_of(
        layer_auth()
            .args(["flow", "--user", user, "--backend", &server.url, "--form"])
            .arg("--public-key")
            .arg(spki),
        None,
    );
    passed(&r);
    let seen = server.finish();
    let form = form_fields(&seen[0].body);
    assert_eq!(form[0], ("user_id".to_owned(), user.to_owned()), "{seen:?}");
    assert!(!seen[0].body.contains(' '), "{seen:?}");
}

#[test]
fn flow_backend_challenge_asks_the_backend_twice_the_second_time_over_the_challenge_nonce() {
    let server = signing_backend(Signer::default());
    let r = flow_backend(&server.url, &["--challenge", "--json"]);
    let report = flow_json(&r, 0);
    assert!(report.ok, "{r:?}");
    assert_eq!(report.names(), CHALLENGE_STEPS);
    let seen = server.finish();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let nonces: Vec<String> = seen.iter().map(|r| r.fields().1).collect();
    assert_eq!(nonces[0], report.first_nonce());
    assert_eq!(nonces[1], report.challenge_nonce());
    assert_ne!(nonces[0], nonces[1]);
}

#[test]
fn flow_backend_that_answers_after_1_5s_with_a_fresh_token_passes() {
    let signer = Signer::default();
    let server = backend(move |request| {
        std::thread::sleep(Duration::from_millis(1500));
        (
            200,
            json!({"identity_token": signer.token(request)}).to_string(),
        )
    });
    let r = flow_backend(&server.url, &["--timeout", "5s"]);
    passed(&r);
    assert_eq!(server.finish().len(), 1);
}

// ---- a backend whose tokens are wrong ----

#[test]
fn flow_backend_signing_with_another_key_fails_token_validated_naming_the_signature() {
    let server = signing_backend(Signer {
        key: "keys/other2048-pkcs8.pem",
        ..Signer::default()
    });
    let r = flow_backend(&server.url, &[]);
    failed_at(&r, "token validated", "eit_signature_verification_failed");
    let _ = server.finish();
}

#[test]
fn flow_backend_signing_with_another_key_json_has_ok_false_and_the_failing_check() {
    let r = flow_signed_by(
        Signer {
            key: "keys/other2048-pkcs8.pem",
            ..Signer::default()
        },
        &["--json"],
    );
    let report = flow_json(&r, 1);
    assert!(!report.ok);
    assert_eq!(
        report.names(),
        ["nonce_issued", "token_obtained", "token_validated"],
        "the run stops at the failed step"
    );
    let step = report.step("token_validated");
    assert!(!step.ok);
    assert!(
        step.detail.contains("eit_signature_verification_failed"),
        "{step:?}"
    );
    let validated = step.report.as_ref().unwrap();
    assert!(!validated.valid);
    let check = validated
        .checks
        .iter()
        .find(|c| c.id == "eit_signature_verification_failed")
        .unwrap();
    assert_eq!(check.status, "fail", "{check:?}");
    assert!(!check.message.is_empty());
}

#[test]
fn flow_backend_signing_for_mallory_fails_token_validated_naming_user_matches() {
    let r = flow_signed_by(
        Signer {
            user: Some("mallory"),
            ..Signer::default()
        },
        &[],
    );
    failed_at(&r, "token validated", "user_matches");
    assert!(r.stderr.contains("mallory"), "{r:?}");
}

#[test]
fn flow_backend_signing_over_another_nonce_fails_token_validated_naming_eit_nonce_not_found() {
    let r = flow_signed_by(
        Signer {
            nonce: Some("not-the-nonce-the-service-issued"),
            ..Signer::default()
        },
        &[],
    );
    failed_at(&r, "token validated", "eit_nonce_not_found");
}

#[test]
fn flow_backend_signing_a_token_that_expired_an_hour_ago_fails_naming_eit_expired() {
    let r = flow_signed_by(
        Signer {
            iat_offset: -3600,
            ttl: 600,
            ..Signer::default()
        },
        &[],
    );
    failed_at(&r, "token validated", "eit_expired");
}

// ---- a backend that gives no token ----

#[test]
fn flow_backend_answering_500_boom_fails_token_obtained_with_the_status_and_the_body() {
    let r = flow_answered_by(|_| (500, "boom".to_owned()), &[]);
    failed_at(&r, "token obtained", "HTTP 500");
    let line = step_line(&r.stderr, "token obtained");
    assert!(line.contains("boom"), "{r:?}");
}

#[test]
fn flow_backend_answering_200_html_fails_saying_it_is_neither_json_nor_a_token() {
    let r = flow_answered_by(
        |_| (200, "<html><body>Sign in</body></html>".to_owned()),
        &[],
    );
    failed_at(&r, "token obtained", "neither JSON nor a token");
    assert!(r.stderr.contains("<html>"), "an excerpt: {r:?}");
}

#[test]
fn flow_backend_answering_json_without_a_token_member_names_the_members_it_has() {
    let r = flow_answered_by(|_| (200, r#"{"error":"x"}"#.to_owned()), &[]);
    failed_at(&r, "token obtained", "identity_token");
    let line = step_line(&r.stderr, "token obtained");
    assert!(line.contains("it has: \"error\""), "{r:?}");
}

#[test]
fn flow_backend_that_never_answers_fails_after_timeout_1s_saying_no_answer_within() {
    let server = backend(|_| {
        std::thread::sleep(Duration::from_secs(3));
        (200, String::new())
    });
    let started = std::time::Instant::now();
    let r = flow_backend(&server.url, &["--timeout", "1s"]);
    let took = started.elapsed();
    failed_at(&r, "token obtained", "no answer within");
    assert!(r.stderr.contains("1s"), "{r:?}");
    assert!(took < Duration::from_millis(2900), "gave up after {took:?}");
    // Not joined: the server thread is still asleep; it ends on its own.
    drop(server);
}

#[test]
fn flow_timeout_takes_a_fraction_of_a_second() {
    let server = backend(|_| {
        std::thread::sleep(Duration::from_secs(3));
        (200, String::new())
    });
    let r = flow_backend(&server.url, &["--timeout", "500ms"]);
    failed_at(&r, "token obtained", "no answer within 0.5s");
    drop(server);
}

#[test]
fn flow_backend_unreachable_fails_token_obtained_saying_cannot_connect() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/authenticate");
    let r = flow_backend(&url, &["--timeout", "5s"]);
    failed_at(&r, "token obtained", "cannot connect");
    assert!(r.stderr.contains(&url), "{r:?}");
}

// ---- usage ----

#[test]
fn flow_backend_without_public_key_or_key_exits_2_with_one_line_naming_public_key() {
    let r = layer(&[
        "flow",
        "--user",
        "alice",
        "--backend",
        "http://127.0.0.1:9/authenticate",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "one line: {r:?}");
    assert!(r.stderr.starts_with("error: "), "{r:?}");
    assert!(r.stderr.contains("--public-key"), "{r:?}");
}

#[test]
fn flow_refuses_a_backend_that_is_not_an_http_url_with_exit_2() {
    let r = flow_backend("not a url", &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("http:// or https://"), "{r:?}");
}

#[test]
fn flow_form_without_backend_is_a_usage_error_with_exit_2() {
    let r = layer(&["flow", "--user", "alice", "--form"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.starts_with("error: "), "{r:?}");
    assert!(r.stderr.contains("--backend"), "{r:?}");
}

#[test]
fn flow_with_an_empty_user_or_a_zero_timeout_is_an_input_error_with_exit_2() {
    for args in [
        &["flow", "--user", ""][..],
        &["flow", "--user", "alice", "--timeout", "0s"],
    ] {
        let r = layer(args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(r.stdout.is_empty(), "{r:?}");
        assert_eq!(r.stderr.lines().count(), 1, "one line: {r:?}");
    }
}

// ---- what a backend URL or answer can make flow show ----

#[test]
fn flow_backend_credentials_in_the_url_are_redacted_in_every_line_and_in_json() {
    let server = signing_backend(Signer::default());
    let port = server
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let url = format!("http://ci:hunter2secret@127.0.0.1:{port}/authenticate?api_key=TOPSECRETKEY");
    let r = flow_backend(&url, &["--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    for text in [&r.stdout, &r.stderr] {
        assert!(
            !text.contains("hunter2secret") && !text.contains("TOPSECRETKEY"),
            "{r:?}"
        );
    }
    assert!(
        r.stderr.contains(&format!(
            "backend http://***@127.0.0.1:{port}/authenticate?api_key=***"
        )),
        "{r:?}"
    );
    let _ = server.finish();
    let r = flow_backend(
        "http://u:hunter2secret@127.0.0.1:1/x?api_key=TOPSECRETKEY",
        &["--json"],
    );
    assert_eq!(r.code, 1, "{r:?}");
    for text in [&r.stdout, &r.stderr] {
        assert!(
            !text.contains("hunter2secret") && !text.contains("TOPSECRETKEY"),
            "{r:?}"
        );
    }
    let r = layer(&[
        "flow",
        "--user",
        "a",
        "--backend",
        "ftp://u:hunter2secret@h/",
        "--public-key",
        "k",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(!r.stderr.contains("hunter2secret"), "{r:?}");
}

#[test]
fn flow_refuses_urls_the_client_could_not_use_before_any_step() {
    for (flag, url) in [
        ("--backend", "http://:::"),
        ("--backend", "http://host:abc/authenticate"),
        ("--backend", "http:///authenticate"),
        ("--layer-url", "http://:80"),
        ("--layer-url", "localhost:7777"),
    ] {
        let mut args = vec!["flow", "--user", "a", flag, url];
        if flag == "--backend" {
            args.extend(["--public-key", "k"]);
        }
        let r = layer(&args);
        assert_eq!(r.code, 2, "{flag} {url}: {r:?}");
        assert!(
            r.stderr
                .contains("is not an http:// or https:// URL with a host"),
            "{flag} {url}: {r:?}"
        );
    }
}

#[test]
fn flow_backend_answer_with_terminal_escapes_is_shown_escaped() {
    let r = flow_answered_by(
        |_| {
            (
                500,
                "\r\u{1b}[2K✓ authenticated as \"admin\"\u{202e}\r\n".to_owned(),
            )
        },
        &["--color", "never"],
    );
    failed_at(&r, "token obtained", "HTTP 500");
    let raw: Vec<char> = r
        .stderr
        .chars()
        .filter(|c| *c != '\n' && layer_auth::output::is_unsafe(*c))
        .collect();
    assert!(raw.is_empty(), "raw {raw:?}: {r:?}");
    assert!(
        r.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("✗ flow failed"),
        "{r:?}"
    );
}

#[test]
fn flow_backend_answer_with_identity_token_twice_is_refused_by_name() {
    let r = flow_answered_by(
        |_| {
            (
                200,
                r#"{"identity_token":"a.b.c","identity_token":"d.e.f"}"#.to_owned(),
            )
        },
        &[],
    );
    failed_at(
        &r,
        "token obtained",
        "has the member \"identity_token\" twice",
    );
}

// ---- a green means what the service would say (issue 10) ----

const OTHER_PROVIDER: &str = "layer:///providers/00000000-0000-4000-8000-000000000000";

#[test]
fn flow_backend_signing_another_provider_id_with_no_ids_given_names_the_unmade_checks_and_fails_under_strict()
 {
    let signer = || Signer {
        provider_id: Some(OTHER_PROVIDER),
        ..Signer::default()
    };
    let r = flow_signed_by(signer(), &[]);
    passed(&r);
    let verdict = r.stderr.lines().last().unwrap();
    assert!(
        verdict.starts_with("✓ flow passed with 2 checks not made (iss, kid — pass --provider-id and --key-id, or set LAYER_PROVIDER_ID/LAYER_KEY_ID): authenticated as \"alice\""),
        "{r:?}"
    );
    let r = flow_signed_by(signer(), &["--strict"]);
    failed_at(&r, "token validated", "refused under strict checking");
    assert!(r.stderr.contains("iss, kid"), "{r:?}");
    let r = flow_signed_by(signer(), &IDS);
    failed_at(&r, "token validated", "eit_provider_not_found");
}

#[test]
fn flow_backend_with_the_ids_given_checks_kid_as_the_service_does() {
    let r = flow_signed_by(
        Signer {
            key_id: Some("layer:///keys/00000000-0000-4000-8000-000000000000"),
            ..Signer::default()
        },
        &IDS,
    );
    failed_at(&r, "token validated", "key_id_matches");
    let r = flow_signed_by(Signer::default(), &IDS);
    passed(&r);
    assert!(
        r.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("✓ flow passed: authenticated as \"alice\""),
        "everything established: {r:?}"
    );
}

#[test]
fn flow_backend_kid_without_the_keys_prefix_is_a_warning_the_verdict_counts() {
    let r = flow_signed_by(
        Signer {
            key_id: Some("11111111-2222-3333-4444-555555555555"),
            ..Signer::default()
        },
        &IDS,
    );
    passed(&r);
    assert!(r.stderr.contains("  ⚠ token validated"), "{r:?}");
    assert!(
        r.stderr.contains("⚠ eit_header_param_wrong_value: "),
        "{r:?}"
    );
    assert!(
        r.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("✓ flow passed with 1 warning: "),
        "{r:?}"
    );
}

#[test]
fn flow_backend_answer_with_a_trailing_newline_is_a_warning() {
    let signer = Signer::default();
    let r = flow_answered_by(
        move |request| (200, format!("{}\n", signer.token(request))),
        &["--json"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let report = flow_json(&r, 0);
    let step = report.step("token_obtained");
    assert_eq!(step.status, "warn");
    assert!(
        step.warnings[0].contains("1 bytes of whitespace around the answer were trimmed"),
        "{step:?}"
    );
    assert_eq!(report.warnings, 1);
}

#[test]
fn flow_json_carries_numbers_phases_the_nonce_the_token_and_every_http_exchange() {
    let server = signing_backend(Signer::default());
    let r = flow_backend(&server.url, &["--json", "--challenge"]);
    let report = flow_json(&r, 0);
    assert_eq!(report.schema, 1);
    let numbers: Vec<usize> = report.steps.iter().map(|s| s.n).collect();
    assert_eq!(numbers, (1..=11).collect::<Vec<_>>());
    let phases: Vec<&str> = report.steps.iter().map(|s| s.phase.as_str()).collect();
    assert_eq!(&phases[..5], ["sign_in"; 5]);
    assert_eq!(&phases[5..10], ["reauthentication"; 5]);
    assert_eq!(phases[10], "sign_out");
    let nonce = report.steps[0].nonce.clone().unwrap();
    assert_eq!(report.steps[0].http[0].method, "POST");
    assert_eq!(report.steps[0].http[0].target, "/nonces");
    assert_eq!(report.steps[0].http[0].status, 201);
    assert!(report.steps[0].http[0].body.contains(&nonce));
    let obtained = &report.steps[1];
    assert_eq!(obtained.http[0].target, server.url);
    assert_eq!(obtained.http[0].status, 200);
    assert!(obtained.http[0].body.contains("identity_token"));
    let token = obtained.token.clone().unwrap();
    assert_eq!(token.split('.').count(), 3);
    assert_eq!(report.step("replay_refused").http[0].status, 422);
    let deauth = report.step("deauthenticated");
    let statuses: Vec<u16> = deauth.http.iter().map(|h| h.status).collect();
    assert_eq!(statuses, [204, 401]);
    assert!(
        report
            .steps
            .iter()
            .all(|s| (s.elapsed_ms * 1000.0).round() / 1000.0 == s.elapsed_ms)
    );
    assert!(!report.strict);
    let unmade = ["eit_provider_not_found", "key_id_matches"];
    assert_eq!(report.not_checked, unmade, "no ids were given");
    assert_eq!(report.step("token_validated").not_checked, unmade);
    let _ = server.finish();
}

#[test]
fn flow_backend_gets_extra_headers_field_names_and_our_user_agent_and_never_shows_a_header_value() {
    let server = backend(|request| {
        let (user, nonce) = {
            let body: Value = serde_json::from_str(&request.body).unwrap_or_default();
            (
                body["userID"].as_str().unwrap_or_default().to_owned(),
                body["layerNonce"].as_str().unwrap_or_default().to_owned(),
            )
        };
        let mut fixed = request.clone();
        fixed.body = json!({"user_id": user, "nonce": nonce}).to_string();
        (
            200,
            json!({"identity_token": Signer::default().token(&fixed)}).to_string(),
        )
    });
    let r = flow_backend(
        &server.url,
        &[
            "--header",
            "Authorization: Bearer s3cr3t-app-session",
            "--header",
            "X-Team: blue",
            "--user-field",
            "userID",
            "--nonce-field",
            "layerNonce",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    for text in [&r.stdout, &r.stderr] {
        assert!(!text.contains("s3cr3t-app-session"), "{r:?}");
    }
    let seen = server.finish();
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer s3cr3t-app-session")
    );
    assert_eq!(seen[0].header("x-team"), Some("blue"));
    let agent = seen[0].header("user-agent").unwrap();
    assert_eq!(agent, format!("layer-auth/{}", env!("CARGO_PKG_VERSION")));
    let r = layer(&[
        "flow",
        "--user",
        "a",
        "--backend",
        "http://127.0.0.1:1/",
        "--public-key",
        "k",
        "--header",
        "no colon here",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("--header takes 'NAME: VALUE'") && !r.stderr.contains("no colon here"),
        "{r:?}"
    );
}

#[test]
fn flow_backend_that_echoes_a_header_value_in_its_answer_never_gets_it_shown() {
    for status in [401, 200] {
        let server = backend(move |request| {
            let auth = request.header("authorization").unwrap_or_default();
            (
                status,
                json!({"error": format!("auth was {auth}")}).to_string(),
            )
        });
        let r = flow_backend(
            &server.url,
            &[
                "--header",
                "Authorization: Bearer s3cr3t-app-session",
                "--json",
            ],
        );
        drop(server.finish());
        assert_eq!(r.code, 1, "{r:?}");
        for text in [&r.stdout, &r.stderr] {
            assert!(!text.contains("s3cr3t-app-session"), "{status}: {r:?}");
        }
        assert!(r.stdout.contains("auth was [redacted]"), "{status}: {r:?}");
    }
}

#[test]
fn flow_backend_that_echoes_secrets_escaped_or_encoded_never_gets_them_shown() {
    // PHP's json_encode writes `/` as `\/`; a `"` comes back as `\"`; a URL-encoding echo
    // writes `%20` and `%2B`; the URL's userinfo comes back as the Basic credential.
    let server = backend(|request| {
        let auth = format!(
            "{} {}",
            request.header("authorization").unwrap_or_default(),
            request.header("x-app-session").unwrap_or_default()
        );
        let escaped = auth.replace('"', "\\\"").replace('/', "\\/");
        let encoded: String = form_urlencoded::byte_serialize(auth.as_bytes()).collect();
        let body = format!(
            "{{\"error\":\"{escaped}\",\"encoded\":\"{encoded}\",\"path\":\"{}\"}}",
            request.path
        );
        (401, body)
    });
    let with_secrets = server.url.replacen("http://", "http://bob:hunter2pass@", 1)
        + "?api_key=SuperSecretQueryKey";
    let header = "X-App-Session: s3cr3t/app+session\"quoted";
    let r = flow_backend(&with_secrets, &["--header", header, "--json"]);
    let seen = server.finish();
    assert_eq!(r.code, 1, "{r:?}");
    // The backend did see (and echo) each of them.
    assert!(
        seen[0].path.contains("SuperSecretQueryKey"),
        "{:?}",
        seen[0].path
    );
    assert!(
        seen[0]
            .header("authorization")
            .is_some_and(|a| a.starts_with("Basic "))
    );
    for text in [&r.stdout, &r.stderr] {
        for secret in [
            "s3cr3t",
            "hunter2pass",
            "Ym9iOmh1bnRlcjJwYXNz",
            "SuperSecretQueryKey",
        ] {
            assert!(!text.contains(secret), "{secret}: {r:?}");
        }
    }
}

#[test]
fn flow_backend_echoes_in_go_python_upper_case_and_decoded_basic_forms_are_blanked_too() {
    // Go's encoding/json writes & as \u0026; Python's quote() keeps `/`; an echo may change
    // case; a Basic credential comes back decoded; a query item may have no `=`.
    let server = backend(|request| {
        let key = request.header("x-key").unwrap_or_default().to_owned();
        let go = key.replace('&', "\\u0026");
        let quoted = form_urlencoded::byte_serialize(key.as_bytes())
            .collect::<String>()
            .replace("%2F", "/");
        let body = format!(
            "{{\"go\":\"{go}\",\"py\":\"{quoted}\",\"up\":\"{}\",\"who\":\"alice:hunter2hunter3\",\"path\":\"{}\"}}",
            key.to_uppercase(),
            request.path
        );
        (400, body)
    });
    let url = format!("{}?SECRETVALUEABCDEF123", server.url);
    let r = flow_backend(
        &url,
        &[
            "--header",
            "X-Key: hunter2&hunter3/x+y",
            "--header",
            "Authorization: Basic YWxpY2U6aHVudGVyMmh1bnRlcjM=",
            "--json",
        ],
    );
    drop(server.finish());
    assert_eq!(r.code, 1, "{r:?}");
    for text in [&r.stdout, &r.stderr] {
        for secret in ["hunter2", "HUNTER2", "SECRETVALUE"] {
            assert!(!text.contains(secret), "{secret}: {r:?}");
        }
    }
}

#[test]
fn flow_backend_answer_that_only_reads_once_its_secret_is_blanked_never_quotes_it() {
    // The secret's backslash is what breaks the JSON: the raw reading's message would
    // quote it.
    let server = backend(|request| {
        let key = request.header("x-key").unwrap_or_default().to_owned();
        (
            200,
            format!("{{\"identity_token\":\"a.b.c\",\"got\":\"{key}\"}}"),
        )
    });
    let r = flow_backend(&server.url, &["--header", "X-Key: abc\\qdefghij"]);
    drop(server.finish());
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.stderr.contains("qdefghij"), "{r:?}");
    assert!(
        r.stderr
            .contains("shown with the request's secrets blanked"),
        "{r:?}"
    );
}

#[test]
fn flow_backend_token_refused_shows_the_token_its_parts_and_a_validate_line_that_reproduces_it() {
    let server = signing_backend(Signer {
        user: Some("mallory"),
        ..Signer::default()
    });
    let r = flow_backend(&server.url, &[]);
    failed_at(&r, "token validated", "user_matches");
    let line = |label: &str| {
        r.stderr
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(label))
            .unwrap_or_else(|| unreachable!("no {label} line: {r:?}"))
            .trim()
            .to_owned()
    };
    assert_eq!(line("token ").split('.').count(), 3);
    assert!(line("claims").contains("\"prn\":\"mallory\""), "{r:?}");
    let again = line("again ");
    assert!(again.starts_with("layer-auth validate '"), "{again}");
    let _ = server.finish();
    // Run the line as printed, with this build as layer-auth.
    let bin = assert_cmd::cargo::cargo_bin("layer-auth");
    let script = format!("layer-auth() {{ \"$0\" \"$@\"; }}; {again} --json");
    let out = hermetic(&mut std::process::Command::new("bash"))
        .args(["-c", &script])
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.failed, ["user_matches"]);
}

#[test]
fn flow_backend_that_caches_its_token_is_named_on_the_challenge() {
    let cached = Arc::new(Mutex::new(None::<String>));
    let server = {
        let cached = Arc::clone(&cached);
        backend(move |request| {
            let mut slot = cached.lock().unwrap();
            let token = slot
                .get_or_insert_with(|| Signer::default().token(request))
                .clone();
            (200, json!({"identity_token": token}).to_string())
        })
    };
    let r = flow_backend(&server.url, &["--challenge"]);
    failed_at(
        &r,
        "token validated",
        "this is the token of step 2 again: your backend caches tokens",
    );
    let _ = server.finish();
}

#[test]
fn flow_https_against_a_plain_http_backend_asks_whether_http_was_meant() {
    // A plain-HTTP server answers the TLS hello with a 400 (most do) or hangs up on it.
    for answer in [
        &b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"[..],
        &b""[..],
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut hello = [0u8; 512];
            let _ = stream.read(&mut hello);
            let _ = stream.write_all(answer);
        });
        let r = flow_backend(&format!("https://127.0.0.1:{port}/authenticate"), &[]);
        let plain =
            format!("does not speak TLS; did you mean http://127.0.0.1:{port}/authenticate?");
        failed_at(&r, "token obtained", &plain);
        server.join().unwrap();
    }
}

#[test]
fn flow_public_key_without_backend_and_own_key_without_ids_are_refused_with_the_reason() {
    let r = layer(&["flow", "--user", "alice", "--public-key", "backend.pub.pem"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("--public-key checks the tokens a --backend signs"),
        "{r:?}"
    );
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let r = outcome_of(
        layer_auth()
            .args(["flow", "--user", "alice", "--key"])
            .arg(&key),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("your key signs only with your ids: pass --provider-id (LAYER_PROVIDER_ID) and --key-id (LAYER_KEY_ID)"),
        "{r:?}"
    );
    let r = layer(&["flow", "--user", "alice"]);
    assert!(
        r.stderr.starts_with(
            "flow embedded service and signer, ephemeral key and made-up ids for \"alice\""
        ),
        "{r:?}"
    );
}

#[test]
fn flow_quiet_prints_one_line() {
    let r = layer(&["flow", "--user", "alice", "-q"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
    assert!(r.stderr.contains("alice"), "{r:?}");
}
