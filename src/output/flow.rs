//! The flow's steps and verdict as lines for people.

use super::{Paint, escape};
use crate::flow::{Step, StepKind};

/// One step: `  ✓ token validated     0.06 ms  20 of 20 checks passed, …`.
pub fn render_step(step: &Step, elapsed_ms: f64, paint: Paint) -> String {
    // Details quote what a backend or service sent: escaped before any colour is added.
    let detail = escape(&step.detail);
    let (mark, detail) = if step.ok {
        (paint.good("✓"), detail.into_owned())
    } else {
        (paint.bad("✗"), paint.bad(&detail))
    };
    let time = paint.dim(&format!("{elapsed_ms:>7.2} ms"));
    format!("  {mark} {:<18} {time}  {detail}", step.step.label())
}

/// The last line: passed (for whom, with or without the challenge) or the step that failed.
pub fn flow_verdict(
    failed: Option<StepKind>,
    user: &str,
    challenge: bool,
    total_ms: f64,
    paint: Paint,
) -> String {
    let user = serde_json::Value::from(user).to_string();
    let user = escape(&user);
    match failed {
        None => {
            let again = if challenge {
                ", re-authenticated after the challenge"
            } else {
                ""
            };
            paint.good(&format!(
                "✓ flow passed: authenticated as {user}{again}, deauthenticated ({total_ms:.1} ms)"
            ))
        }
        Some(step) => paint.bad(&format!(
            "✗ flow failed at step \"{}\" ({total_ms:.1} ms)",
            step.label()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_shows_mark_label_time_and_detail() {
        let step = Step {
            step: StepKind::NonceIssued,
            ok: true,
            detail: "nonce n".into(),
            report: None,
        };
        assert_eq!(
            render_step(&step, 0.5, Paint::plain()),
            "  ✓ nonce issued          0.50 ms  nonce n"
        );
        let failed = Step {
            ok: false,
            detail: "HTTP 500".into(),
            ..step
        };
        assert!(render_step(&failed, 1.0, Paint::plain()).starts_with("  ✗ nonce issued"));
    }

    #[test]
    fn the_verdict_names_the_failed_step() {
        let plain = Paint::plain();
        assert_eq!(
            flow_verdict(None, "alice", true, 12.34, plain),
            "✓ flow passed: authenticated as \"alice\", re-authenticated after the challenge, deauthenticated (12.3 ms)"
        );
        assert_eq!(
            flow_verdict(Some(StepKind::TokenValidated), "alice", false, 3.0, plain),
            "✗ flow failed at step \"token validated\" (3.0 ms)"
        );
    }
}
