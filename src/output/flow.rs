//! The flow's steps and verdict for people, and its JSON report.

use serde::Serialize;

use super::report::{count, mark, not_made};
use super::{Hints, Paint, escape};
use crate::checks::{CheckId, Status};
use crate::flow::{Step, StepKind};

/// One step: `  ✓ token validated     0.06 ms  20 of 20 checks passed, …`, and under it one
/// `⚠` line per warning.
pub fn render_step(step: &Step, elapsed_ms: f64, paint: Paint) -> String {
    // Details quote what a backend or service sent: escaped before any colour is added.
    let detail = escape(&step.detail);
    let detail = match step.status {
        Status::Fail => paint.bad(&detail),
        _ => detail.into_owned(),
    };
    let time = paint.dim(&format!("{elapsed_ms:>7.2} ms"));
    let mut text = format!(
        "  {} {:<18} {time}  {detail}",
        mark(step.status, paint),
        step.step.label()
    );
    for warning in &step.warnings {
        text.push_str(&format!(
            "\n      {} {}",
            paint.warn("⚠"),
            paint.warn(&escape(warning))
        ));
    }
    text
}

/// What a whole run did not establish: its warnings, and the checks it could not make.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unestablished {
    /// Every step's warnings, in order.
    pub warnings: usize,
    /// The checks not made, without repeats, in report order.
    pub not_checked: Vec<CheckId>,
}

impl Unestablished {
    /// Gathered from the steps of a run.
    pub fn of(steps: &[&Step]) -> Self {
        let mut open = Self::default();
        for step in steps {
            open.warnings += step.warnings.len();
            for id in &step.not_checked {
                if !open.not_checked.contains(id) {
                    open.not_checked.push(*id);
                }
            }
        }
        open
    }

    /// Whether everything was established.
    pub fn is_empty(&self) -> bool {
        self.warnings == 0 && self.not_checked.is_empty()
    }

    fn describe(&self, hints: &dyn Hints) -> String {
        let mut parts = Vec::new();
        if self.warnings > 0 {
            parts.push(count(self.warnings, "warning"));
        }
        if !self.not_checked.is_empty() {
            parts.push(not_made(&self.not_checked, hints));
        }
        parts.join(" and ")
    }
}

/// The last line: passed (for whom, with or without the challenge, and what it did not
/// establish) or the step that failed.
pub fn flow_verdict(
    failed: Option<StepKind>,
    open: &Unestablished,
    user: &str,
    challenge: bool,
    total_ms: f64,
    paint: Paint,
    hints: &dyn Hints,
) -> String {
    let user = serde_json::Value::from(user).to_string();
    let user = escape(&user);
    let Some(step) = failed else {
        let again = if challenge {
            ", re-authenticated after the challenge"
        } else {
            ""
        };
        let with = if open.is_empty() {
            String::new()
        } else {
            format!(" with {}", open.describe(hints))
        };
        return paint.good(&format!(
            "✓ flow passed{with}: authenticated as {user}{again}, deauthenticated ({total_ms:.1} ms)"
        ));
    };
    paint.bad(&format!(
        "✗ flow failed at step \"{}\" ({total_ms:.1} ms)",
        step.label()
    ))
}

/// The JSON report of a run, one object on stdout.
///
/// `{"schema": 1, "ok": bool, "user": "…", "strict": bool, "warnings": N,
///   "not_checked": ["eit_…"], "total_ms": f64,
///   "steps": [{"n", "step", "phase", "ok", "status", "detail", "elapsed_ms", …}]}`:
/// each step as [`Step`] documents it, plus `elapsed_ms`. Times are milliseconds rounded to
/// the microsecond.
#[derive(Debug, Serialize)]
pub struct FlowReport<'a> {
    /// Bumped when a field changes meaning or goes away.
    pub schema: u32,
    /// Every step went as SPEC §2 says.
    pub ok: bool,
    /// The user the client asked for.
    pub user: &'a str,
    /// Whether warnings and checks not made failed the run.
    pub strict: bool,
    /// How many warnings the steps gave.
    pub warnings: usize,
    /// The checks the run could not make.
    pub not_checked: Vec<CheckId>,
    /// The steps, in order.
    pub steps: Vec<TimedStep<'a>>,
    /// The whole run.
    pub total_ms: f64,
}

/// A step and how long it took.
#[derive(Debug, Serialize)]
pub struct TimedStep<'a> {
    /// The step.
    #[serde(flatten)]
    pub step: &'a Step,
    /// Milliseconds, rounded to the microsecond.
    pub elapsed_ms: f64,
}

/// Milliseconds rounded to the microsecond, for JSON.
pub fn micros(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Phase;
    use crate::output::NoHints;

    fn step(status: Status, detail: &str) -> Step {
        let result = match status {
            Status::Fail => Err(detail.to_owned()),
            _ => Ok(detail.to_owned()),
        };
        Step::new(StepKind::NonceIssued, Phase::SignIn, result)
    }

    #[test]
    fn a_step_shows_mark_label_time_detail_and_its_warnings() {
        let mut s = step(Status::Pass, "nonce n");
        assert_eq!(
            render_step(&s, 0.5, Paint::plain()),
            "  ✓ nonce issued          0.50 ms  nonce n"
        );
        s.status = Status::Warn;
        s.warnings = vec!["a newline was trimmed".into()];
        assert_eq!(
            render_step(&s, 0.5, Paint::plain()),
            "  ⚠ nonce issued          0.50 ms  nonce n\n      ⚠ a newline was trimmed"
        );
        let failed = step(Status::Fail, "HTTP 500");
        assert!(render_step(&failed, 1.0, Paint::plain()).starts_with("  ✗ nonce issued"));
    }

    #[test]
    fn the_verdict_names_the_failed_step_or_what_was_not_established() {
        let plain = Paint::plain();
        let none = Unestablished::default();
        assert_eq!(
            flow_verdict(None, &none, "alice", true, 12.34, plain, &NoHints),
            "✓ flow passed: authenticated as \"alice\", re-authenticated after the challenge, deauthenticated (12.3 ms)"
        );
        let open = Unestablished {
            warnings: 1,
            not_checked: vec![CheckId::Provider, CheckId::KeyId],
        };
        assert_eq!(
            flow_verdict(None, &open, "alice", false, 1.0, plain, &NoHints),
            "✓ flow passed with 1 warning and 2 checks not made (iss, kid): authenticated as \"alice\", deauthenticated (1.0 ms)"
        );
        assert_eq!(
            flow_verdict(
                Some(StepKind::TokenValidated),
                &none,
                "alice",
                false,
                3.0,
                plain,
                &NoHints
            ),
            "✗ flow failed at step \"token validated\" (3.0 ms)"
        );
    }
}
