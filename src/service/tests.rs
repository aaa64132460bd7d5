use rand::SeedableRng as _;

use super::*;
use crate::test_support::{key, keys, request};
use crate::token::sign;

const APP: &str = "layer:///apps/staging/00000000-0000-4000-8000-000000000000";

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

/// A service on a clock stopped at `start()`, with reproducible randomness.
pub(crate) fn service() -> Service {
    Service::new(
        ServiceConfig {
            app_id: APP.into(),
            keys: keys(),
            provider_id: None,
            session_ttl: TimeDelta::minutes(60),
        },
        Clock::fixed(start()),
        Box::new(rand::rngs::StdRng::seed_from_u64(7)),
    )
}

/// A token for `user` over `nonce`, issued at the service's now.
fn token(s: &Service, nonce: &str, user: &str) -> String {
    let mut r = request();
    r.nonce = nonce.into();
    r.user = user.into();
    r.issued_at = s.clock().now().timestamp();
    r.expires_at = r.issued_at + 600;
    sign(&r, key()).unwrap()
}

fn later(s: &Service, secs: i64) {
    s.advance(TimeDelta::seconds(secs));
}

#[test]
fn a_nonce_buys_exactly_one_session_for_the_tokens_user() {
    let s = service();
    let nonce = s.issue_nonce();
    let t = token(&s, &nonce, "alice");
    let session = s.create_session(&t, APP).unwrap();
    assert_eq!(session.user, "alice");
    assert_eq!(s.authorize(&session.token).unwrap().user, "alice");
    let replay = s.create_session(&t, APP).unwrap_err();
    assert_eq!((replay.error.status, replay.error.code), (422, 105));
    assert_eq!(replay.error.message, "Nonce not found or expired.");
    assert_eq!(replay.reason, "eit_nonce_not_found");
}

#[test]
fn a_nonce_expires_at_exactly_ten_minutes() {
    let s = service();
    let (early, late) = (s.issue_nonce(), s.issue_nonce());
    later(&s, 599);
    assert!(s.create_session(&token(&s, &early, "alice"), APP).is_ok());
    later(&s, 1);
    let refused = s
        .create_session(&token(&s, &late, "alice"), APP)
        .unwrap_err();
    assert_eq!(refused.error.message, "Nonce not found or expired.");
}

#[test]
fn an_unknown_nonce_a_bad_token_or_another_app_is_refused_with_422() {
    let s = service();
    let refused = s
        .create_session(&token(&s, "made-up", "alice"), APP)
        .unwrap_err();
    assert_eq!(refused.error.message, "Nonce not found or expired.");
    let nonce = s.issue_nonce();
    let t = token(&s, &nonce, "alice");
    later(&s, 700);
    let refused = s.create_session(&t, APP).unwrap_err();
    assert_eq!(refused.reason, "eit_expired");
    assert!(
        refused
            .error
            .message
            .starts_with("Invalid identity token; eit_expired: expired"),
        "{}",
        refused.error.message
    );
    assert_eq!(refused.error.data["property"], "identity_token");
    assert!(!refused.report.unwrap().valid);
    let refused = s.create_session(&t, "layer:///apps/other").unwrap_err();
    assert_eq!(refused.error.data["property"], "app_id");
    assert_eq!(refused.reason, "app_id");
}

#[test]
fn an_expired_session_is_challenged_with_a_nonce_that_reauthenticates() {
    let s = service();
    let nonce = s.issue_nonce();
    let session = s.create_session(&token(&s, &nonce, "alice"), APP).unwrap();
    later(&s, 3599);
    assert!(s.authorize(&session.token).is_ok());
    later(&s, 1);
    let challenge = s.authorize(&session.token).unwrap_err();
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
    let again = s.create_session(&token(&s, &fresh, "alice"), APP).unwrap();
    assert_ne!(again.token, session.token);
    // The challenge nonce is single-use like any other.
    assert!(s.create_session(&token(&s, &fresh, "alice"), APP).is_err());
    // Every challenge carries a fresh nonce.
    let other = s.authorize(&session.token).unwrap_err();
    assert_ne!(other.challenge_nonce(), Some(fresh.as_str()));
}

