//! The terminal edge: colour per stream (SPEC §3), the data stream, error lines, the panic
//! hook, and a quiet end on a closed pipe.

use std::io::{self, IsTerminal as _, Write};

use layer_auth::output::{Paint, escape};

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    // No doc comments here: clap would list them under every subcommand's --help.
    Auto,
    Always,
    Never,
}

/// What the environment says about colour for one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColorEnv {
    pub is_terminal: bool,
    pub term: Option<String>,
    pub no_color: Option<String>,
    pub clicolor_force: Option<String>,
}

/// SPEC §3's rule for one stream: an explicit choice wins; a non-empty `NO_COLOR` beats
/// `CLICOLOR_FORCE=1`, which beats the terminal test; `TERM=dumb` is no colour.
pub fn decide(choice: ColorChoice, env: &ColorEnv) -> bool {
    let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set(&env.no_color) => false,
        ColorChoice::Auto
            if env
                .clicolor_force
                .as_deref()
                .is_some_and(|v| v != "0" && !v.is_empty()) =>
        {
            true
        }
        ColorChoice::Auto => env.is_terminal && env.term.as_deref() != Some("dumb"),
    }
}

/// Decides colour for stderr (stdout carries only data and is never coloured) and returns
/// the [`Paint`] every renderer of human text uses.
pub fn init(choice: ColorChoice) -> Paint {
    let env = ColorEnv {
        is_terminal: io::stderr().is_terminal(),
        term: std::env::var("TERM").ok(),
        no_color: std::env::var("NO_COLOR").ok(),
        clicolor_force: std::env::var("CLICOLOR_FORCE").ok(),
    };
    let on = decide(choice, &env);
    // `colored` decides from stdout alone; we decide per stream and tell it to obey `Paint`.
    colored::control::set_override(on);
    Paint::new(on)
}

/// The data stream: stdout, locked, buffered unless it is a terminal; its errors say that
/// stdout failed.
pub fn stdout() -> Box<dyn Write> {
    let out = io::stdout();
    if out.is_terminal() {
        Box::new(Stdout(out.lock()))
    } else {
        Box::new(Stdout(io::BufWriter::with_capacity(64 * 1024, out.lock())))
    }
}

/// Writes to stdout whose errors name it: `> file` on a full disk otherwise ends in a bare
/// "No space left on device", naming nothing. The error's kind is kept (a closed pipe is
/// still a quiet end).
pub struct Stdout<W>(pub W);

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(stdout_error)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.0.write_vectored(bufs).map_err(stdout_error)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(stdout_error)
    }
}

/// `error`, saying it happened writing stdout (once, however many layers it passes).
fn stdout_error(error: io::Error) -> io::Error {
    const SAYS: &str = "cannot write to stdout";
    if error.kind() == io::ErrorKind::Interrupted || error.to_string().starts_with(SAYS) {
        return error;
    }
    io::Error::new(error.kind(), format!("{SAYS}: {error}"))
}

/// Output made elsewhere (on the worker threads of a stream), held until the end of a chunk
/// and then written in vectored writes: each piece goes out from where it was made, never
/// copied into a buffer first (that copy, on the thread that writes, was 1% of a stream's CPU).
#[derive(Default)]
pub struct Gather {
    pieces: Vec<Vec<u8>>,
    bytes: usize,
}

impl Gather {
    /// Most bytes held before [`Gather::wants_write`] says to write them.
    const MAX_BYTES: usize = 4 * 1024 * 1024;

    /// Holds `piece` (nothing when it is empty).
    pub fn push(&mut self, piece: Vec<u8>) {
        if !piece.is_empty() {
            self.bytes += piece.len();
            self.pieces.push(piece);
        }
    }

    /// Whether enough is held that it should be written now, whatever the chunk.
    pub fn wants_write(&self) -> bool {
        self.bytes >= Self::MAX_BYTES
    }

