//! The two shapes the service's books are made of, each keeping its own parts in step so
//! that the ledger cannot: [`Ordered`], entries by token in the order they came (the
//! oldest leave first), and [`SessionBook`], the sessions with their users' identities and
//! the bytes they hold.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use super::ledger::{Expiry, Identity, Session};

/// Entries by token, in the order they were put in. Every call is O(1) (amortised): a
/// removed entry leaves a mark in the order, passed over when it reaches the front and
/// swept out whenever the marks outnumber the entries.
#[derive(Debug)]
pub(super) struct Ordered<V> {
    /// Each entry, with its place in `order`.
    entries: HashMap<Arc<str>, (u64, V)>,
    /// Places and tokens, oldest first; a place no entry holds any more is a mark.
    order: VecDeque<(u64, Arc<str>)>,
    /// The next place.
    next: u64,
}

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            order: VecDeque::new(),
            next: 0,
        }
    }
}

impl<V> Ordered<V> {
    /// How many entries there are.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether `key` has an entry.
    pub(super) fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// The entry of `key`.
    pub(super) fn get(&self, key: &str) -> Option<&V> {
        self.entries.get(key).map(|(_, value)| value)
    }

    /// The entry of `key`, to change in place.
    pub(super) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries.get_mut(key).map(|(_, value)| value)
    }

    /// Every entry, in no particular order, to change in place.
    pub(super) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.values_mut().map(|(_, value)| value)
    }

    /// Puts `value` in as the newest entry, in place of any `key` had (which it returns).
    pub(super) fn insert(&mut self, key: Arc<str>, value: V) -> Option<V> {
        let place = self.next;
        self.next += 1;
        self.order.push_back((place, Arc::clone(&key)));
        let old = self.entries.insert(key, (place, value)).map(|(_, v)| v);
        if old.is_some() {
            self.sweep();
        }
        old
    }

    /// Takes `key`'s entry out.
    pub(super) fn remove(&mut self, key: &str) -> Option<V> {
        let (_, value) = self.entries.remove(key)?;
        self.sweep();
        Some(value)
    }

    /// Takes the oldest entry out, if `stale` says it should go.
    pub(super) fn pop_oldest_if(&mut self, stale: impl FnOnce(&V) -> bool) -> Option<V> {
        while let Some((place, key)) = self.order.front() {
            match self.entries.get(key) {
                Some((at, value)) if at == place => {
                    if !stale(value) {
                        return None;
                    }
                    let key = Arc::clone(key);
                    self.order.pop_front();
                    return self.entries.remove(&key).map(|(_, value)| value);
                }
                _ => {
                    self.order.pop_front();
                }
            }
        }
        None
    }

    /// Takes the oldest entry out.
    pub(super) fn pop_oldest(&mut self) -> Option<V> {
        self.pop_oldest_if(|_| true)
    }

    /// Every entry, oldest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = &V> {
        self.order.iter().filter_map(|(place, key)| {
            let (at, value) = self.entries.get(key)?;
            (at == place).then_some(value)
        })
    }

    /// Drops the marks once they outnumber the entries (by a margin, so that a book of a
    /// few entries is not swept on every removal).
    fn sweep(&mut self) {
        if self.order.len() > 2 * self.entries.len() + 64 {
            let entries = &self.entries;
            self.order
                .retain(|(place, key)| entries.get(key).is_some_and(|(at, _)| at == place));
        }
    }
}

/// The sessions, oldest first, with each user's identity and how many of the sessions are
/// theirs (the identity goes with the last of them), and about how many bytes all of it
/// holds. [`SessionBook::insert`] and [`SessionBook::remove`] (which the others call) are
/// the only ways in and out, so the three cannot drift apart.
#[derive(Debug)]
pub(super) struct SessionBook {
    sessions: Ordered<Session>,
    identities: HashMap<String, (Identity, usize)>,
    /// What the sessions and identities hold, in bytes (about; see [`session_bytes`]).
    held: usize,
}

impl Default for SessionBook {
    fn default() -> Self {
        let book = Self {
            sessions: Ordered::default(),
            identities: HashMap::new(),
            held: 0,
        };
        book.debug_check();
        book
    }
}

impl SessionBook {
    /// How many sessions there are.
    pub(super) fn len(&self) -> usize {
        self.sessions.len()
    }

    /// About how many bytes the sessions and identities hold.
    pub(super) fn held(&self) -> usize {
        self.held
    }

    /// Whether a session has the token `token`.
    pub(super) fn contains(&self, token: &str) -> bool {
        self.sessions.contains(token)
    }

    /// The session with the token `token`.
    pub(super) fn get(&self, token: &str) -> Option<&Session> {
        self.sessions.get(token)
    }

    /// The identity a sign-in of `user_id` brought, while a session of theirs is here.
    pub(super) fn identity(&self, user_id: &str) -> Option<&Identity> {
        self.identities.get(user_id).map(|(identity, _)| identity)
    }

