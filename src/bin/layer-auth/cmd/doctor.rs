//! `layer-auth doctor`: proves this build signs and verifies correctly (RFC 7515 A.2), then
//! prints snippets with which other stacks verify a token it just made.

use std::io::Write as _;

use anyhow::bail;
use chrono::{DateTime, Utc};
use clap::Args;
use layer_auth::checks::{self, Expect, Policy, Report};
use layer_auth::keys::{KeySet, SigningKey, VerifyingKey, known_answer};
use layer_auth::output::{Paint, escape};
use layer_auth::time::human;
use layer_auth::token::{self, TokenRequest, Typ};
use serde_json::Map;

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, KeyArgs, WeakKeyArgs};
use crate::{keysource, term};

const EXAMPLES: &str = "Examples:
  layer-auth doctor                                # an ephemeral key
  layer-auth doctor --key layer-key.pem > verify.sh && bash verify.sh
  layer-auth doctor --snippet pyjwt | bash         # one snippet";

/// Check this build against RFC 7515's RS256 example, then print snippets that verify a
/// token it signs with other stacks' libraries.
///
/// The known-answer test signs RFC 7515 A.2's input with its key and must give the RFC's
/// signature byte for byte, and verifies its JWS. Then a token is signed (with --key, or an
/// ephemeral key) and validated here, and stdout gets shell snippets, each standalone, that
/// verify that token with openssl dgst, PyJWT, node's jsonwebtoken and jsrsasign: run them
/// on another machine to prove the token is portable. Exit status: 0 all good, 1 a check
/// failed (this build must not be used), 2 bad input.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub weak: WeakKeyArgs,

    #[command(flatten)]
    pub ids: IdArgs,

    #[command(flatten)]
    pub clock: ClockArgs,

    /// Print only this snippet (default: all of them).
    #[arg(long, value_enum, value_name = "NAME")]
    pub snippet: Option<Snippet>,
}

/// The verifiers the snippets use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Snippet {
    /// `openssl dgst -verify`: on every machine.
    Openssl,
    /// Python's PyJWT (pip install "pyjwt[crypto]").
    Pyjwt,
    /// node's jsonwebtoken (npm install jsonwebtoken).
    Jsonwebtoken,
    /// node's jsrsasign, the library of Layer's own samples (npm install jsrsasign).
    Jsrsasign,
}

const ALL: [Snippet; 4] = [
    Snippet::Openssl,
    Snippet::Pyjwt,
    Snippet::Jsonwebtoken,
    Snippet::Jsrsasign,
];

pub fn run(args: &DoctorArgs, paint: Paint) -> anyhow::Result<Outcome> {
    if !known_answer_holds(paint) {
        return Ok(Outcome::Invalid);
    }
    let (key, which) = signer(args, paint)?;
    let (now, real) = args.clock.now_and_real();
    let token = signed_and_checked(args, &key, which, now, paint)?;
    let public = key.public_key().to_spki_pem()?;
    let mut out = term::stdout();
    for snippet in ALL
        .iter()
        .filter(|s| args.snippet.is_none_or(|only| only == **s))
    {
        writeln!(out, "{}", render(*snippet, &token, &public))?;
    }
    out.flush()?;
    let (iat, exp) = (now.timestamp(), now.timestamp() + LIFETIME);
    let real = real.timestamp();
    if real < iat || real >= exp {
        // What each library does with it, as tried: jsonwebtoken checks exp, not iat.
        let (when, refusing) = if real < iat {
            let ahead = human(iat - real);
            let until = DateTime::from_timestamp(iat, 0).map_or_else(String::new, |at| {
                format!(" until {},", at.format("%Y-%m-%dT%H:%M:%SZ"))
            });
            (
                format!("is issued {ahead} ahead of this machine's clock (--now):{until}"),
                "PyJWT and jsrsasign",
            )
        } else {
            let ago = match real - exp {
                0 => "just now".to_owned(),
                late => format!("{} ago", human(late)),
            };
            (
                format!("expired {ago} by this machine's clock (--now):"),
                "PyJWT, jsonwebtoken and jsrsasign",
            )
        };
        term::warn(
            paint,
            &format!(
                "the token {when} {refusing} judge it by their own clock and will refuse it; \
                 the openssl snippet checks only the signature"
            ),
        );
    } else {
        term::say(&format!(
            "  stdout has a snippet per verifier; each verifies the token above on its own (it \
             expires in {})",
            human(exp - real)
        ));
    }
    Ok(Outcome::Done)
}

/// How long the token lives, in seconds (Layer's usual ten minutes).
const LIFETIME: i64 = 600;

fn ok(paint: Paint, text: &str) {
    term::say(&format!("{} {text}", paint.good("✓")));
}

/// The RFC 7515 A.2 known-answer test, each step shown; false when one fails.
fn known_answer_holds(paint: Paint) -> bool {
    match known_answer::rfc7515_a2() {
        Ok(done) => {
            done.iter().for_each(|line| ok(paint, line));
            true
        }
        Err(problem) => {
            term::say(&paint.bad(&format!("✗ {problem}")));
            false
        }
    }
}

/// The configured key, or an ephemeral one, and how to name it.
fn signer(args: &DoctorArgs, paint: Paint) -> anyhow::Result<(SigningKey, &'static str)> {
    if !args.key.is_configured() {
        return Ok((SigningKey::generate(2048)?, "an ephemeral 2048-bit key"));
    }
    let loaded = keysource::signing_key(&args.key, args.weak.weak_keys())?;
    term::warnings(paint, &loaded.warnings);
    Ok((loaded.value, "your key"))
}

