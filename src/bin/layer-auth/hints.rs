//! The command line's words for the library's messages: which flag supplies what a check
//! was missing, or allows what it refused. The library names no flag (its messages reach
//! `serve`'s clients too); this table, keyed by check, is where flags are named.

use std::borrow::Cow;

use layer_auth::checks::{Check, CheckId, Status};
use layer_auth::keys::KeyError;
use layer_auth::output::Hints;
use layer_auth::token::SignError;

/// The flag (and variable) that supplies a check's expected value, and the hint that asks
/// for it.
fn supplier(id: CheckId) -> Option<(&'static str, Option<&'static str>, &'static str)> {
    match id {
        CheckId::Nonce => Some(("--nonce", None, "pass --nonce")),
        CheckId::User => Some(("--user", None, "pass --user")),
        CheckId::Provider => Some((
            "--provider-id",
            Some("LAYER_PROVIDER_ID"),
            "pass --provider-id",
        )),
        CheckId::KeyId => Some(("--key-id", Some("LAYER_KEY_ID"), "pass --key-id")),
        CheckId::KeyNotFound | CheckId::Signature => {
            Some(("--public-key FILE", None, "pass --public-key FILE"))
        }
        _ => None,
    }
}

/// What the command was given, so hints name only what is missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given {
    pub nonce: bool,
    pub user: bool,
    pub provider_id: bool,
    pub key_id: bool,
    pub keys: bool,
    pub skip_signature: bool,
    /// `--jsonl`: each line may bring its own nonce and user, so a hint for them names the
    /// line's members (and the flags that stand in for a line without them).
    pub per_line: bool,
}

impl Given {
    fn has(&self, id: CheckId) -> bool {
        match id {
            CheckId::Nonce => self.nonce,
            CheckId::User => self.user,
            CheckId::Provider => self.provider_id,
            CheckId::KeyId => self.key_id,
            CheckId::KeyNotFound | CheckId::Signature => self.keys || self.skip_signature,
            _ => true,
        }
    }
}

/// Hints for `validate` and `flow`: the flags that supply what was missing, `--leeway` for
/// clock skew.
#[derive(Debug, Clone)]
pub struct FlagHints {
    pub given: Given,
    /// The last hint for checks not made, by the checks: a stream of tokens asks the same
    /// question for every token (the same checks lack the same flags).
    last_not_made: std::sync::OnceLock<(Vec<CheckId>, Option<String>)>,
}

impl FlagHints {
    /// Hints for a command given `given`.
    pub fn new(given: Given) -> Self {
        Self {
            given,
            last_not_made: std::sync::OnceLock::new(),
        }
    }

    fn not_made_now(&self, ids: &[CheckId]) -> Option<String> {
        let mut flags: Vec<&str> = Vec::new();
        let mut vars: Vec<&str> = Vec::new();
        let mut members: Vec<&str> = Vec::new();
        for id in ids.iter().filter(|id| !self.given.has(**id)) {
            if let Some(member) = self.line_member(*id) {
                members.push(member);
                continue;
            }
            if let Some((flag, var, _)) = supplier(*id) {
                if !flags.contains(&flag) {
                    flags.push(flag);
                }
                vars.extend(var);
            }
        }
        let vars = if vars.is_empty() {
            String::new()
        } else {
            format!(", or set {}", vars.join("/"))
        };
        let flags = (!flags.is_empty()).then(|| format!("pass {}{vars}", and_list(&flags)));
        let members = (!members.is_empty()).then(|| {
            let quoted: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
            let quoted: Vec<&str> = quoted.iter().map(String::as_str).collect();
            let flags: Vec<String> = members.iter().map(|m| format!("--{m}")).collect();
            let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            format!(
                "give each line {}, or pass {}",
                and_list(&quoted),
                and_list(&flags)
            )
        });
        match (flags, members) {
            (None, None) => None,
            (Some(one), None) | (None, Some(one)) => Some(one),
            (Some(flags), Some(members)) => Some(format!("{flags}; {members}")),
        }
    }

    /// The `--jsonl` line member that supplies `id`'s expected value (`nonce`, `user`).
    fn line_member(&self, id: CheckId) -> Option<&'static str> {
        if self.given.has(id) {
            return None;
        }
        match id {
            CheckId::Nonce if self.given.per_line => Some("nonce"),
            CheckId::User if self.given.per_line => Some("user"),
            _ => None,
        }
    }
}