    /// The sessions, oldest first.
    pub(super) fn sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.iter()
    }

    /// The identities, in no particular order.
    pub(super) fn identities(&self) -> impl Iterator<Item = &Identity> {
        self.identities.values().map(|(identity, _)| identity)
    }

    /// Puts `session` in as the newest, with its user's identity when the sign-in brought
    /// one (else the user keeps the one they have, or a bare one).
    pub(super) fn insert(&mut self, session: Session, identity: Option<Identity>) {
        self.remove(&session.token);
        let user = session.user.clone();
        self.held += session_bytes(&session);
        self.sessions.insert(session.token.as_str().into(), session);
        let (kept, count) = self
            .identities
            .entry(user)
            .or_insert_with_key(|user| (Identity::bare(user), 0));
        let before = if *count == 0 { 0 } else { identity_bytes(kept) };
        if let Some(identity) = identity {
            *kept = identity;
        }
        *count += 1;
        self.held = self.held.saturating_sub(before) + identity_bytes(kept);
        self.debug_check();
    }

    /// Takes the session with the token `token` out, and its user's identity with their
    /// last session.
    pub(super) fn remove(&mut self, token: &str) -> Option<Session> {
        let session = self.sessions.remove(token)?;
        self.forget(&session);
        Some(session)
    }

    /// Takes the oldest session out, if `stale` says it should go.
    pub(super) fn pop_oldest_if(
        &mut self,
        stale: impl FnOnce(&Session) -> bool,
    ) -> Option<Session> {
        let session = self.sessions.pop_oldest_if(stale)?;
        self.forget(&session);
        Some(session)
    }

    /// Takes the oldest session out.
    pub(super) fn pop_oldest(&mut self) -> Option<Session> {
        self.pop_oldest_if(|_| true)
    }

    /// Makes the chosen sessions expire at `now`; how many had not already.
    pub(super) fn expire(&mut self, which: &Expiry, now: chrono::DateTime<chrono::Utc>) -> usize {
        let mut count = 0;
        for session in self.sessions.values_mut() {
            let chosen = match which {
                Expiry::All => true,
                Expiry::User(user) => session.user == *user,
                Expiry::Session(token) => session.token == *token,
            };
            if chosen && session.expires_at > now {
                session.expires_at = now;
                count += 1;
            }
        }
        count
    }

    /// Settles the bytes and the identity of a session just taken out of `sessions`.
    fn forget(&mut self, session: &Session) {
        // Saturating, and no identity asked for: `check` holds that neither can be needed,
        // and a slip must not take the service down (a panic here poisons its lock).
        self.held = self.held.saturating_sub(session_bytes(session));
        if let Some((identity, count)) = self.identities.get_mut(&session.user) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.held = self.held.saturating_sub(identity_bytes(identity));
                self.identities.remove(&session.user);
            }
        }
        self.debug_check();
    }

    /// In debug builds, for books small enough to recount on every change: `held` is what
    /// the entries hold, and each identity's count is how many sessions its user has.
    fn debug_check(&self) {
        if cfg!(debug_assertions) && self.len() <= 512 {
            self.check();
        }
    }

    /// Panics unless the parts agree (see [`SessionBook::debug_check`]).
    fn check(&self) {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut held = 0;
        for session in self.sessions.iter() {
            *counts.entry(&session.user).or_default() += 1;
            held += session_bytes(session);
        }
        assert_eq!(self.sessions.iter().count(), self.sessions.len());
        assert_eq!(counts.len(), self.identities.len(), "an identity per user");
        for (user, (identity, count)) in &self.identities {
            assert_eq!(counts.get(user.as_str()), Some(count), "sessions of {user}");
            assert_eq!(&identity.user_id, user);
            held += identity_bytes(identity);
        }
        assert_eq!(held, self.held, "bytes held");
    }
}

/// About what a session holds, in bytes.
fn session_bytes(session: &Session) -> usize {
    session.token.len() + session.user.len() + 96
}