    /// Writes everything held to `out`, in order, and holds nothing after.
    ///
    /// # Errors
    /// Whatever `out` returns (a closed pipe, a full disk).
    pub fn write_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let mut slices: Vec<io::IoSlice<'_>> =
            self.pieces.iter().map(|p| io::IoSlice::new(p)).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match out.write_vectored(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => io::IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        drop(slices);
        self.pieces.clear();
        self.bytes = 0;
        Ok(())
    }
}

/// A line for people on stderr; a failed write to stderr is not worth dying over.
/// One write per line, so that lines from a `-- CMD` child sharing stderr never cut into it.
pub fn say(text: &str) {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    let _ = io::stderr().write_all(line.as_bytes());
}

/// `warning: …` on stderr; `text` is escaped (it may quote a key file or a token).
pub fn warn(paint: Paint, text: &str) {
    say(&format!("{} {}", paint.warn("warning:"), escape(text)));
}

/// [`warn`], but giving up after `wait` when stderr does not take the line (a pipe nobody
/// reads, whose lock a blocked writer holds): for what is said while stopping, which must
/// never keep the process from ending.
pub fn warn_within(paint: Paint, text: &str, wait: std::time::Duration) {
    let (done, finished) = std::sync::mpsc::channel();
    let text = text.to_owned();
    let spawned = std::thread::Builder::new()
        .name("warn".into())
        .spawn(move || {
            warn(paint, &text);
            let _ = done.send(());
        });
    if spawned.is_ok() {
        let _ = finished.recv_timeout(wait);
    }
}

/// Each warning on its own `warning:` line.
pub fn warnings(paint: Paint, warnings: &[impl std::fmt::Display]) {
    for warning in warnings {
        warn(paint, &warning.to_string());
    }
}

/// One `error: …` line on stderr, the whole cause chain joined by `: `, escaped and with
/// anything that looks like key material hidden.
pub fn print_error(error: &anyhow::Error, paint: Paint) {
    let text = format!("{error:#}");
    say(&format!(
        "{} {}",
        paint.bad("error:"),
        escape(&hide_key_material(&text))
    ));
    if let Some(hint) = crate::hints::for_error(error) {
        say(&format!("{} {hint}", paint.dim("hint:")));
    }
}

