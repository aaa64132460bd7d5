//! Layer's own Web SDK (npm `layer-websdk` 3.4.18) signing in to a real `serve` on
//! 127.0.0.1: a client that is not ours, running SPEC §2 its own way, in Debian's headless
//! Chromium driven over WebDriver (chromedriver, through the `fantoccini` crate).
//!
//! The app is a page on another port of 127.0.0.1 with a backend of its own, as a web app
//! under development is: its `/authenticate` hands the SDK's nonce to serve's sample
//! backend. The npm package ships no browser bundle, only CommonJS files (`lib/`), so the
//! page loads them with a small `require` of its own, as a bundler would.
//!
//! `.ci/run` installs the package under `target/interop/node` (found through `NODE_PATH`)
//! and chromium and chromium-driver, and sets `LAYER_AUTH_CI=1`, which makes a missing one
//! a failure; elsewhere the tests say so on stderr and do nothing.

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::util::{layer_auth, tempdir};

/// The SDK version `.ci/run` pins.
const SDK_VERSION: &str = "3.4.18";

/// The longest any one wait may take.
const WAIT: Duration = Duration::from_secs(20);

/// The user the app signs in.
const USER: &str = "alice";

/// The app's page. `load` is a CommonJS `require` over `/node_modules/`, with the
/// `browser` fields of the packages' `package.json` applied as a bundler applies them;
/// `signIn` is the SDK's documented use; every XMLHttpRequest is recorded (method, URL,
/// headers, status) for the test to read through `state()`.
const PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>websdk</title>
<script>
var events = [], failures = [], requests = [], identityToken = null, conversations = null;
window.onerror = function (message, source, line) { failures.push(message + ' at ' + source + ':' + line); };

var modules = {};
var packages = {
  'layer-patch': '/node_modules/layer-patch/index.js',
  'uuid': '/node_modules/uuid/uuid.js',
  'backbone-events-standalone/backbone-events-standalone':
    '/node_modules/backbone-events-standalone/backbone-events-standalone.js'
};
var browserFalse = { xhr2: true, websocket: true, filereader: true, atob: true };
var browserSwap = { '/node_modules/uuid/rng.js': '/node_modules/uuid/rng-browser.js' };
function resolve(dir, name) {
  if (packages[name]) return packages[name];
  var parts = dir.split('/');
  name.split('/').forEach(function (part) {
    if (part === '..') parts.pop(); else if (part !== '.') parts.push(part);
  });
  var path = parts.join('/') + (/\.js$/.test(name) ? '' : '.js');
  return browserSwap[path] || path;
}
function load(path) {
  if (modules[path]) return modules[path].exports;
  var file = new XMLHttpRequest();
  file.open('GET', path, false);
  file.send();
  if (file.status !== 200) throw new Error('cannot load ' + path + ': ' + file.status);
  var module = { exports: {} };
  modules[path] = module;
  var dir = path.replace(/\/[^\/]*$/, '');
  var require = function (name) { return browserFalse[name] ? {} : load(resolve(dir, name)); };
  new Function('require', 'module', 'exports', 'global', file.responseText + '\n//# sourceURL=' + path)(
    require, module, module.exports, window);
  return module.exports;
}
var layer = null;
try { layer = load('/node_modules/layer-websdk/index.js'); } catch (e) { failures.push('loading the SDK: ' + e); }

var open = XMLHttpRequest.prototype.open, setHeader = XMLHttpRequest.prototype.setRequestHeader;
var send = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.open = function (method, url) {
  this.seen = { method: method, url: String(url), headers: {}, status: null };
  requests.push(this.seen);
  return open.apply(this, arguments);
};
XMLHttpRequest.prototype.setRequestHeader = function (name, value) {
  this.seen.headers[name.toLowerCase()] = value;
  return setHeader.apply(this, arguments);
};
XMLHttpRequest.prototype.send = function () {
  var seen = this.seen;
  this.addEventListener('loadend', function () { seen.status = this.status; });
  return send.apply(this, arguments);
};

function signIn(base, appId, websocketUrl, userId) {
  // Telemetry off: the SDK would report to telemetry.layer.com, outside this machine.
  var client = window.client = new layer.Client({
    appId: appId, url: base, websocketUrl: websocketUrl, telemetryEnabled: false
  });
  ['connected', 'connected-error', 'challenge', 'authenticated', 'authenticated-error', 'ready',
   'deauthenticated', 'session-terminated'].forEach(function (name) {
    client.on(name, function (evt) {
      events.push(name);
      if (evt && evt.error) failures.push(name + ': ' + JSON.stringify(evt.error));
    });
  });
  client.on('challenge', function (evt) {
    // The app's own backend (same origin as this page) signs for the nonce.
    var backend = new XMLHttpRequest();
    backend.open('POST', '/authenticate');
    backend.setRequestHeader('Content-Type', 'application/json');
    backend.onload = function () {
      identityToken = JSON.parse(backend.responseText).identity_token;
      evt.callback(identityToken);
    };
    backend.onerror = function () { failures.push('the app backend did not answer'); };
    backend.send(JSON.stringify({ user_id: userId, nonce: evt.nonce }));
  });
  client.on('ready', function () {
    var query = client.createQuery({ model: layer.Query.Conversation });
    query.on('change', function (evt) {
      if (evt.type === 'data') conversations = { shown: query.data.length, total: query.totalSize };
    });
    query.on('error', function (evt) { failures.push('conversations: ' + JSON.stringify(evt.error)); });
  });
  client.connect(userId);
}