impl Hints for FlagHints {
    fn check(&self, check: &Check) -> Option<Cow<'_, str>> {
        let hint = match (check.id, check.status) {
            (CheckId::Expired | CheckId::NotBefore, Status::Fail) => {
                "allow clock skew with --leeway"
            }
            (CheckId::Signature, Status::Skip) if !self.given.has(CheckId::Signature) => {
                "pass --public-key FILE, or --skip-signature to judge the contents only"
            }
            (CheckId::Nonce, Status::Skip) if self.line_member(CheckId::Nonce).is_some() => {
                "give the line a \"nonce\", or pass --nonce"
            }
            (CheckId::User, Status::Skip) if self.line_member(CheckId::User).is_some() => {
                "give the line a \"user\", or pass --user"
            }
            (id, Status::Skip) if !self.given.has(id) => supplier(id)?.2,
            _ => return None,
        };
        Some(Cow::Borrowed(hint))
    }

    fn not_made(&self, ids: &[CheckId]) -> Option<Cow<'_, str>> {
        // The first answer is kept; later questions with the same checks reuse it.
        let (asked, hint) = self
            .last_not_made
            .get_or_init(|| (ids.to_vec(), self.not_made_now(ids)));
        if asked == ids {
            hint.as_deref().map(Cow::Borrowed)
        } else {
            self.not_made_now(ids).map(Cow::Owned)
        }
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The `hint:` line for an error, when the command line can say how to get past it.
pub fn for_error(error: &anyhow::Error) -> Option<&'static str> {
    error.chain().find_map(|cause| {
        if let Some(key) = cause.downcast_ref::<KeyError>() {
            return match key {
                KeyError::Weak(_) => Some(
                    "`layer-auth keygen --out new.pem` makes a 2048-bit key; --allow-weak-key \
                     signs with this legacy one anyway",
                ),
                KeyError::TooLargeToSign(_) | KeyError::NotRsa(_) => {
                    Some("`layer-auth keygen --out new.pem` makes a 2048-bit RSA key")
                }
                KeyError::Encrypted => Some(
                    "put the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE, or in a file named by \
                     --passphrase-file (never on the command line itself)",
                ),
                KeyError::WrongPassphrase => Some(
                    "check LAYER_PRIVATE_KEY_PASSPHRASE or the --passphrase-file (its first line \
                     is the passphrase; the line ending is not part of it)",
                ),
                _ => None,
            };
        }
        match cause.downcast_ref::<SignError>()? {
            SignError::NoLifetime => Some("give --ttl a positive duration: 90s, 10m, 2h"),
            SignError::ImplausibleTime => Some("check --now and --ttl"),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_jsonl_hints_ask_each_line_for_its_nonce_and_user() {
        let hints = FlagHints::new(Given {
            keys: true,
            per_line: true,
            ..Given::default()
        });
        let ids = [CheckId::Nonce, CheckId::User, CheckId::Provider];
        assert_eq!(
            hints.not_made(&ids).unwrap(),
            "pass --provider-id, or set LAYER_PROVIDER_ID; give each line \"nonce\" and \
             \"user\", or pass --nonce and --user"
        );
        assert_eq!(
            hints.not_made(&[CheckId::User]).unwrap(),
            "give each line \"user\", or pass --user"
        );
        let skipped = Check::skip(CheckId::Nonce, "not checked: no nonce to compare nce with");
        assert_eq!(
            hints.check(&skipped).unwrap(),
            "give the line a \"nonce\", or pass --nonce"
        );
        // A --nonce given stands for every line: nothing to ask.
        let given = FlagHints::new(Given {
            nonce: true,
            per_line: true,
            ..Given::default()
        });
        assert_eq!(given.not_made(&[CheckId::Nonce]), None);
        assert_eq!(given.check(&skipped), None);
    }

    #[test]
    fn hints_name_only_the_flags_for_what_was_missing() {
        let hints = FlagHints::new(Given {
            nonce: true,
            keys: true,
            ..Given::default()
        });
        let ids = [
            CheckId::Nonce,
            CheckId::User,
            CheckId::Provider,
            CheckId::KeyId,
        ];
        let all = "pass --user, --provider-id and --key-id, or set LAYER_PROVIDER_ID/LAYER_KEY_ID";
        assert_eq!(hints.not_made(&ids).unwrap(), all);
        // Asked again (kept), then about other checks, then the first ones again.
        assert_eq!(hints.not_made(&ids).unwrap(), all);
        assert_eq!(
            hints.not_made(&[CheckId::KeyId]).unwrap(),
            "pass --key-id, or set LAYER_KEY_ID"
        );
        assert_eq!(
            hints.not_made(&[CheckId::Nonce]),
            None,
            "the nonce was given"
        );
        assert_eq!(hints.not_made(&ids).unwrap(), all);
        let skipped = Check::skip(CheckId::Nonce, "not checked: no usable nce");
        assert_eq!(hints.check(&skipped), None, "the nonce was given");
        let late = Check::fail(CheckId::Expired, "expired 2h ago");
        assert_eq!(
            hints.check(&late).unwrap(),
            "allow clock skew with --leeway"
        );
    }
}