#[test]
fn deauthentication_ends_the_session() {
    let s = service();
    let nonce = s.issue_nonce();
    let session = s.create_session(&token(&s, &nonce, "alice"), APP).unwrap();
    s.delete_session(&session.token).unwrap();
    let error = s.authorize(&session.token).unwrap_err();
    assert_eq!(error.status, 401);
    assert!(s.delete_session(&session.token).is_err());
}

#[test]
fn expire_ends_the_sessions_chosen_by_user_token_or_all() {
    let s = service();
    let mut sessions = Vec::new();
    for user in ["alice", "alice", "bob"] {
        let nonce = s.issue_nonce();
        sessions.push(s.create_session(&token(&s, &nonce, user), APP).unwrap());
    }
    assert_eq!(s.expire(&Expiry::User("alice".into())), 2);
    assert!(s.authorize(&sessions[0].token).is_err());
    assert!(s.authorize(&sessions[2].token).is_ok());
    assert_eq!(s.expire(&Expiry::Session(sessions[2].token.clone())), 1);
    assert_eq!(s.expire(&Expiry::All), 0, "all are expired already");
}

#[test]
fn every_attempt_is_logged_with_the_nonce_state_it_found() {
    let s = service();
    let nonce = s.issue_nonce();
    let t = token(&s, &nonce, "alice");
    s.create_session(&t, APP).unwrap();
    let _ = s.create_session(&t, APP);
    let _ = s.create_session(&token(&s, "made-up", "bob"), APP);
    let log = s.attempts(0);
    let states: Vec<_> = log
        .iter()
        .map(|a| (a.seq, a.nonce_state, a.accepted))
        .collect();
    assert_eq!(
        states,
        [
            (1, NonceState::Issued, true),
            (2, NonceState::Used, false),
            (3, NonceState::Unknown, false)
        ]
    );
    assert_eq!(log[2].user.as_deref(), Some("bob"));
    assert_eq!(log[1].reason.as_deref(), Some("eit_nonce_not_found"));
    assert_eq!(s.attempts(2).len(), 1);
    assert!(
        log[0].report.as_ref().unwrap().to_value()["valid"]
            .as_bool()
            .unwrap()
    );
}

#[test]
fn the_books_stay_bounded_and_forget_what_expired_long_ago() {
    let s = service();
    for _ in 0..10 {
        s.issue_nonce();
    }
    assert_eq!(s.nonces().len(), 10);
    later(&s, (NONCE_TTL + GRACE).num_seconds());
    s.issue_nonce();
    assert_eq!(s.nonces().len(), 1, "the old ones were pruned");
}

#[test]
fn a_saved_state_restores_sessions_used_nonces_and_the_clock() {
    let s = service();
    let nonce = s.issue_nonce();
    let t = token(&s, &nonce, "alice");
    let session = s.create_session(&t, APP).unwrap();
    later(&s, 30);
    let saved = serde_json::to_string(&s.save()).unwrap();
    let restored = service();
    restored
        .restore(serde_json::from_str(&saved).unwrap())
        .unwrap();
    assert_eq!(restored.clock().now(), s.clock().now());
    assert_eq!(restored.authorize(&session.token).unwrap().user, "alice");
    let replay = restored.create_session(&t, APP).unwrap_err();
    assert_eq!(replay.error.message, "Nonce not found or expired.");
    assert_eq!(restored.attempts(0).len(), 2);
    assert_eq!(restored.attempts(0)[1].seq, 2);
    assert_eq!(restored.identity("alice").unwrap().user_id, "alice");
}

