//! The service's error bodies, `{id, code, message, url, data}` with their HTTP status,
//! as SPEC §2 lists them.

use serde::Serialize;
use serde_json::{Value, json};

/// An error the service answers with: the HTTP status and the JSON body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiError {
    /// HTTP status (not part of the body).
    #[serde(skip)]
    pub status: u16,
    /// Stable error id, e.g. `invalid_property`.
    pub id: String,
    /// Numeric code, e.g. 105.
    pub code: u32,
    /// Human message.
    pub message: String,
    /// Where the error is documented.
    pub url: String,
    /// Details: the property at fault, or the challenge nonce.
    pub data: Value,
}

const DOCS: &str = "https://developer.layer.com/docs/client/errors";

impl ApiError {
    fn new(status: u16, id: &str, code: u32, message: String, data: Value) -> Self {
        Self {
            status,
            id: id.into(),
            code,
            message,
            url: format!("{DOCS}#{id}"),
            data,
        }
    }

    /// `422 invalid_property` on `identity_token`, naming the `eit_*` reason.
    pub fn invalid_identity_token(reason: &str, detail: &str) -> Self {
        Self::new(
            422,
            "invalid_property",
            105,
            format!("Invalid identity token; {reason}: {detail}"),
            json!({"property": "identity_token", "reason": reason}),
        )
    }

    /// `422 invalid_property`: the nonce is unknown, used, or expired.
    pub fn nonce_not_found() -> Self {
        Self::new(
            422,
            "invalid_property",
            105,
            "Nonce not found or expired.".into(),
            json!({"property": "identity_token", "reason": "eit_nonce_not_found"}),
        )
    }

    /// `422 invalid_property` on `app_id`.
    pub fn unknown_app(app_id: &str) -> Self {
        Self::new(
            422,
            "invalid_property",
            105,
            format!("Unknown app_id {}.", Value::from(app_id)),
            json!({"property": "app_id"}),
        )
    }

    /// `401 authentication_required` (code 4) with the nonce to re-sign over.
    pub fn authentication_required(expired: bool, nonce: String) -> Self {
        let message = if expired {
            "The session token is no longer valid because it has expired."
        } else {
            "The session token is not valid."
        };
        Self::new(
            401,
            "authentication_required",
            4,
            message.into(),
            json!({"nonce": nonce}),
        )
    }

    /// `406 invalid_header` (code 107): a missing or wrong `Accept` header.
    pub fn invalid_accept() -> Self {
        Self::new(
            406,
            "invalid_header",
            107,
            format!("Invalid Accept header; must be '{}'.", super::ACCEPT),
            json!({"header": "Accept"}),
        )
    }

    /// The nonce of an `authentication_required` challenge.
    pub fn challenge_nonce(&self) -> Option<&str> {
        (self.id == "authentication_required")
            .then(|| self.data.get("nonce")?.as_str())
            .flatten()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} (code {}): {}",
            self.status, self.id, self.code, self.message
        )
    }
}

impl std::error::Error for ApiError {}
