//! `docs/report.md` is the JSON reports' contract: these tests read its tables and fail when
//! what the binary prints and what the page documents drift apart.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::{NOW, fixture, layer, layer_auth, outcome_of, token};

/// The first column of each row (`| \`name\` | …`) of the first table after `heading`.
fn documented(heading: &str) -> Vec<String> {
    rows(heading).into_iter().map(|(name, _)| name).collect()
}

/// The rows of that table: the name, and whether its type column says "optional".
fn rows(heading: &str) -> Vec<(String, bool)> {
    let doc = std::fs::read_to_string(fixture("../../docs/report.md")).unwrap();
    let (_, after) = doc
        .split_once(heading)
        .unwrap_or_else(|| unreachable!("docs/report.md has no {heading:?}"));
    after
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2) // the header row and the |---| row
        .map(|row| {
            let cells: Vec<&str> = row.split('|').collect();
            let name = cells[1].trim().trim_matches('`').to_owned();
            (name, cells.get(2).is_some_and(|c| c.contains("optional")))
        })
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

fn set(names: Vec<String>) -> BTreeSet<String> {
    names.into_iter().collect()
}

#[test]
fn every_validate_json_field_and_check_id_is_documented_and_nothing_else_is() {
    let input = format!("{}\n", token("valid"));
    let r = outcome_of(
        layer_auth()
            .args(["validate", "-", "--json", "--now", NOW, "--public-key"])
            .arg(fixture("keys/rsa2048-spki.pem")),
        Some(input.as_bytes()),
    );
    assert_eq!(r.code, 0, "{r:?}");
    let report: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(
        keys(&report),
        set(documented("one object per token")),
        "{report}"
    );
    let check = &report["checks"][0];
    assert_eq!(keys(check), set(documented("Each entry of `checks`")));
    let ids: Vec<String> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, documented("### The checks, in report order"));
}

#[test]
fn every_flow_json_field_is_documented_and_nothing_else_is() {
    let r = layer(&["flow", "--user", "alice", "--challenge", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(keys(&report), set(documented("one object per run")));
    let fields = rows("Each step:");
    let all: BTreeSet<String> = fields.iter().map(|(name, _)| name.clone()).collect();
    for step in report["steps"].as_array().unwrap() {
        let present = keys(step);
        assert!(present.is_subset(&all), "undocumented in {step:#}");
        for (name, optional) in &fields {
            assert!(
                *optional || present.contains(name),
                "{name} missing in {step:#}"
            );
        }
    }
    let exchange = &report["steps"][0]["http"][0];
    assert_eq!(
        keys(exchange),
        ["body", "method", "status", "target"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}