#[test]
fn the_service_requires_kid_to_name_a_registered_key_when_keys_carry_ids() {
    let named = crate::keys::VerifyingKey::new(
        key().public_key().clone(),
        Some("layer:///keys/11111111-2222-3333-4444-555555555555".into()),
    )
    .unwrap();
    let s = Service::new(
        ServiceConfig {
            app_id: APP.into(),
            keys: KeySet::new(vec![named]),
            provider_id: Some("layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into()),
            session_ttl: TimeDelta::minutes(60),
        },
        Clock::fixed(start()),
        Box::new(rand::rngs::StdRng::seed_from_u64(1)),
    );
    let nonce = s.issue_nonce();
    let mut r = request();
    r.nonce = nonce;
    r.key_id = "layer:///keys/99999999-2222-3333-4444-555555555555".into();
    r.issued_at = start().timestamp();
    r.expires_at = r.issued_at + 600;
    let refused = s
        .create_session(&sign(&r, key()).unwrap(), APP)
        .unwrap_err();
    assert_eq!(refused.reason, "eit_key_not_found");
}

#[test]
fn accept_takes_layers_media_type_at_versions_1_2_and_3() {
    for accept in [
        ACCEPT,
        "application/vnd.layer+json;version=1.0",
        "application/vnd.layer+json; version=2.0",
        "Application/Vnd.Layer+JSON; version=3.0",
        "application/json, application/vnd.layer+json; version=2.0",
    ] {
        assert!(Service::check_accept(Some(accept)).is_ok(), "{accept}");
    }
    let error = Service::check_accept(None).unwrap_err();
    assert_eq!(
        (error.status, error.code, error.id.as_str()),
        (406, 107, "invalid_header")
    );
    for accept in [
        "application/json",
        "application/vnd.layer+json; version=4.0",
    ] {
        assert!(Service::check_accept(Some(accept)).is_err(), "{accept}");
    }
}

#[test]
fn armed_faults_are_capped_the_oldest_dropped_first() {
    let s = service();
    for i in 0..150 {
        s.add_fault(Fault {
            route: format!("GET /f{i}"),
            status: Some(503),
            times: 1,
            delay: None,
        });
    }
    assert!(s.take_fault("GET", "/f0").is_none(), "dropped");
    assert!(s.take_fault("GET", "/f149").is_some());
    assert_eq!(MAX_FAULTS, 100);
}

/// `s`'s state, changed by `edit` as a hostile hand would change the file.
fn edited(s: &Service, edit: impl FnOnce(&mut SavedState)) -> SavedState {
    let mut saved = s.save();
    edit(&mut saved);
    saved
}

#[test]
fn a_state_that_no_service_could_have_written_is_refused_whole() {
    let s = service();
    let nonce = s.issue_nonce();
    s.create_session(&token(&s, &nonce, "alice"), APP).unwrap();
    s.issue_nonce();
    let far = start() + TimeDelta::days(365 * 70);
    let cases: Vec<(SavedState, &str)> = vec![
        (
            edited(&s, |st| st.books.sessions[0].token.clear()),
            "session token 1 is empty",
        ),
        (
            edited(&s, |st| {
                st.books.nonces[1].nonce = st.books.nonces[0].nonce.clone()
            }),
            "nonce 2 is there twice",
        ),
        (
            edited(&s, |st| st.books.nonces[1].issued_at = far),
            "nonce 2 is dated after",
        ),
        (
            edited(&s, |st| st.books.sessions[0].created_at = far),
            "session 1 is dated after",
        ),
        (
            edited(&s, |st| {
                st.books.sessions[0].expires_at = start() - TimeDelta::days(1)
            }),
            "session 1 ends before it begins",
        ),
        (
            edited(&s, |st| st.attempts[0].seq = u64::MAX),
            "attempt 1 is numbered",
        ),
        (edited(&s, |st| st.schema = 2), "its schema is 2"),
        (
            edited(&s, |st| st.books.sessions[0].token = "  ".into()),
            "session token 1 is not one this service draws",
        ),
        (
            edited(&s, |st| st.books.sessions[0].user.clear()),
            "session user 1 is empty",
        ),
        (
            edited(&s, |st| {
                st.books.identities[0]
                    .metadata
                    .insert("k".into(), serde_json::json!({"nested": [1]}));
            }),
            "identity 1: metadata",
        ),
        (
            edited(&s, |st| {
                st.books.identities[0].display_name = Some("d".repeat(129))
            }),
            "identity 1: display_name",
        ),
    ];
    for (saved, said) in cases {
        let fresh = service();
        let error = fresh.restore(saved).unwrap_err().to_string();
        assert!(error.starts_with(said), "{said}: {error}");
        assert!(
            fresh.sessions().is_empty() && fresh.nonces().is_empty(),
            "nothing taken"
        );
    }
    // A session lasts at most this service's lifetime, whatever the file says.
    let fresh = service();
    let longer = edited(&s, |st| st.books.sessions[0].expires_at = far);
    fresh.restore(longer).unwrap();
    let session = &fresh.sessions()[0];
    assert_eq!(
        session.expires_at - session.created_at,
        TimeDelta::minutes(60)
    );
}

#[test]
fn no_authorization_names_no_session_even_one_with_an_empty_token() {
    let mut books = ledger::Books::default();
    books.sessions.push(Session {
        token: String::new(),
        user: "mallory".into(),
        created_at: start(),
        expires_at: start() + TimeDelta::days(1),
    });
    let mut ledger = ledger::Ledger::from_books(books);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let error = ledger.authorize("", start(), &mut rng).unwrap_err();
    assert_eq!(error.status, 401);
}

#[test]
fn a_replaying_generator_never_reissues_a_nonce_or_session_token_in_the_books() {
    // Two services drawing the same sequence, the second restored from the first's state
    // (serve --seed N --state FILE, restarted).
    let first = service();
    let nonce = first.issue_nonce();
    let t = token(&first, &nonce, "alice");
    let session = first.create_session(&t, APP).unwrap();
    let second = service();
    second.restore(first.save()).unwrap();
    assert_ne!(second.issue_nonce(), nonce);
    let replay = second.create_session(&t, APP).unwrap_err();
    assert_eq!(replay.error.message, "Nonce not found or expired.");
    let again = second.create_session(&token(&second, &second.issue_nonce(), "bob"), APP);
    assert_ne!(again.unwrap().token, session.token);
}

#[test]
fn an_identity_goes_with_its_users_last_session() {
    let s = service();
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let nonce = s.issue_nonce();
        sessions.push(s.create_session(&token(&s, &nonce, "alice"), APP).unwrap());
    }
    s.delete_session(&sessions[0].token).unwrap();
    assert!(s.identity("alice").is_some(), "one session left");
    s.delete_session(&sessions[1].token).unwrap();
    assert!(s.identity("alice").is_none());
    assert!(s.sessions().is_empty());
    // And with the session pruned once it expired long ago.
    let nonce = s.issue_nonce();
    s.create_session(&token(&s, &nonce, "bob"), APP).unwrap();
    later(&s, (TimeDelta::minutes(60) + GRACE).num_seconds());
    s.issue_nonce();
    assert!(s.identity("bob").is_none());
}