function state() {
  var client = window.client, user = client && client.user;
  return {
    version: layer && layer.Client.version,
    events: events,
    failures: failures,
    requests: requests,
    identityToken: identityToken,
    sessionToken: client ? client.sessionToken : '',
    isAuthenticated: Boolean(client && client.isAuthenticated),
    isReady: Boolean(client && client.isReady),
    user: user ? { userId: user.userId, id: user.id, isFullIdentity: user.isFullIdentity } : null,
    conversations: conversations
  };
}
</script>
"#;

/// What the page's `state()` returns.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PageState {
    version: Option<String>,
    events: Vec<String>,
    failures: Vec<String>,
    requests: Vec<XhrSeen>,
    identity_token: Option<String>,
    session_token: String,
    is_authenticated: bool,
    is_ready: bool,
    user: Option<PageUser>,
    conversations: Option<Conversations>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct XhrSeen {
    method: String,
    url: String,
    headers: std::collections::BTreeMap<String, String>,
    status: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PageUser {
    user_id: String,
    id: String,
    is_full_identity: bool,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Conversations {
    shown: u64,
    total: u64,
}

/// `node_modules` holding `layer-websdk` at [`SDK_VERSION`]: on `NODE_PATH`, else where
/// `.ci/run` installs it. `Err` says what is missing.
fn sdk_modules() -> Result<PathBuf, String> {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/interop/node/node_modules");
    let node_path = std::env::var_os("NODE_PATH").unwrap_or_default();
    let found = std::env::split_paths(&node_path)
        .chain([default])
        .find(|dir| dir.join("layer-websdk/package.json").is_file())
        .ok_or("no layer-websdk on NODE_PATH (npm install layer-websdk@3.4.18)")?;
    let manifest = std::fs::read_to_string(found.join("layer-websdk/package.json"))
        .map_err(|e| format!("layer-websdk/package.json: {e}"))?;
    let version = serde_json::from_str::<Value>(&manifest).unwrap_or_default()["version"].clone();
    if version != SDK_VERSION {
        return Err(format!(
            "layer-websdk {version} found, {SDK_VERSION} wanted"
        ));
    }
    Ok(found)
}

fn on_path(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The SDK's `node_modules`, or `None` (after saying why) when the test cannot run here.
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says why, as dashboard.rs does"
)]
fn prerequisites() -> Option<PathBuf> {
    let missing = match sdk_modules() {
        Ok(_) if !on_path("chromedriver") => {
            "no chromedriver (apt-get install chromium chromium-driver)".to_owned()
        }
        Ok(modules) => return Some(modules),
        Err(missing) => missing,
    };
    assert!(
        std::env::var_os("LAYER_AUTH_CI").is_none(),
        "LAYER_AUTH_CI is set but the Web SDK test cannot run: {missing}"
    );
    eprintln!("websdk test skipped: {missing}");
    None
}

/// A running `layer-auth serve --listen 127.0.0.1:0 --log-format json`, killed when dropped.
struct Serve {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl Serve {
    fn start() -> Self {
        let mut child = layer_auth()
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        {
            let (pipe, log) = (child.stderr.take().unwrap(), Arc::clone(&log));
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let (sender, receiver) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let url = receiver.recv_timeout(WAIT).unwrap_or_default();
        let url = url.trim().to_owned();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "no URL: {url:?} {}",
            log.lock().unwrap()
        );
        Self { child, url, log }
    }

    /// The API requests in serve's log, as `METHOD /path STATUS` (not `/_emulator/`), once
    /// `last` is among them (request lines reach stderr a few milliseconds after their
    /// answers), or as they are after 10 s.
    fn requests(&self, last: &str) -> Vec<String> {
        let started = Instant::now();
        loop {
            let requests = self.requests_so_far();
            if requests.iter().any(|r| r == last) || started.elapsed() > Duration::from_secs(10) {
                return requests;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn requests_so_far(&self) -> Vec<String> {
        let log = self.log.lock().unwrap().clone();
        log.lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|r| r["method"].is_string() && r["status"].is_u64())
            .map(|r| {
                format!(
                    "{} {} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap_or(""),
                    r["status"]
                )
            })
            .filter(|r| !r.contains(" /_emulator/"))
            .collect()
    }

    /// `GET /_emulator/<what>`, as JSON.
    fn control(&self, what: &str) -> Value {
        let (status, _, body) = call("GET", &format!("{}/_emulator/{what}", self.url), &[], None);
        assert_eq!(status, 200, "{what}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request with `ureq`: status, headers (lower-cased names) and body.
fn call(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> (u16, Vec<(String, String)>, String) {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(WAIT))
        .build()
        .new_agent();
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = match body {
        Some(body) => agent.run(request.body(body).unwrap()),
        None => agent.run(request.body(()).unwrap()),
    }
    .unwrap();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (response.status().as_u16(), headers, text)
}

/// The app: [`PAGE`] at `/`, the npm packages under `/node_modules/`, and its backend at
/// `POST /authenticate`, which passes the body on to serve's sample backend. tiny_http on
/// 127.0.0.1, until dropped.
struct App {
    origin: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl App {
    fn start(modules: PathBuf, backend: String) -> Self {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match server.recv_timeout(Duration::from_millis(20)) {
                        Ok(Some(request)) => answer(request, &modules, &backend),
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
            })
        };
        Self {
            origin: format!("http://127.0.0.1:{port}"),
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one request to the app: its page, a package file, or its backend.
fn answer(mut request: tiny_http::Request, modules: &Path, backend: &str) {
    let path = request.url().split('?').next().unwrap_or("").to_owned();
    let (status, content_type, body) = if path == "/" {
        (200, "text/html; charset=utf-8", PAGE.as_bytes().to_vec())
    } else if path == "/authenticate" && request.method() == &tiny_http::Method::Post {
        let mut sent = String::new();
        let _ = request.as_reader().read_to_string(&mut sent);
        let json = [("Content-Type", "application/json")];
        let (status, _, body) = call("POST", backend, &json, Some(sent));
        (status, "application/json", body.into_bytes())
    } else if let Some(file) = package_file(modules, &path) {
        (200, "text/javascript; charset=utf-8", file)
    } else {
        (404, "text/plain", b"not found".to_vec())
    };
    let header = tiny_http::Header::from_bytes("Content-Type", content_type).unwrap();
    let response = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header);
    let _ = request.respond(response);
}

/// A `.js` file under `modules` named by `/node_modules/…`; nothing outside it.
fn package_file(modules: &Path, path: &str) -> Option<Vec<u8>> {
    let relative = Path::new(path.strip_prefix("/node_modules/")?);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !plain || relative.extension()? != "js" {
        return None;
    }
    std::fs::read(modules.join(relative)).ok()
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free port of 127.0.0.1: nothing listens on it once this returns.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver on a free port of 127.0.0.1, and that port.
fn chromedriver() -> (Driver, u16) {
    let port = free_port();
    let child = std::process::Command::new("chromedriver")
        .args([
            format!("--port={port}"),
            "--allowed-ips=127.0.0.1".to_owned(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < WAIT, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Driver(child), port)
}

/// Headless Chromium; with `web_security` false, one that ignores CORS.
async fn browser(port: u16, profile: &Path, web_security: bool) -> Client {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    if !web_security {
        args.push("--disable-web-security".to_owned());
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), json!({ "args": args }));
    // chromedriver is plain HTTP on 127.0.0.1: no TLS stack needed.
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(capabilities);
    let url = format!("http://127.0.0.1:{port}");
    tokio::time::timeout(WAIT, builder.connect(&url))
        .await
        .expect("Chromium did not start within 20 s")
        .unwrap()
}

/// Runs `script` in the page, bounded by [`WAIT`].
async fn run(client: &Client, script: &str, args: Vec<Value>) -> Value {
    tokio::time::timeout(WAIT, client.execute(script, args))
        .await
        .expect("the page did not answer within 20 s")
        .unwrap()
}

/// The page's state once `done` (a JavaScript expression over it) holds; fails after [`WAIT`].
async fn wait_for(client: &Client, done: &str) -> PageState {
    let script = format!("return {{ done: Boolean({done}), state: state() }};");
    let started = Instant::now();
    loop {
        let answer = run(client, &script, vec![]).await;
        if answer["done"] == json!(true) {
            return serde_json::from_value(answer["state"].clone()).unwrap();
        }
        assert!(
            started.elapsed() < WAIT,
            "the SDK never got to {done}: {:#}",
            answer["state"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One sign-in of [`USER`] by the SDK in the app's page against `server`, with the browser's
/// web security on or off; the page's state once `done` holds.
fn sign_in(server: &Serve, modules: PathBuf, web_security: bool, done: &str) -> (App, PageState) {
    let app_id = server.control("health")["app_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let app = App::start(modules, format!("{}/authenticate", server.url));
    // serve has no websocket: the SDK's attempts are refused, and it retries in the background.
    let websocket = format!("ws://127.0.0.1:{}", free_port());
    let (_driver, port) = chromedriver();
    let profile = tempdir();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let state = runtime.block_on(async {
        let client = browser(port, profile.path(), web_security).await;
        tokio::time::timeout(WAIT, client.goto(&format!("{}/", app.origin)))
            .await
            .expect("the app's page did not load within 20 s")
            .unwrap();
        let loaded = wait_for(&client, "true").await;
        assert_eq!(loaded.version.as_deref(), Some(SDK_VERSION), "{loaded:#?}");
        let args = vec![
            json!(server.url),
            json!(app_id),
            json!(websocket),
            json!(USER),
        ];
        run(&client, "signIn.apply(null, arguments);", args).await;
        let state = wait_for(&client, done).await;
        let _ = client.close().await;
        state
    });
    (app, state)
}

/// In an ordinary browser (web security on): the SDK adds `client-id` and
/// `layer-xdk-version` to every API call, so the browser preflights even `POST /nonces`, and
/// serve must allow those headers for the sign-in to start at all.
#[test]
fn the_layer_web_sdk_signs_in_to_serve_loads_its_identity_and_lists_conversations() {
    let Some(modules) = prerequisites() else {
        return;
    };
    let server = Serve::start();
    let done = "conversations !== null || failures.length > 0";
    let (_app, page) = sign_in(&server, modules, true, done);
    let log = server.requests("GET /conversations 200");
    eprintln!("serve saw: {log:#?}");

    assert!(page.failures.is_empty(), "{page:#?}\n{log:#?}");
    assert_eq!(
        page.events,
        ["connected", "challenge", "authenticated", "ready"]
    );
    assert!(page.is_authenticated && page.is_ready, "{page:#?}");
    let user = page.user.as_ref().unwrap();
    assert_eq!(user.user_id, USER);
    assert_eq!(user.id, format!("layer:///identities/{USER}"));
    assert!(
        user.is_full_identity,
        "GET /identities gave the full identity: {page:#?}"
    );
    assert_eq!(
        page.conversations,
        Some(Conversations { shown: 0, total: 0 })
    );

    // The browser asked before the first API call, and serve allowed it.
    assert!(
        log.iter().any(|r| r == "OPTIONS /nonces 200"),
        "a preflight for POST /nonces: {log:#?}"
    );
    // The sign-in in serve's log, in order (leaving out the SDK's online checks, HEAD /ping,
    // its GET / before each websocket retry, and the browser's preflights, whose number
    // depends on timing and caching).
    let sign_in: Vec<&str> = log
        .iter()
        .map(String::as_str)
        .filter(|r| {
            !r.starts_with("HEAD /ping ") && !r.starts_with("GET / ") && !r.starts_with("OPTIONS ")
        })
        .collect();
    let conversations = "GET /conversations 200";
    let expected = [
        "POST /nonces 201",
        "POST /authenticate 200",
        "POST /sessions 201",
        "GET /identities/alice 200",
        conversations,
    ];
    assert_eq!(sign_in, expected, "{log:#?}");
    let status = |r: &String| r.rsplit(' ').next().and_then(|s| s.parse::<u16>().ok());
    assert!(
        log.iter().all(|r| status(r).is_some_and(|s| s < 400)),
        "{log:#?}"
    );

    // Authenticated calls carried the session serve opened for the token the SDK sent.
    let token = page.identity_token.as_deref().unwrap();
    let attempts = server.control("attempts");
    let [attempt] = attempts.as_array().unwrap().as_slice() else {
        panic!("one sign-in attempt: {attempts:#}");
    };
    assert_eq!(attempt["accepted"], json!(true), "{attempt:#}");
    assert_eq!(attempt["status"], json!(201));
    assert_eq!(attempt["user"], json!(USER));
    assert_eq!(attempt["token"], json!(token));
    let sessions = server.control("sessions");
    let [session] = sessions.as_array().unwrap().as_slice() else {
        panic!("one session: {sessions:#}");
    };
    assert_eq!(session["session_token"], json!(page.session_token));
    assert_eq!(session["user"], json!(USER));
    assert_eq!(session["expired"], json!(false));
    let authorization = format!("Layer session-token=\"{}\"", page.session_token);
    for path in ["/identities/alice", "/conversations"] {
        let xhr = page.requests.iter().find(|x| x.url.contains(path)).unwrap();
        assert_eq!(
            xhr.headers.get("authorization"),
            Some(&authorization),
            "{xhr:?}"
        );
        assert_eq!(
            (xhr.method.as_str(), xhr.status),
            ("GET", Some(200)),
            "{xhr:?}"
        );
    }
}