/// `text` with the body of every PEM block, and every run of 40 or more base64 characters
/// that looks random (upper case, lower case and digits mixed, as key material is),
/// replaced by a note of its length: the last line of defence, for text we did not write
/// (clap's errors, which quote arguments). A PEM's body goes whole, its short last line too.
pub fn hide_key_material(text: &str) -> std::borrow::Cow<'_, str> {
    let unarmoured = hide_pem_bodies(text);
    let mut out = String::new();
    let mut rest: &str = &unarmoured;
    let mut changed = matches!(unarmoured, std::borrow::Cow::Owned(_));
    while let Some(start) = rest.find(is_b64) {
        let end = rest[start..]
            .find(|c| !is_b64(c))
            .map_or(rest.len(), |e| start + e);
        let run = &rest[start..end];
        out.push_str(&rest[..start]);
        if looks_random(run) {
            out.push_str(&format!("[{} characters hidden: key material?]", run.len()));
            changed = true;
        } else {
            out.push_str(run);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// `text` with the body of each PEM block replaced by a note of how many base64
/// characters it held: everything after a `-----BEGIN LABEL-----` armour line (or one that
/// lost its closing dashes) up to `-----END`, or to the end of the text. Only an armour line
/// counts (a label of letters, digits, spaces, `.`, `_` and `-`), so text that merely names the armour
/// (`expected PEM (-----BEGIN ...-----) or DER`, `'-----BEGIN' for …`) keeps its words.
/// Linear: each `-----BEGIN` looks at most 80 characters ahead for its label.
fn hide_pem_bodies(text: &str) -> std::borrow::Cow<'_, str> {
    const BEGIN: &str = "-----BEGIN";
    if !text.contains(BEGIN) {
        return std::borrow::Cow::Borrowed(text);
    }
    // RFC 7468 labels are capitals; a hand-edited one may not be. A quote or a backtick
    // (text quoting the armour) is no label, nor dots alone (`-----BEGIN ...-----`).
    let is_label = |label: &str| {
        label.bytes().any(|b| b.is_ascii_alphabetic())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" ._-".contains(&b))
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find(BEGIN) {
        let label = start + BEGIN.len();
        let window_end = rest[label..]
            .char_indices()
            .nth(80)
            .map_or(rest.len(), |(i, _)| label + i);
        let window = &rest[label..window_end];
        // The armour line ends at a line break, written or escaped (`\n`, `\u{a}`).
        let line = window
            .find(['\n', '\r', '\\'])
            .map_or(window, |e| &window[..e]);
        let body = match line.find("-----") {
            Some(e) if is_label(&line[..e]) => Some(label + e + 5),
            None if line.len() < window.len() && is_label(line) => Some(label + line.len()),
            _ => None,
        };
        let Some(body) = body else {
            out.push_str(&rest[..label]);
            rest = &rest[label..];
            continue;
        };
        out.push_str(&rest[..body]);
        let end = rest[body..]
            .find("-----END")
            .map_or(rest.len(), |e| body + e);
        let hidden = rest[body..end].chars().filter(|c| is_b64(*c)).count();
        if hidden > 0 {
            out.push_str(&format!("[{hidden} characters hidden: key material?]"));
            changed = true;
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A character of base64 or base64url.
fn is_b64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_')
}

/// A base64 run as long and as mixed (upper case, lower case, digits) as key material is.
fn looks_random(run: &str) -> bool {
    let count = |f: fn(&char) -> bool| run.chars().filter(f).count();
    run.len() >= 40
        && count(char::is_ascii_uppercase) >= 4
        && count(char::is_ascii_lowercase) >= 4
        && count(char::is_ascii_digit) >= 2
}

/// `text` in single quotes for a POSIX shell (a `'` inside becomes `'\''`), for commands
/// and `export` lines the user is to paste.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `text` as one word of a command line to paste: as it is when the shell reads every
/// character of it literally (`keys/layer.pem`), else [`shell_quote`]d.
pub fn shell_word(text: &str) -> std::borrow::Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./@%+=:,-".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.into()
    } else {
        shell_quote(text).into()
    }
}

/// Ends a run that clap refused (exit 2) or answered itself (`--help`, `--version`: exit 0,
/// on stdout). clap's messages quote the arguments, which may hold a key pasted by mistake:
/// they go through [`hide_key_material`] and [`escape`] like every other error.
pub fn clap_exit(error: &clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let mut out = io::stdout().lock();
        let written = write!(out, "{}", error.render()).and_then(|()| out.flush());
        // A closed pipe (`layer-auth --help | head`) is a quiet end too.
        let _ = written;
        return std::process::ExitCode::SUCCESS;
    }
    // `ansi()`, not `to_string()`: the latter strips escape sequences, the argument's too,
    // so `a\x1b[31mRED` would read `aRED`. With plain styles, clap adds none of its own.
    let text = error.render().ansi().to_string();
    // Hidden whole, then cut into lines: a PEM's body spans several.
    let text = hide_key_material(&text);
    let mut err = io::stderr().lock();
    for line in text.lines() {
        let _ = writeln!(err, "{}", escape(line));
    }
    std::process::ExitCode::from(2)
}

/// Whether the error is stdout closed under us (`layer-auth … | head -1`).
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let io = cause.downcast_ref::<io::Error>().map(io::Error::kind);
        // serde_json wraps the io::Error and hides it from `source()`.
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(io::ErrorKind::BrokenPipe)
    })
}