#[test]
fn the_validation_tool_judges_the_nonce_against_the_ledger_as_sign_in_does() {
    let s = service();
    let nonce = s.issue_nonce();
    let t = token(&s, &nonce, "alice");
    let nonce_check = |r: &Report| r.check(checks::CheckId::Nonce).unwrap().clone();
    let fresh = s.validate(&t, Expect::default());
    assert!(fresh.valid, "{fresh:?}");
    assert_eq!(nonce_check(&fresh).status, checks::Status::Pass);
    s.create_session(&t, APP).unwrap();
    let used = s.validate(&t, Expect::default());
    assert!(!used.valid);
    let check = nonce_check(&used);
    assert_eq!(check.status, checks::Status::Fail);
    assert!(
        check.message.contains("already traded for a session"),
        "{check:?}"
    );
    let unknown = s.validate(&token(&s, "never-issued", "alice"), Expect::default());
    assert!(!unknown.valid);
    assert!(
        nonce_check(&unknown)
            .message
            .contains("no nonce this service issued")
    );
}

#[test]
fn sessions_with_long_user_ids_stay_within_the_byte_budget_oldest_first() {
    let mut ledger = ledger::Ledger::with_budget(1_000_000);
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let ttl = TimeDelta::hours(1);
    let mut tokens = Vec::new();
    for i in 0..100 {
        let identity = Identity {
            user_id: format!("{i:03}{}", "u".repeat(60_000)),
            display_name: Some("d".repeat(128)),
            ..Identity::default()
        };
        tokens.push(ledger.open_session(identity, ttl, start(), &mut rng).token);
    }
    let kept = ledger.sessions();
    // About 120 KB a session (its user twice): eight fit in a million bytes.
    assert!((6..=8).contains(&kept.len()), "{}", kept.len());
    assert_eq!(kept.last().unwrap().token, tokens[99], "the newest stays");
    assert!(
        ledger
            .identity(&format!("000{}", "u".repeat(60_000)))
            .is_none()
    );
    assert_eq!(ledger.books().identities.len(), kept.len());
}
