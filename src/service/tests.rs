use super::*;
use crate::checks::tests::{key, keys, request};
use crate::token::sign;

/// Deterministic bytes: a counter, so every nonce and session token differs.
pub(crate) struct Counter(pub(crate) u8);

impl Entropy for Counter {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
    }
}

const APP: &str = "layer:///apps/staging/00000000-0000-4000-8000-000000000000";

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
}

fn service() -> Service {
    Service::new(ServiceConfig {
        app_id: APP.into(),
        keys: keys(),
        provider_id: None,
        session_ttl: TimeDelta::minutes(60),
    })
}

/// A token for `user` over `nonce`, issued at `at(issued)`.
fn token(nonce: &str, user: &str, issued: i64) -> String {
    let mut r = request();
    r.nonce = nonce.into();
    r.user = user.into();
    r.issued_at = at(issued).timestamp();
    r.expires_at = r.issued_at + 600;
    sign(&r, key()).unwrap()
}

#[test]
fn a_nonce_buys_exactly_one_session_for_the_tokens_user() {
    let (mut s, mut e) = (service(), Counter(0));
    let nonce = s.issue_nonce(at(0), &mut e);
    let session = s
        .create_session(&token(&nonce, "alice", 0), APP, at(1), &mut e)
        .unwrap();
    assert_eq!(session.user, "alice");
    assert_eq!(
        s.authorize(&session.token, at(2), &mut e).unwrap().user,
        "alice"
    );
    let (replay, _) = s
        .create_session(&token(&nonce, "alice", 0), APP, at(3), &mut e)
        .unwrap_err();
    assert_eq!((replay.status, replay.code), (422, 105));
    assert_eq!(replay.message, "Nonce not found or expired.");
}

#[test]
fn a_nonce_expires_at_exactly_ten_minutes() {
    let (mut s, mut e) = (service(), Counter(0));
    let early = s.issue_nonce(at(0), &mut e);
    let late = s.issue_nonce(at(0), &mut e);
    assert!(
        s.create_session(&token(&early, "alice", 599), APP, at(599), &mut e)
            .is_ok()
    );
    let (error, _) = s
        .create_session(&token(&late, "alice", 600), APP, at(600), &mut e)
        .unwrap_err();
    assert_eq!(error.message, "Nonce not found or expired.");
}

#[test]
fn an_unknown_nonce_or_bad_token_is_refused_with_422() {
    let (mut s, mut e) = (service(), Counter(0));
    let (error, _) = s
        .create_session(&token("made-up", "alice", 0), APP, at(1), &mut e)
        .unwrap_err();
    assert_eq!(error.message, "Nonce not found or expired.");
    let nonce = s.issue_nonce(at(0), &mut e);
    let (error, report) = s
        .create_session(&token(&nonce, "alice", 0), APP, at(700), &mut e)
        .unwrap_err();
    assert_eq!((error.status, error.id.as_str()), (422, "invalid_property"));
    assert!(
        error
            .message
            .starts_with("Invalid identity token; eit_expired: expired"),
        "{}",
        error.message
    );
    assert_eq!(error.data["property"], "identity_token");
    assert!(!report.unwrap().valid);
    let (error, _) = s
        .create_session(
            &token(&nonce, "alice", 0),
            "layer:///apps/other",
            at(1),
            &mut e,
        )
        .unwrap_err();
    assert_eq!(error.data["property"], "app_id");
}

#[test]
fn an_expired_session_is_challenged_with_a_nonce_that_reauthenticates() {
    let (mut s, mut e) = (service(), Counter(0));
    let nonce = s.issue_nonce(at(0), &mut e);
    let session = s
        .create_session(&token(&nonce, "alice", 0), APP, at(1), &mut e)
        .unwrap();
    assert!(s.authorize(&session.token, at(3600), &mut e).is_ok());
    let challenge = s.authorize(&session.token, at(3601), &mut e).unwrap_err();
    assert_eq!(
        (challenge.status, challenge.code, challenge.id.as_str()),
        (401, 4, "authentication_required")
    );
    assert_eq!(
        challenge.message,
        "The session token is no longer valid because it has expired."
    );
    let fresh = challenge.challenge_nonce().unwrap().to_owned();
    assert_ne!(fresh, nonce);
    let again = s
        .create_session(&token(&fresh, "alice", 3602), APP, at(3602), &mut e)
        .unwrap();
    assert_ne!(again.token, session.token);
    // The challenge nonce is bound to this service and single-use like any other.
    assert!(
        s.create_session(&token(&fresh, "alice", 3602), APP, at(3603), &mut e)
            .is_err()
    );
}

#[test]
fn deauthentication_ends_the_session() {
    let (mut s, mut e) = (service(), Counter(0));
    let nonce = s.issue_nonce(at(0), &mut e);
    let session = s
        .create_session(&token(&nonce, "alice", 0), APP, at(1), &mut e)
        .unwrap();
    s.delete_session(&session.token, at(2), &mut e).unwrap();
    let error = s.authorize(&session.token, at(3), &mut e).unwrap_err();
    assert_eq!(error.status, 401);
    assert!(s.delete_session(&session.token, at(4), &mut e).is_err());
}

#[test]
fn accept_header_must_be_layers_media_type() {
    assert!(Service::check_accept(Some(ACCEPT)).is_ok());
    assert!(Service::check_accept(Some("application/vnd.layer+json;version=1.0")).is_ok());
    let error = Service::check_accept(None).unwrap_err();
    assert_eq!(
        (error.status, error.code, error.id.as_str()),
        (406, 107, "invalid_header")
    );
    assert!(Service::check_accept(Some("application/json")).is_err());
}
