//! `serve` at the edges of what it reads: the `Accept` grammar of RFC 9110, the attempt
//! log's query, flags that would make no service, and a command that dies of a signal.

use crate::serve::{Serve, call};
use crate::util::{layer, layer_auth, outcome_of};

#[test]
fn accept_is_read_as_rfc_9110_reads_it_lines_joined_quotes_and_weights() {
    let server = Serve::start(&[]);
    let nonces = |headers: &[(&str, &str)]| call(&server.url, "POST", "/nonces", headers, None);
    for headers in [
        &[("Accept", "application/vnd.layer+json; version=\"1.0\"")][..],
        &[
            ("Accept", "application/json"),
            ("Accept", "application/vnd.layer+json; version=2.0"),
        ][..],
        &[("Accept", "application/vnd.layer+json; version=3.0; q=0.5")][..],
        // One broken line (an unclosed quote) spoils no other.
        &[
            ("Accept", "text/plain; x=\"unclosed"),
            ("Accept", "application/vnd.layer+json; version=1.0"),
        ][..],
    ] {
        let (status, _, body) = nonces(headers);
        assert_eq!(status, 201, "{headers:?}: {body}");
    }
    for headers in [
        &[("Accept", "application/vnd.layer+json; version=1.0; q=0")][..],
        &[(
            "Accept",
            "application/vnd.layer+json; version=1.0; charset=utf-8",
        )][..],
        &[("Accept", "application/vnd.layer +json; version=1.0")][..],
        &[("Accept", "application/json"), ("Accept", "text/html")][..],
    ] {
        let (status, _, body) = nonces(headers);
        assert_eq!(
            (status, body["id"].as_str()),
            (406, Some("invalid_header")),
            "{headers:?}: {body}"
        );
    }
}

#[test]
fn the_attempt_logs_since_must_be_one_whole_number_and_nothing_else_is_taken() {
    let server = Serve::start(&[]);
    for (query, said) in [
        (
            "since=abc",
            "since is \"abc\"; give the seq of the last attempt seen",
        ),
        ("since=-1", "since is \"-1\""),
        ("since=%2B1", "since is \"+1\""),
        ("since=", "since is \"\""),
        ("since=1&since=2", "since is given twice"),
        (
            "after=3",
            "\"after\" is not a parameter of this route; it takes since",
        ),
    ] {
        let path = format!("/_emulator/attempts?{query}");
        let (status, _, body) = call(&server.url, "GET", &path, &[], None);
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["id"], "invalid_request", "{query}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains(said), "{query}: {message}");
    }
    for path in ["/_emulator/attempts", "/_emulator/attempts?since=7"] {
        let (status, _, body) = call(&server.url, "GET", path, &[], None);
        assert_eq!(status, 200, "{path}: {body}");
        assert!(body.is_array(), "{path}: {body}");
    }
}

#[test]
fn a_zero_session_lifetime_or_connection_limit_is_a_usage_error() {
    for (flag, value, said) in [
        ("--session-ttl", "0", "must be more than 0s"),
        ("--session-ttl", "0s", "must be more than 0s"),
        ("--max-connections", "0", "from 1 to 1000000"),
        (
            "--max-connections",
            "18446744073709551615",
            "from 1 to 1000000",
        ),
    ] {
        let r = layer(&["serve", "--listen", "127.0.0.1:0", flag, value]);
        assert_eq!(r.code, 2, "{flag} {value}: {r:?}");
        assert!(r.stdout.is_empty(), "nothing served: {r:?}");
        assert!(r.stderr.contains(said), "{flag} {value}: {r:?}");
    }
}

#[test]
fn a_command_killed_by_a_signal_is_named_and_gives_128_plus_its_number() {
    let r = outcome_of(
        layer_auth().args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--",
            "sh",
            "-c",
            "kill -9 $$",
        ]),
        None,
    );
    assert_eq!(r.code, 137, "{r:?}");
    assert!(
        r.stderr.contains("sh was killed by signal 9 (SIGKILL)"),
        "{r:?}"
    );
}

/// The status line of the answer to a raw request `head` (which must end its fields).
fn raw_status(address: &str, head: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn a_request_head_of_64_kib_is_taken_and_one_byte_more_is_431_as_are_101_fields() {
    let server = Serve::start(&[]);
    let address = server.url.trim_start_matches("http://").to_owned();
    let head_of = |filler: usize| {
        let start = "HEAD /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Big: ";
        let end = "\r\n\r\n";
        let y = "y".repeat(filler - start.len() - end.len());
        format!("{start}{y}{end}")
    };
    let limit = 64 * 1024;
    assert_eq!(head_of(limit).len(), limit);
    assert_eq!(
        raw_status(&address, &head_of(limit)),
        "HTTP/1.1 204 No Content"
    );
    assert!(raw_status(&address, &head_of(limit + 1)).starts_with("HTTP/1.1 431"));
    let fields = |n: usize| {
        let mut head = "HEAD /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".to_owned();
        for i in 2..n {
            head.push_str(&format!("X-F{i}: v\r\n"));
        }
        head + "\r\n"
    };
    assert_eq!(
        raw_status(&address, &fields(100)),
        "HTTP/1.1 204 No Content"
    );
    assert!(raw_status(&address, &fields(101)).starts_with("HTTP/1.1 431"));
}

#[test]
fn a_second_host_header_or_a_json_like_content_type_is_refused() {
    let server = Serve::start(&[]);
    let address = server.url.trim_start_matches("http://").to_owned();
    let head =
        "HEAD /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n";
    assert!(raw_status(&address, head).starts_with("HTTP/1.1 421"));
    let one = "HEAD /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    assert_eq!(raw_status(&address, one), "HTTP/1.1 204 No Content");
    for (content_type, status) in [
        ("application/jsonp", 415),
        ("application/json-evil", 415),
        ("application/json; charset=utf-8", 200),
        ("Application/JSON", 200),
    ] {
        let (got, _, body) = call(
            &server.url,
            "POST",
            "/_emulator/clock",
            &[("Content-Type", content_type)],
            Some(r#"{"advance":"1s"}"#),
        );
        assert_eq!(got, status, "{content_type}: {body}");
    }
}

#[test]
fn the_validation_tool_refuses_a_member_it_does_not_take() {
    let server = Serve::start(&[]);
    let (status, _, body) = call(
        &server.url,
        "POST",
        "/_emulator/validate",
        &[],
        Some(r#"{"token":"a.b.c","usr":"bob"}"#),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["data"]["property"], "usr", "{body}");
}

#[test]
fn serve_refuses_a_state_file_no_service_wrote_and_names_what_is_wrong() {
    let dir = crate::util::tempdir();
    let state = dir.path().join("s.json");
    let now = chrono::Utc::now().to_rfc3339();
    let text = format!(
        r#"{{"schema":1,"clock_offset_ms":0,"books":{{"nonces":[],"sessions":[{{"token":"","user":"mallory","created_at":"{now}","expires_at":"{now}"}}],"identities":[]}},"attempts":[]}}"#
    );
    std::fs::write(&state, text).unwrap();
    let r = outcome_of(
        layer_auth()
            .args(["serve", "--listen", "127.0.0.1:0", "--state"])
            .arg(&state),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "never served: {r:?}");
    assert!(
        r.stderr.contains(
            "holds what no service wrote (remove it to start afresh): session token 1 is empty"
        ),
        "{r:?}"
    );
}
