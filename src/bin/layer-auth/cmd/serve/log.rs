//! What serve says on stderr: the banner, and one line per request (text or NDJSON).

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::time::Duration;

use anyhow::Context as _;

use layer_auth::http::server::{self, RequestEvent};
use layer_auth::output::{Paint, escape, escape_capped};
use layer_auth::time::human;

use super::{LogFormat, ServeArgs, Setup};
use crate::term;

/// The service's URL, ids, keys, backend, control and sessions, for people on stderr.
pub(super) fn banner(
    args: &ServeArgs,
    setup: &Setup,
    base: &str,
    local: SocketAddr,
    control_token: Option<&str>,
    paint: Paint,
) {
    let config = setup.service.config();
    let sessions = human(args.session_ttl.num_seconds());
    let rows = [
        ("app id", config.app_id.clone()),
        ("provider id", setup.provider_id.clone()),
        ("keys", setup.keys.join("; ")),
        ("backend", backend_row(setup, base)),
        ("control", control_row(base, local, control_token)),
        ("sessions", format!("last {sessions}")),
    ];
    let title = paint.bold("layer-auth serve:");
    term::say(&format!("{title} the Layer service at {}", escape(base)));
    for (label, value) in rows {
        let value = term::hide_key_material(&value).into_owned();
        term::say(&format!("  {:<12} {}", paint.dim(label), escape(&value)));
    }
}

/// The banner's backend row: where the sample backend answers, if there is one.
pub(super) fn backend_row(setup: &Setup, base: &str) -> String {
    if setup.backend.is_some() {
        format!("{base}/authenticate (POST {{\"user_id\", \"nonce\"}})")
    } else {
        "none (only public keys were given)".to_owned()
    }
}

/// The banner's control row: the control routes, and what opens them.
pub(super) fn control_row(base: &str, local: SocketAddr, control_token: Option<&str>) -> String {
    match control_token {
        None => format!("{base}/_emulator/ (open: {} is loopback)", local.ip()),
        Some(token) => format!("{base}/_emulator/ (Authorization: Bearer {token})"),
    }
}

/// A path as the log shows it: a session token in it cut to its first 8 characters (it is
/// a bearer credential, and logs travel).
pub(super) fn logged_path(path: &str) -> String {
    match path.strip_prefix("/sessions/") {
        Some(token) if token.chars().count() > 8 => {
            format!("/sessions/{}…", token.chars().take(8).collect::<String>())
        }
        _ => path.to_owned(),
    }
}

/// Most request lines waiting for stderr; past that they are counted, not kept. With
/// paths cut at [`MAX_PATH`] characters, they hold a few MiB at most.
const QUEUE: usize = 8192;

/// Most characters of a path in the log (a client may send 64 KiB of one).
const MAX_PATH: usize = 512;

/// Most characters of a method in the log (any token is a method to HTTP).
const MAX_METHOD: usize = 32;

/// Most bytes written to stderr in one go.
const BATCH: usize = 64 * 1024;

/// How long the writer lets lines gather after the first: a batch per few milliseconds
/// under load, not a wake-up and a write per request.
const GATHER: Duration = Duration::from_millis(5);

/// How long stopping waits for the waiting lines to reach stderr.
const FLUSH_WAIT: Duration = Duration::from_secs(1);

/// The request lines' way to stderr: a thread of their own writes them, in batches, so that
/// a stderr nobody reads (a test harness that piped it and never looks) stalls no request.
/// Lines that find the queue full are counted, and the count is said once stderr takes
/// lines again.
pub(super) struct RequestLog {
    format: LogFormat,
    paint: Paint,
    lines: SyncSender<String>,
    dropped: Arc<AtomicU64>,
    done: Receiver<()>,
}

impl RequestLog {
    /// Starts the writer.
    pub(super) fn start(format: LogFormat, paint: Paint) -> anyhow::Result<Self> {
        let (lines, queued) = mpsc::sync_channel(QUEUE);
        let (finished, done) = mpsc::channel();
        let dropped = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&dropped);
        std::thread::Builder::new()
            .name("serve-log".into())
            .spawn(move || {
                write_lines(&queued, &counted, format, paint);
                let _ = finished.send(());
            })
            .context("cannot start the request log's thread")?;
        Ok(Self {
            format,
            paint,
            lines,
            dropped,
            done,
        })
    }

    /// How request lines reach the writer.
    pub(super) fn on_event(&self) -> server::OnEvent {
        let (format, paint) = (self.format, self.paint);
        let lines = self.lines.clone();
        let dropped = Arc::clone(&self.dropped);
        Arc::new(move |mut event: RequestEvent| {
            event.path = logged_path(&event.path);
            let ms = event.elapsed.as_secs_f64() * 1000.0;
            let line = match format {
                LogFormat::Json => json_line(&event, ms),
                LogFormat::Text => text_line(event, ms, paint),
            };
            if lines.try_send(line).is_err() {
                dropped.fetch_add(1, Ordering::Relaxed);
            }
        })
    }

    /// Lets the lines still waiting reach stderr, for at most a second (stderr may never be
    /// read). The server's senders are gone by now (its runtimes have stopped); were one
    /// left, this would wait out the second, no longer.
    pub(super) fn finish(self) {
        drop(self.lines);
        let _ = self.done.recv_timeout(FLUSH_WAIT);
    }
}

