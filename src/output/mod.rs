//! Pure renderers for people: a validation report as text, coloured or plain. They write
//! into any `io::Write` and never decide colour themselves: the caller hands in a [`Paint`].
//! Every piece of text that came from outside goes through [`escape`] first, before any
//! colour is added.

mod ci;
mod escape;
mod flow;
mod report;

use colored::{ColoredString, Colorize as _};

pub use ci::{JunitCase, github_annotations, write_junit};
pub use escape::{escape, escape_capped, is_unsafe};
pub use flow::{FlowReport, TimedStep, Unestablished, flow_verdict, micros, render_step};
pub use report::{render_report, verdict};

use crate::checks::{Check, CheckId};

/// What the command at hand adds to the library's messages, which name no flag (`flow`,
/// `serve` and Rust callers show them too): how to supply what was missing, or allow what
/// failed, in that command's terms.
pub trait Hints {
    /// A hint for one check, shown after its message ("pass --nonce NONCE").
    fn check(&self, _check: &Check) -> Option<String> {
        None
    }
    /// How to make the checks that were not made ("pass --provider-id and --key-id").
    fn not_made(&self, _ids: &[CheckId]) -> Option<String> {
        None
    }
}

/// No hints: the library's messages alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHints;

impl Hints for NoHints {}

/// Colour for one stream, decided by the caller: when off, every method returns plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// Colours when `on`; plain text otherwise. The caller must also have enabled `colored`
    /// globally (`colored::control::set_override(true)`), since it decides per process.
    pub fn new(on: bool) -> Self {
        Self { on }
    }

    /// Plain text, whatever the terminal.
    pub fn plain() -> Self {
        Self { on: false }
    }

    fn apply(self, text: &str, style: fn(&str) -> ColoredString) -> String {
        if self.on {
            style(text).to_string()
        } else {
            text.to_owned()
        }
    }

    /// Success.
    pub fn good(self, text: &str) -> String {
        self.apply(text, |t| t.green())
    }
    /// Failure.
    pub fn bad(self, text: &str) -> String {
        self.apply(text, |t| t.red())
    }
    /// Warnings and notes.
    pub fn warn(self, text: &str) -> String {
        self.apply(text, |t| t.yellow())
    }
    /// Less important text.
    pub fn dim(self, text: &str) -> String {
        self.apply(text, |t| t.dimmed())
    }
    /// Headings.
    pub fn bold(self, text: &str) -> String {
        self.apply(text, |t| t.bold())
    }
}
