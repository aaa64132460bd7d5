use super::*;
use crate::service::{Service, ServiceConfig};
use crate::test_support::{key, keys};
use crate::token::{TokenTemplate, Typ};
use rand::SeedableRng as _;

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

fn world(clock: &VirtualClock) -> (EmbeddedSigner<'static>, EmbeddedService) {
    let signer = EmbeddedSigner {
        key: key(),
        template: TokenTemplate {
            key_id: "layer:///keys/11111111-2222-3333-4444-555555555555".into(),
            provider_id: "layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into(),
            typ: Typ::Jws,
            ttl: 600,
            extra: serde_json::Map::new(),
        },
        clock: clock.clone(),
    };
    let service = EmbeddedService::new(Service::new(
        ServiceConfig {
            app_id: "layer:///apps/staging/x".into(),
            keys: keys(),
            provider_id: None,
            session_ttl: TimeDelta::seconds(60),
        },
        clock.clone(),
        Box::new(rand::rngs::StdRng::seed_from_u64(3)),
    ));
    (signer, service)
}

fn run_flow(
    user: &str,
    challenge: bool,
    source: &mut dyn TokenSource,
    api: &mut dyn LayerApi,
) -> (bool, Vec<Step>) {
    let keys = keys();
    let policy = FlowPolicy {
        user: user.into(),
        keys: &keys,
        provider_id: None,
        key_id: None,
        leeway: TimeDelta::zero(),
        challenge,
        strict: false,
    };
    let mut steps = Vec::new();
    let ok = run(&policy, source, api, &mut |s| steps.push(s.clone()));
    (ok, steps)
}

fn kinds(steps: &[Step]) -> Vec<StepKind> {
    steps.iter().map(|s| s.step).collect()
}

#[test]
fn the_embedded_flow_runs_every_step_in_order() {
    let clock = VirtualClock::fixed(start());
    let (mut signer, mut service) = world(&clock);
    let (ok, steps) = run_flow("alice", false, &mut signer, &mut service);
    assert!(ok, "{steps:#?}");
    use StepKind::*;
    assert_eq!(
        kinds(&steps),
        [
            NonceIssued,
            TokenObtained,
            TokenValidated,
            Authenticated,
            ReplayRefused,
            Deauthenticated
        ]
    );
    assert!(steps.iter().all(|s| s.ok));
    assert!(
        steps[4].detail.contains("Nonce not found or expired."),
        "{:?}",
        steps[4]
    );
}

#[test]
fn the_challenge_reauthenticates_with_the_challenge_nonce() {
    let clock = VirtualClock::fixed(start());
    let (mut signer, mut service) = world(&clock);
    let (ok, steps) = run_flow("alice", true, &mut signer, &mut service);
    assert!(ok, "{steps:#?}");
    use StepKind::*;
    assert_eq!(
        kinds(&steps),
        [
            NonceIssued,
            TokenObtained,
            TokenValidated,
            Authenticated,
            ReplayRefused,
            SessionExpired,
            ChallengeReceived,
            TokenObtained,
            TokenValidated,
            Reauthenticated,
            Deauthenticated
        ]
    );
    assert!(
        steps[6]
            .detail
            .starts_with("401 authentication_required (code 4), nonce ")
    );
    assert!(
        clock.now() > start() + TimeDelta::seconds(60),
        "the clock moved past the session"
    );
}

/// A source that signs for someone else: the flow must stop at validation.
struct Impostor<'k>(EmbeddedSigner<'k>);

impl TokenSource for Impostor<'_> {
    fn identity_token(&mut self, _user: &str, nonce: &str) -> Result<Obtained, FlowError> {
        self.0.identity_token("mallory", nonce)
    }
    fn describe(&self) -> String {
        "an impostor".into()
    }
}

#[test]
fn a_token_for_another_user_stops_the_flow_at_validation() {
    let clock = VirtualClock::fixed(start());
    let (signer, mut service) = world(&clock);
    let (ok, steps) = run_flow("alice", false, &mut Impostor(signer), &mut service);
    assert!(!ok);
    let last = steps.last().unwrap();
    assert_eq!(last.step, StepKind::TokenValidated);
    assert!(!last.ok);
    assert!(
        last.detail
            .contains("user_matches: prn is \"mallory\" but the user signing in is \"alice\""),
        "{}",
        last.detail
    );
}
