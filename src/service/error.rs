//! The service's error bodies, `{id, code, message, url, data}` with their HTTP status,
//! as SPEC §2 lists them.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// An error the service answers with: the HTTP status and the JSON body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(default)]
    pub url: String,
    /// Details: the property at fault, or the challenge nonce.
    #[serde(default)]
    pub data: Value,
}

const DOCS: &str = "https://developer.layer.com/docs/client/errors";

impl ApiError {
    /// An error with its status, id, code, message and data (the url is derived from the id).
    pub fn new(status: u16, id: &str, code: u32, message: String, data: Value) -> Self {
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
            format!(
                "Invalid Accept header; must be 'application/vnd.layer+json; version=X.Y' with \
                 version {}.",
                super::API_VERSIONS.join(", ")
            ),
            json!({"header": "Accept"}),
        )
    }

    /// `400 invalid_request` (code 106): the body could not be read
    /// as what the route takes; `property` names the member at fault, when one is.
    pub fn invalid_request(message: String, property: Option<&str>) -> Self {
        let data = property.map_or(json!({}), |p| json!({ "property": p }));
        Self::new(400, "invalid_request", 106, message, data)
    }

    /// `422 invalid_property` on `property`.
    pub fn invalid_property(property: &str, message: String) -> Self {
        Self::new(
            422,
            "invalid_property",
            105,
            message,
            json!({ "property": property }),
        )
    }

    /// `404 not_found` (code 102).
    pub fn not_found(what: String) -> Self {
        Self::new(404, "not_found", 102, what, json!({}))
    }

    /// `405 method_not_allowed` (code 108).
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            405,
            "method_not_allowed",
            108,
            format!("{method} is not allowed on {path}."),
            json!({"method": method}),
        )
    }

    /// `413 request_too_large` (code 109).
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            413,
            "request_too_large",
            109,
            format!("The request body is larger than {} KiB.", limit / 1024),
            json!({"limit": limit}),
        )
    }

    /// `408 request_timeout` (code 110): the client was too slow.
    pub fn timeout() -> Self {
        Self::new(
            408,
            "request_timeout",
            110,
            "The request took too long to arrive.".into(),
            json!({}),
        )
    }

    /// `401 unauthorized` (code 111) for the test-control routes: no or a wrong control token.
    pub fn control_token_required() -> Self {
        Self::new(
            401,
            "unauthorized",
            111,
            "This route needs Authorization: Bearer <control token> (printed when serve starts)."
                .into(),
            json!({}),
        )
    }

    /// The same error under another status (mapping an HTTP layer's own answer).
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
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