/// The writer: whatever lines gathered, then the count of lines lost since it was last
/// said, if any. Ends once every sender is gone and all is written, or when stderr is
/// closed.
fn write_lines(queued: &Receiver<String>, dropped: &AtomicU64, format: LogFormat, paint: Paint) {
    let mut batch = Vec::with_capacity(BATCH + 4096);
    let mut stderr = std::io::stderr();
    loop {
        batch.clear();
        // Err: every sender is gone, so no line can be lost any more: the count is final.
        let first = queued.recv();
        let last = first.is_err();
        if let Ok(line) = first {
            std::thread::sleep(GATHER);
            push_line(&mut batch, &line);
            while batch.len() < BATCH {
                let Ok(line) = queued.try_recv() else { break };
                push_line(&mut batch, &line);
            }
        }
        lost_line(&mut batch, dropped, format, paint);
        if put(&mut stderr, &batch).is_err() || last {
            return; // closed: the lines from now on are lost anyway (and counted in vain)
        }
    }
}

/// Most bytes a pipe writes in one piece (POSIX's `PIPE_BUF` on Linux): a line of a
/// `-- CMD` child sharing stderr then never lands inside one of ours.
const PIPE_BUF: usize = 4096;

/// `bytes` on `out`, in pieces of at most [`PIPE_BUF`] bytes that end at line ends,
/// waiting while a non-blocking stderr (another process may have made it one) is full.
/// Fails only when `out` is gone.
fn put(out: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    let mut rest = bytes;
    while !rest.is_empty() {
        let (mut piece, after) = rest.split_at(piece_len(rest));
        while !piece.is_empty() {
            match out.write(piece) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => piece = &piece[n..],
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(GATHER);
                }
                Err(e) => return Err(e),
            }
        }
        rest = after;
    }
    Ok(())
}

/// How much of `rest` goes in the next write: whole lines up to [`PIPE_BUF`] bytes, or one
/// longer line whole.
pub(super) fn piece_len(rest: &[u8]) -> usize {
    if rest.len() <= PIPE_BUF {
        return rest.len();
    }
    match memchr::memrchr(b'\n', &rest[..PIPE_BUF]) {
        Some(end) => end + 1,
        None => memchr::memchr(b'\n', rest).map_or(rest.len(), |end| end + 1),
    }
}

fn push_line(batch: &mut Vec<u8>, line: &str) {
    batch.extend_from_slice(line.as_bytes());
    batch.push(b'\n');
}

/// Adds the line saying how many request lines were lost since it was last said.
fn lost_line(batch: &mut Vec<u8>, dropped: &AtomicU64, format: LogFormat, paint: Paint) {
    let lost = dropped.swap(0, Ordering::Relaxed);
    if lost > 0 {
        let text = format!(
            "{lost} request line(s) not logged: stderr took them slower than they came, and \
             at most {QUEUE} wait"
        );
        let line = match format {
            LogFormat::Json => serde_json::json!({"warning": text, "unlogged": lost}).to_string(),
            LogFormat::Text => format!("{} {text}", paint.warn("warning:")),
        };
        push_line(batch, &line);
    }
}

/// A request as one JSON object. stderr is for people even in JSON: the path (the
/// client's text) is escaped too.
pub(super) fn json_line(event: &RequestEvent, ms: f64) -> String {
    serde_json::json!({
        "method": escape_capped(&event.method, MAX_METHOD),
        "path": escape_capped(&event.path, MAX_PATH),
        "status": event.status, "ms": (ms * 1000.0).round() / 1000.0,
        "reason": event.reason,
    })
    .to_string()
}

/// A request as a line for people: method, path, status coloured by class, time, reason.
pub(super) fn text_line(event: RequestEvent, ms: f64, paint: Paint) -> String {
    let status = match event.status {
        200..=399 => paint.good(&event.status.to_string()),
        _ => paint.bad(&event.status.to_string()),
    };
    let reason = event
        .reason
        .map_or(String::new(), |r| format!("  {}", escape(&r)));
    format!(
        "{} {} {status} {}{reason}",
        escape_capped(&event.method, MAX_METHOD),
        escape_capped(&event.path, MAX_PATH),
        paint.dim(&format!("{ms:.2} ms"))
    )
}