/// About what an identity holds, in bytes.
fn identity_bytes(identity: &Identity) -> usize {
    let text = |t: &Option<String>| t.as_ref().map_or(0, String::len);
    let metadata: usize = identity
        .metadata
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(16, str::len) + 48)
        .sum();
    identity.user_id.len()
        + text(&identity.display_name)
        + text(&identity.avatar_url)
        + text(&identity.first_name)
        + text(&identity.last_name)
        + metadata
        + 160
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};
    use rand::{Rng as _, RngExt as _, SeedableRng as _};

    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::minutes(minutes)
    }

    fn session(token: &str, user: &str) -> Session {
        Session {
            token: token.to_owned(),
            user: user.to_owned(),
            created_at: at(0),
            expires_at: at(60),
        }
    }

    #[test]
    fn ordered_keeps_the_order_through_removals_and_replacements() {
        let mut book = Ordered::default();
        for key in ["a", "b", "c", "d"] {
            book.insert(key.into(), key.to_uppercase());
        }
        assert_eq!(book.remove("b").as_deref(), Some("B"));
        assert_eq!(book.remove("b"), None);
        // Put in again, "a" is the newest; its old place is passed over.
        assert_eq!(
            book.insert("a".into(), "A2".to_owned()).as_deref(),
            Some("A")
        );
        assert_eq!(book.iter().collect::<Vec<_>>(), ["C", "D", "A2"]);
        assert_eq!(book.len(), 3);
        assert_eq!(book.pop_oldest_if(|v| v == "D"), None, "C is not stale");
        assert_eq!(book.pop_oldest().as_deref(), Some("C"));
        assert_eq!(book.pop_oldest().as_deref(), Some("D"));
        assert_eq!(book.pop_oldest().as_deref(), Some("A2"));
        assert_eq!(book.pop_oldest(), None);
        assert!(book.order.is_empty());
    }

    #[test]
    fn ordered_marks_are_swept_however_many_removals_there_are() {
        let mut book = Ordered::default();
        book.insert("first".into(), 0);
        for i in 1..10_000 {
            let key: Arc<str> = format!("k{i}").into();
            book.insert(Arc::clone(&key), i);
            book.remove(&key);
        }
        for i in 0..10_000 {
            book.insert("again".into(), i); // each time in place of the last
        }
        assert_eq!(book.len(), 2);
        // The first entry never left the front, yet the marks behind it did not pile up.
        assert!(
            book.order.len() <= 2 * book.len() + 65,
            "{}",
            book.order.len()
        );
        assert_eq!(book.iter().collect::<Vec<_>>(), [&0, &9_999]);
    }

    /// Random opens, deletes, prunes and evictions against a plain list of what should be
    /// there: the same sessions in the same order, the identity of each user the last
    /// sign-in that brought one, and the bytes recounted after every step (`check`).
    #[test]
    fn session_book_agrees_with_a_plain_list_over_random_changes() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(15);
        let mut book = SessionBook::default();
        let mut model: Vec<(Session, Option<String>)> = Vec::new();
        let mut last_name: HashMap<String, Option<String>> = HashMap::new();
        let mut peak = 0;
        for step in 0..4_000 {
            match rng.random_range(0..10) {
                0..=3 => {
                    let token = format!("t{step}");
                    let user = format!("u{}", rng.random_range(0..40));
                    let brought = rng.random_bool(0.7);
                    let name = brought.then(|| format!("name {step}"));
                    let identity = brought.then(|| Identity {
                        user_id: user.clone(),
                        display_name: name.clone(),
                        ..Identity::default()
                    });
                    book.insert(session(&token, &user), identity);
                    if !model.iter().any(|(s, _)| s.user == user) {
                        last_name.remove(&user);
                    }
                    if brought {
                        last_name.insert(user.clone(), name.clone());
                    }
                    model.push((session(&token, &user), name));
                }
                4..=6 if !model.is_empty() => {
                    let at = rng.random_range(0..model.len());
                    let (gone, _) = model.remove(at);
                    assert_eq!(book.remove(&gone.token), Some(gone));
                }
                7 if !model.is_empty() => {
                    let (gone, _) = model.remove(0);
                    assert_eq!(book.pop_oldest(), Some(gone));
                }
                8 => assert_eq!(book.remove(&format!("t{}", rng.next_u32())), None),
                _ => {}
            }
            book.check();
            peak = peak.max(model.len());
            let tokens: Vec<&str> = book.sessions().map(|s| s.token.as_str()).collect();
            let expected: Vec<&str> = model.iter().map(|(s, _)| s.token.as_str()).collect();
            assert_eq!(tokens, expected, "step {step}");
            for (user, name) in &last_name {
                let kept = model.iter().any(|(s, _)| &s.user == user);
                assert_eq!(
                    book.identity(user).map(|i| &i.display_name),
                    kept.then_some(name),
                    "{user} at step {step}"
                );
            }
        }
        assert!(peak > 40, "the book grew to {peak} sessions only");
        while book.pop_oldest().is_some() {}
        assert_eq!(
            (book.len(), book.held(), book.identities().count()),
            (0, 0, 0)
        );
    }

    #[test]
    fn a_token_put_in_again_replaces_its_session_and_settles_the_old_user() {
        let mut book = SessionBook::default();
        book.insert(session("t1", "alice"), None);
        book.insert(session("t1", "bob"), None);
        assert_eq!(book.len(), 1);
        assert!(book.identity("alice").is_none());
        assert_eq!(book.get("t1").map(|s| s.user.as_str()), Some("bob"));
        book.check();
    }

    #[test]
    fn expiring_changes_no_count_and_no_byte() {
        let mut book = SessionBook::default();
        book.insert(session("t1", "alice"), None);
        book.insert(session("t2", "bob"), None);
        let held = book.held();
        assert_eq!(book.expire(&Expiry::User("alice".into()), at(5)), 1);
        assert_eq!(book.expire(&Expiry::User("alice".into()), at(5)), 0);
        assert_eq!(book.expire(&Expiry::All, at(5)), 1);
        assert_eq!(book.get("t1").map(|s| s.expires_at), Some(at(5)));
        assert_eq!(book.held(), held);
        book.check();
    }
}
