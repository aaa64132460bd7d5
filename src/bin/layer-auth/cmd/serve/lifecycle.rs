//! How the server runs: a current-thread runtime per core, until a signal or the `-- CMD`
//! child ends, and the state it keeps across restarts.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use layer_auth::http::server::{self, App, ServerConfig};
use layer_auth::output::{Paint, escape};
use layer_auth::service::{SavedState, Service};

use super::{Outcome, Setup};
use crate::term;

/// One current-thread runtime per core, each on a thread of its own, for the connections
/// to live on: a connection's requests then never hop between threads. Dropped, they stop
/// (dropping whatever connections outlived the shutdown's grace period).
pub(super) struct Workers {
    pub(super) handles: Vec<tokio::runtime::Handle>,
    stops: Vec<tokio::sync::oneshot::Sender<()>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    pub(super) fn start() -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let mut workers = Self {
            handles: Vec::new(),
            stops: Vec::new(),
            threads: Vec::new(),
        };
        for n in 0..cores {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the server's runtime")?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            workers.handles.push(runtime.handle().clone());
            workers.stops.push(stop);
            let thread = std::thread::Builder::new()
                .name(format!("serve-{n}"))
                .spawn(move || {
                    let _ = runtime.block_on(stopped);
                })
                .context("cannot start the server's threads")?;
            workers.threads.push(thread);
        }
        Ok(workers)
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for stop in self.stops.drain(..) {
            let _ = stop.send(());
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// What a `-- CMD` gets in its environment.
pub(super) struct ChildEnv {
    url: String,
    app_id: String,
    provider_id: String,
    key_id: String,
}

impl ChildEnv {
    /// The service's URL and ids.
    pub(super) fn new(url: String, setup: &Setup) -> Self {
        Self {
            url,
            app_id: setup.service.config().app_id.clone(),
            provider_id: setup.provider_id.clone(),
            key_id: setup.key_id.clone(),
        }
    }
}

/// Serves until a signal, or until `command` (when given) exits.
pub(super) async fn serve_until_done(
    listener: std::net::TcpListener,
    app: App,
    config: ServerConfig,
    command: &[String],
    env: ChildEnv,
    paint: Paint,
) -> anyhow::Result<Outcome> {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(listener, app, config, async move {
        let _ = stop_rx.await;
    }));
    let outcome = match command.split_first() {
        None => {
            signal().await;
            Outcome::Done
        }
        Some((program, rest)) => run_child(program, rest, &env, paint).await?,
    };
    let _ = stop_tx.send(());
    server
        .await
        .context("the server stopped unexpectedly")?
        .context("the server failed")?;
    Ok(outcome)
}

/// SIGINT or SIGTERM.
pub(super) async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the command with the service's URL and ids; its exit status becomes ours (a signal
/// to serve stops it first). A command killed by a signal gives 128 + its number, as a shell
/// does, and says so on stderr: a bare 1 would read as the command's own failure.
pub(super) async fn run_child(
    program: &str,
    rest: &[String],
    env: &ChildEnv,
    paint: Paint,
) -> anyhow::Result<Outcome> {
    let mut child = tokio::process::Command::new(program)
        .args(rest)
        .env("LAYER_URL", &env.url)
        .env("LAYER_APP_ID", &env.app_id)
        .env("LAYER_PROVIDER_ID", &env.provider_id)
        .env("LAYER_KEY_ID", &env.key_id)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot run {}", escape(program)))?;
    let status = tokio::select! {
        status = child.wait() => status.context("waiting for the command")?,
        () = signal() => {
            let _ = child.kill().await;
            let text = format!("stopped by a signal before {program} finished; it was stopped too");
            term::warn_within(paint, &text, SAY_WAIT);
            return Ok(Outcome::Invalid);
        }
    };
    if let Some(code) = status.code() {
        return Ok(match u8::try_from(code) {
            Ok(0) => Outcome::Done,
            Ok(code) => Outcome::Exit(code),
            Err(_) => Outcome::Invalid,
        });
    }
    let number = killed_by(&status);
    let text = format!("{program} was killed by {}", signal_name(number));
    term::warn_within(paint, &text, SAY_WAIT);
    Ok(Outcome::Exit(
        number.map_or(1, |n| u8::try_from(128 + n).unwrap_or(1)),
    ))
}

/// How long a line said while stopping may wait for stderr.
const SAY_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// The signal that ended a process with no exit code.
fn killed_by(status: &std::process::ExitStatus) -> Option<i32> {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        status.signal()
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        None
    }
}

/// "signal 9 (SIGKILL)", for the signals a test run usually dies of.
fn signal_name(signal: Option<i32>) -> String {
    const NAMES: [(i32, &str); 11] = [
        (1, "SIGHUP"),
        (2, "SIGINT"),
        (3, "SIGQUIT"),
        (4, "SIGILL"),
        (6, "SIGABRT"),
        (7, "SIGBUS"),
        (8, "SIGFPE"),
        (9, "SIGKILL"),
        (11, "SIGSEGV"),
        (13, "SIGPIPE"),
        (15, "SIGTERM"),
    ];
    match signal {
        None => "a signal".into(),
        Some(n) => match NAMES.iter().find(|(k, _)| *k == n) {
            Some((_, name)) => format!("signal {n} ({name})"),
            None => format!("signal {n}"),
        },
    }
}

pub(super) fn restore(service: &Service, path: &Path) -> anyhow::Result<()> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot read the state file {}", path.display()));
        }
    };
    let saved: SavedState = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "the state file {} is not a layer-auth state",
            path.display()
        )
    })?;
    service.restore(saved).with_context(|| {
        format!(
            "the state file {} holds what no service wrote (remove it to start afresh)",
            path.display()
        )
    })
}

/// Whether the state can be saved where `path` says, found out before serving rather than
/// when a whole session's state is to be written: a temporary file is made beside it, and
/// removed.
pub(super) fn check_state_dir(path: &Path) -> anyhow::Result<()> {
    let probe = state_temp(path).context("serve saves its state there when it stops")?;
    drop(probe);
    Ok(())
}

/// A temporary file beside the state file, for it to be renamed into place.
fn state_temp(path: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".layer-auth-state-")
        .tempfile_in(crate::keyfile::parent_dir(path))
        .with_context(|| format!("cannot write the state file beside {}", path.display()))
}

/// Writes the state atomically: a temporary file beside it, then renamed into place.
pub(super) fn save(service: &Service, path: &Path) -> anyhow::Result<()> {
    let mut file = state_temp(path)?;
    // Buffered: 250,000 nonces were 90,000 small writes a thousand, seconds at shutdown.
    let mut out = std::io::BufWriter::new(&mut file);
    serde_json::to_writer(&mut out, &service.save())?;
    out.flush()?;
    drop(out);
    file.as_file().sync_all()?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write the state file {}", path.display()))?;
    Ok(())
}
