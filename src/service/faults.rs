//! Injected faults (`POST /_emulator/faults`): the next matching call(s) fail as asked,
//! before anything is processed, so clients can test their retry paths.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ApiError;

/// A fault armed for a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// `POST /sessions`, `GET /identities/*`, or `*` for every API call.
    pub route: String,
    /// The status to answer with (503 by default); `None` with a delay only slows the call.
    pub status: Option<u16>,
    /// How many calls it hits (1 by default).
    pub times: u32,
    /// How long to wait before answering (or before processing, when there is no status).
    #[serde(with = "millis", default)]
    pub delay: Option<Duration>,
}

impl Fault {
    /// Whether this fault is for `method path`.
    fn matches(&self, method: &str, path: &str) -> bool {
        if self.route == "*" {
            return true;
        }
        let Some((m, pattern)) = self.route.split_once(' ') else {
            return false;
        };
        let path_matches = match pattern.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == pattern,
        };
        m.eq_ignore_ascii_case(method) && path_matches
    }

    /// The answer, in the Layer envelope (`nonce` for a 401's challenge).
    pub fn error(&self, nonce: Option<String>) -> ApiError {
        let status = self.status.unwrap_or(503);
        match (status, nonce) {
            (401, Some(nonce)) => ApiError::authentication_required(true, nonce),
            (503, _) => ApiError::new(
                503,
                "service_unavailable",
                1,
                "The service is unavailable (a fault injected through /_emulator/faults).".into(),
                json!({}),
            ),
            (status, _) => ApiError::new(
                status,
                "injected_fault",
                0,
                format!("A fault injected through /_emulator/faults answered {status}."),
                json!({}),
            ),
        }
    }
}

/// The first armed fault for `method path`, used up one time.
pub(super) fn take(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<Fault> {
    let index = faults.iter().position(|f| f.matches(method, path))?;
    let fault = faults[index].clone();
    if faults[index].times <= 1 {
        faults.remove(index);
    } else {
        faults[index].times -= 1;
    }
    Some(fault)
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_some(&(d.as_millis() as u64)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(route: &str, times: u32) -> Fault {
        Fault {
            route: route.into(),
            status: Some(503),
            times,
            delay: None,
        }
    }

    #[test]
    fn a_fault_hits_its_route_as_many_times_as_armed() {
        let mut faults = vec![fault("POST /sessions", 2), fault("DELETE /sessions/*", 1)];
        assert!(take(&mut faults, "GET", "/sessions").is_none());
        assert!(take(&mut faults, "POST", "/sessions").is_some());
        assert!(take(&mut faults, "post", "/sessions").is_some());
        assert!(take(&mut faults, "POST", "/sessions").is_none());
        assert!(take(&mut faults, "DELETE", "/sessions/abc").is_some());
        assert!(faults.is_empty());
        let error = fault("*", 1).error(None);
        assert_eq!(
            (error.status, error.id.as_str(), error.code),
            (503, "service_unavailable", 1)
        );
    }
}