/// A progress counter on stderr for batch runs: shown only when stderr is a terminal, so
/// pipes and CI logs stay clean.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A spinner counting lines, labelled `what` ("signed", "validated").
    pub fn new(what: &str) -> Self {
        if !io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        let template = format!("{{spinner}} {{pos}} lines {what} ({{per_sec}}, {{elapsed}})");
        if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        Self(Some(bar))
    }

    /// One more line done.
    pub fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Runs `f` with the spinner cleared, so lines written meanwhile are not garbled.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// A message line on stderr, around the spinner.
    pub fn say(&self, text: &str) {
        self.suspend(|| say(text));
    }

    /// Clears the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Turns any panic into one line asking for a report, and exit status 2 (never 101).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
        say(&format!(
            "error: internal error{place}: this is a bug in layer-auth; please report it with \
             the command you ran (no key material is included in this message)"
        ));
        std::process::exit(2);
    }));
    if cfg!(debug_assertions) && std::env::var_os("LAYER_AUTH_DEBUG_PANIC").is_some() {
        // Lets the test suite (debug builds only) prove that a bug ends in one line and exit
        // status 2; release builds ignore the variable.
        #[allow(clippy::panic, reason = "deliberate, to test the panic hook")]
        {
            panic!("LAYER_AUTH_DEBUG_PANIC is set");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_bodies_are_hidden_whole_and_text_that_names_the_armour_is_kept() {
        let kept = [
            "not a key: expected PEM (-----BEGIN ...-----) or DER, or for a public key also JWK",
            "`-----BEGIN` is quoted, '-----BEGIN' too",
            "invalid value '-----BEGIN' for '--ttl <DURATION>': `-----BEGIN` is out of range",
            "no PEM here",
        ];
        for text in kept {
            assert_eq!(hide_pem_bodies(text), text);
        }
        let lines = [
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ",
            "short9Xy",
        ];
        let body = lines.join("\n");
        for text in [
            format!("'-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----' is bad"),
            // The armour lost its closing dashes.
            format!("-----BEGIN PRIVATE KEY\n{body}\n-----END PRIVATE KEY-----"),
            // Headers, tabs, escaped line breaks and \/ escapes inside the body; no END.
            format!("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\t{body}"),
            format!(
                "in -----BEGIN PRIVATE KEY\\u{{a}}\\u{{9}}{}",
                body.replace('\n', "\\n")
            ),
            format!(
                "-----BEGIN PRIVATE KEY-----\\n{}",
                body.replace("AA", "A\\/A")
            ),
        ] {
            let shown = hide_pem_bodies(&text);
            assert!(
                shown.contains("characters hidden: key material?"),
                "{shown}"
            );
            for line in lines {
                assert!(!shown.contains(line), "{line} in {shown}");
            }
        }
        // Many a `-----BEGIN` that is no armour: each looks only so far ahead.
        let many = "-----BEGIN 'x' ".repeat(20_000);
        assert_eq!(hide_pem_bodies(&many), many);
    }

    fn env(tty: bool, term: Option<&str>, no_color: Option<&str>, force: Option<&str>) -> ColorEnv {
        ColorEnv {
            is_terminal: tty,
            term: term.map(Into::into),
            no_color: no_color.map(Into::into),
            clicolor_force: force.map(Into::into),
        }
    }

    #[test]
    fn colour_follows_spec_section_3() {
        use ColorChoice::*;
        let table = [
            (Auto, env(true, Some("xterm"), None, None), true),
            (Auto, env(false, Some("xterm"), None, None), false),
            (Auto, env(true, Some("dumb"), None, None), false),
            (Auto, env(true, Some("xterm"), Some("1"), None), false),
            (Auto, env(true, Some("xterm"), Some(""), None), true),
            (Auto, env(false, None, None, Some("1")), true),
            (Auto, env(false, None, None, Some("0")), false),
            (Auto, env(false, None, Some("1"), Some("1")), false),
            (Always, env(false, Some("dumb"), Some("1"), None), true),
            (Never, env(true, Some("xterm"), None, Some("1")), false),
        ];
        for (choice, env, expected) in table {
            assert_eq!(decide(choice, &env), expected, "{choice:?} {env:?}");
        }
    }
}