/// A token signed with `key` for the made-up user and nonce (with the configured ids, if
/// any), and validated here against all of them.
fn signed_and_checked(
    args: &DoctorArgs,
    key: &SigningKey,
    which: &str,
    now: DateTime<Utc>,
    paint: Paint,
) -> anyhow::Result<String> {
    let request = doctor_request(args, now.timestamp());
    let token = token::sign(&request, key)?;
    let report = validated(&token, request, key, now)?;
    let failed: Vec<&str> = report.failures().map(|c| c.id.as_str()).collect();
    if !report.valid || !failed.is_empty() {
        bail!(
            "a token signed with {which} does not validate here ({}): run `layer-auth validate` \
             on it for the details",
            failed.join(", ")
        );
    }
    ok(paint, &passed(&report, key, which));
    for check in report.warnings() {
        term::say(&format!(
            "  {} {}  {}",
            paint.warn("⚠"),
            check.id.as_str(),
            escape(&check.message)
        ));
    }
    Ok(token)
}

/// The report on `token`, judged at `now` against `key` alone and expecting every id of the
/// `request` it was signed from.
fn validated(
    token: &str,
    request: TokenRequest,
    key: &SigningKey,
    now: DateTime<Utc>,
) -> anyhow::Result<Report> {
    let keys = KeySet::new(vec![VerifyingKey::new(key.public_key().clone(), None)?]);
    let expect = Expect {
        nonce: Some(request.nonce),
        user: Some(request.user),
        provider_id: Some(request.provider_id),
        key_id: Some(request.key_id),
    };
    let policy = Policy {
        expect,
        ..Policy::new(now, &keys)
    };
    Ok(checks::validate(token, &policy))
}

/// The line saying a token signed with `which` passed every check, and how many warnings
/// `validate` would name.
fn passed(report: &Report, key: &SigningKey, which: &str) -> String {
    let note = match report.warnings().count() {
        0 => String::new(),
        1 => ", with this warning:".to_owned(),
        n => format!(", with these {n} warnings:"),
    };
    let thumbprint = key.public_key().thumbprint();
    let checks = report.checks.len();
    format!(
        "a token signed with {which} (thumbprint {thumbprint}) passes every one of the {checks} \
         checks here{note}"
    )
}

/// The made-up user and nonce, the configured ids (or made-up ones), issued at `now`.
fn doctor_request(args: &DoctorArgs, now: i64) -> TokenRequest {
    let made_up = |kind: &str| format!("layer:///{kind}/00000000-0000-4000-8000-000000000000");
    TokenRequest {
        key_id: args.ids.key_id().unwrap_or_else(|| made_up("keys")),
        typ: Typ::Jws,
        provider_id: args
            .ids
            .provider_id()
            .unwrap_or_else(|| made_up("providers")),
        user: "doctor".into(),
        nonce: "layer-auth-doctor".into(),
        issued_at: now,
        expires_at: now + LIFETIME,
        extra: Map::new(),
    }
}

/// One standalone shell snippet that verifies `token` under `public` (SPKI PEM) and exits
/// 0 only when it verifies. The token and the PEM are base64url and base64: safe inside
/// single quotes.
fn render(snippet: Snippet, token: &str, public: &str) -> String {
    let public = public.trim_end();
    match snippet {
        Snippet::Openssl => openssl(token, public),
        Snippet::Pyjwt => pyjwt(token, public),
        Snippet::Jsonwebtoken => jsonwebtoken(token, public),
        Snippet::Jsrsasign => jsrsasign(token, public),
    }
}

/// `openssl dgst -verify` on the token's input and its decoded signature.
fn openssl(token: &str, public: &str) -> String {
    format!(
        r#"# openssl dgst (any machine): prints "Verified OK"
(
set -e; d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
token='{token}'
cat > "$d/pub.pem" <<'PEM'
{public}
PEM
printf '%s' "${{token%.*}}" > "$d/input"
sig=$(printf '%s' "${{token##*.}}" | tr '_-' '/+')
while [ $(( ${{#sig}} % 4 )) -ne 0 ]; do sig="$sig="; done
printf '%s' "$sig" | openssl base64 -d -A > "$d/sig"
openssl dgst -sha256 -verify "$d/pub.pem" -signature "$d/sig" "$d/input"
)
"#
    )
}

/// PyJWT's `jwt.decode`, with RS256 alone.
fn pyjwt(token: &str, public: &str) -> String {
    format!(
        r#"# PyJWT (pip install "pyjwt[crypto]"): prints the claims
python3 - '{token}' <<'PY'
import sys, jwt
key = """{public}"""
print(jwt.decode(sys.argv[1], key, algorithms=["RS256"]))
PY
"#
    )
}

/// node's jsonwebtoken `jwt.verify`, with RS256 alone.
fn jsonwebtoken(token: &str, public: &str) -> String {
    format!(
        r#"# node jsonwebtoken (npm install jsonwebtoken): prints the claims
KEY='{public}' TOKEN='{token}' node -e '
const jwt = require("jsonwebtoken");
console.log(jwt.verify(process.env.TOKEN, process.env.KEY, {{ algorithms: ["RS256"] }}));
'
"#
    )
}

/// node's jsrsasign `verifyJWT`, as in Layer's samples, with RS256 alone and the time now.
fn jsrsasign(token: &str, public: &str) -> String {
    format!(
        r#"# node jsrsasign, as in Layer's samples (npm install jsrsasign): prints "verified"
KEY='{public}' TOKEN='{token}' node -e '
const rs = require("jsrsasign");
const key = rs.KEYUTIL.getKey(process.env.KEY);
const ok = rs.KJUR.jws.JWS.verifyJWT(process.env.TOKEN, key,
  {{ alg: ["RS256"], verifyAt: rs.KJUR.jws.IntDate.getNow() }});
console.log(ok ? "verified" : "NOT verified"); process.exit(ok ? 0 : 1);
'
"#
    )
}
