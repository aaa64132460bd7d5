//! Pure renderers for people: a validation report as text, coloured or plain. They write
//! into any `io::Write` and never decide colour themselves: the caller hands in a [`Paint`].
//! Every piece of text that came from outside goes through [`escape`] first, before any
//! colour is added.

mod escape;
mod flow;
mod report;

use colored::{ColoredString, Colorize as _};

pub use escape::{escape, escape_capped, is_unsafe};
pub use flow::{flow_verdict, render_step};
pub use report::{render_report, verdict};

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
