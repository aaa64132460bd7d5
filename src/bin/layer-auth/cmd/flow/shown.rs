//! A `flow` run as people and CI see it: each step on stderr as it happens, a refused token
//! explained (with a `validate` line that reproduces the verdict), the verdict, and the
//! JSON report.

use std::io::Write as _;
use std::time::Instant;

use chrono::TimeDelta;
use layer_auth::flow::{Step, StepKind};
use layer_auth::output::{
    FlowReport, Paint, TimedStep, Unestablished, escape, flow_verdict, json_line, micros,
    render_step,
};

use super::FlowArgs;
use super::world::World;
use crate::hints::{FlagHints, Given};
use crate::term::shell_quote;
use crate::{keysource, term};

/// Steps as they happen, on stderr; the JSON report at the end.
pub struct Shown<'a> {
    args: &'a FlowArgs,
    world: &'a World,
    paint: Paint,
    hints: FlagHints,
    steps: Vec<(Step, f64)>,
    last: Instant,
}

impl<'a> Shown<'a> {
    pub fn new(args: &'a FlowArgs, world: &'a World, paint: Paint) -> Self {
        let given = Given {
            nonce: true,
            user: true,
            provider_id: world.expect_provider_id.is_some(),
            key_id: world.expect_key_id.is_some(),
            keys: true,
            skip_signature: false,
            per_line: false,
        };
        Self {
            args,
            world,
            paint,
            hints: FlagHints::new(given),
            steps: Vec::new(),
            last: Instant::now(),
        }
    }

    pub fn step(&mut self, step: &Step) {
        let elapsed_ms = self.last.elapsed().as_secs_f64() * 1000.0;
        self.last = Instant::now();
        if !self.args.quiet {
            term::say(&render_step(step, elapsed_ms, self.paint));
            if step.step == StepKind::TokenValidated && !step.ok {
                self.explain(step);
            }
        }
        self.steps.push((step.clone(), elapsed_ms));
    }

    /// After a refused token: the token, what it holds, and a command that reproduces the
    /// verdict.
    fn explain(&self, step: &Step) {
        let token = self.latest(|s| s.token.clone());
        let dim = |label: &str| self.paint.dim(label);
        term::say(&format!("      {} {}", dim("token "), escape(&token)));
        if let Some(report) = &step.report {
            for (label, part) in [("header", &report.header), ("claims", &report.claims)] {
                let text = part.as_ref().map_or("(could not be decoded)", |p| p.json());
                term::say(&format!("      {} {}", dim(label), escape(text)));
            }
        }
        term::say(&format!(
            "      {} {}",
            dim("again "),
            self.reproduce(&token)
        ));
    }

    /// What the latest step that has it says of `field` (empty when none does).
    fn latest(&self, field: impl Fn(&Step) -> Option<String>) -> String {
        self.steps
            .iter()
            .rev()
            .find_map(|(s, _)| field(s))
            .unwrap_or_default()
    }

    /// `layer-auth validate '…' --public-key … --nonce … --user … --now …`.
    fn reproduce(&self, token: &str) -> String {
        let nonce = self.latest(|s| s.nonce.clone());
        let mut words = vec!["layer-auth validate".to_owned(), shell_quote(token)];
        self.push_keys(&mut words);
        words.push(format!(
            "--nonce {} --user {}",
            shell_quote(&nonce),
            shell_quote(&self.args.user)
        ));
        self.push_expectations(&mut words);
        escape(&words.join(" ")).into_owned()
    }

    /// `--public-key` for each key the tokens were checked with, else `--key` for the one
    /// that signed them.
    fn push_keys(&self, words: &mut Vec<String>) {
        for path in &self.args.public_key {
            words.push(format!(
                "--public-key {}",
                shell_quote(&keysource::shown(path))
            ));
        }
        if self.args.public_key.is_empty()
            && let Some(path) = self.args.key.path()
        {
            words.push(format!("--key {}", shell_quote(&keysource::shown(path))));
        }
    }

    /// The ids the tokens had to carry, and the run's leeway, time and strictness.
    fn push_expectations(&self, words: &mut Vec<String>) {
        if let Some(id) = &self.world.expect_provider_id {
            words.push(format!("--provider-id {}", shell_quote(id)));
        }
        if let Some(id) = &self.world.expect_key_id {
            words.push(format!("--key-id {}", shell_quote(id)));
        }
        if self.args.leeway > TimeDelta::zero() {
            words.push(format!("--leeway {}s", self.args.leeway.num_seconds()));
        }
        words.push(format!("--now {}", self.args.clock.now().timestamp()));
        if self.args.strict {
            words.push("--strict".into());
        }
    }

    pub fn finish(self, ok: bool, total_ms: f64) -> anyhow::Result<()> {
        let steps: Vec<&Step> = self.steps.iter().map(|(s, _)| s).collect();
        let open = Unestablished::of(&steps);
        let failed = steps.iter().find(|s| !s.ok).map(|s| s.step);
        term::say(&flow_verdict(
            failed,
            &open,
            &self.args.user,
            self.args.challenge,
            total_ms,
            self.paint,
            &self.hints,
        ));
        if !self.args.json {
            return Ok(());
        }
        let mut out = term::stdout();
        out.write_all(json_line(&self.report(ok, open, total_ms))?.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// The JSON report of the run: its verdict, what it did not establish, and each step
    /// with its time.
    fn report(&self, ok: bool, open: Unestablished, total_ms: f64) -> FlowReport<'_> {
        FlowReport {
            schema: 1,
            ok,
            user: &self.args.user,
            strict: self.args.strict,
            warnings: open.warnings,
            not_checked: open.not_checked,
            steps: self
                .steps
                .iter()
                .map(|(step, ms)| TimedStep {
                    step,
                    elapsed_ms: micros(*ms),
                })
                .collect(),
            total_ms: micros(total_ms),
        }
    }
}
