//! Reports as CI systems read them: GitHub Actions workflow commands (one `::error`,
//! `::warning` or `::notice` line per failed, warned or unmade check) and JUnit XML (one
//! testcase per token, one failure per failed check, and the warnings and checks not made
//! in its `system-out`): a green run never hides what it did not check. Messages are
//! escaped first, like everything shown to people: no control character reaches a log or
//! an XML file.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{escape, escape_message};
use crate::checks::{CheckId, Report, SIGNATURE_SKIPPED_ON_REQUEST, Status};

/// One `::error title=ID::MESSAGE` line per failed check and `::warning …` per warned one,
/// then one `::notice title=not checked::…` naming every check not made (for a report judged
/// strictly, each is an `::error`; so is a signature left unverified for want of a key,
/// which makes the token invalid), each ending in a newline. `label` names the token
/// (`line 3`), when there are several. A signature skipped on request is in the notice:
/// GitHub shows ten warnings a step, and a run that skips every signature should say so
/// once, not crowd out the warnings that differ.
///
/// ```
/// use layer_auth::checks::{Policy, validate};
/// use layer_auth::keys::KeySet;
/// use layer_auth::output::github_annotations;
/// let report = validate("a.b", &Policy::new(chrono::Utc::now(), &KeySet::default()));
/// let lines = github_annotations(&report, Some("line 2"));
/// assert!(lines.starts_with("::error title=eit_wrong_jws_part_count::line 2: 2 parts"));
/// ```
pub fn github_annotations(report: &Report, label: Option<&str>) -> String {
    let prefix = label.map_or(String::new(), |l| format!("{l}: "));
    let mut out = String::new();
    let mut line = |level: &str, title: &str, message: &str| {
        out.push_str(&format!(
            "::{level} title={title}::{}\n",
            workflow_data(&format!("{prefix}{message}"))
        ));
    };
    let mut unmade = Vec::new();
    for check in &report.checks {
        let level = match check.status {
            Status::Fail => "error",
            Status::Warn if report.strict => "error",
            Status::Warn => "warning",
            Status::Skip if report.strict => "error",
            // A signature not verified for want of a key is what makes a token that
            // failed nothing else invalid: an error. Skipped on request, or beside real
            // failures, it is in the notice (the caller says a skip once for the run).
            Status::Skip
                if check.id == CheckId::Signature
                    && check.message != SIGNATURE_SKIPPED_ON_REQUEST
                    && report.failures().next().is_none() =>
            {
                "error"
            }
            Status::Skip => {
                let message = escape_message(check);
                let why = message.strip_prefix("not checked: ").unwrap_or(&message);
                unmade.push(format!("{} ({why})", check.id.as_str()));
                continue;
            }
            Status::Pass => continue,
        };
        line(level, check.id.as_str(), &escape_message(check));
    }
    if !unmade.is_empty() {
        line(
            "notice",
            "not checked",
            &format!("not checked: {}", unmade.join("; ")),
        );
    }
    out
}

/// GitHub's escaping for a workflow command's message (`%`, CR and LF).
fn workflow_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// One token as a JUnit testcase: its name, its failures (check id, message), and what
/// else a reader should know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JunitCase {
    /// `line 3`, or `token`.
    pub name: String,
    /// One per failed check (and, judged strictly, per warned or unmade one).
    pub failures: Vec<(String, String)>,
    /// Lines for `system-out`: a warning or a check not made, when they are not failures
    /// (`warning eit_…: …`, `not checked eit_…: …`).
    pub notes: Vec<String>,
}

impl JunitCase {
    /// The testcase for `report`.
    pub fn of(report: &Report, name: String) -> Self {
        let counts = |s: Status| match s {
            Status::Fail => true,
            Status::Warn | Status::Skip => report.strict,
            Status::Pass => false,
        };
        let mut failures: Vec<(String, String)> = report
            .checks
            .iter()
            .filter(|c| counts(c.status))
            .map(|c| (c.id.as_str().to_owned(), escape_message(c).into_owned()))
            .collect();
        if failures.is_empty() && !report.valid {
            failures.push((
                "eit_signature_verification_failed".into(),
                "not verified: no public key to verify with".into(),
            ));
        }
        let notes = report
            .checks
            .iter()
            .filter(|c| !counts(c.status))
            .filter_map(|c| {
                let message = escape_message(c);
                let note = match c.status {
                    Status::Warn => format!("warning {}: {message}", c.id.as_str()),
                    Status::Skip => {
                        let why = message.strip_prefix("not checked: ").unwrap_or(&message);
                        format!("not checked {}: {why}", c.id.as_str())
                    }
                    Status::Pass | Status::Fail => return None,
                };
                Some(note)
            })
            .collect();
        Self {
            name,
            failures,
            notes,
        }
    }

    /// A testcase for an input that was not a token at all (a bad JSON line).
    pub fn error(name: String, message: &str) -> Self {
        Self {
            name,
            failures: vec![("input".into(), escape(message).into_owned())],
            notes: Vec::new(),
        }
    }
}

/// Writes `cases` as one JUnit test suite named `suite`.
///
/// # Errors
/// Whatever `out` returns.
pub fn write_junit(suite: &str, cases: &[JunitCase], out: impl Write) -> io::Result<()> {
    let tests = cases.len().to_string();
    let failed = cases.iter().filter(|c| !c.failures.is_empty()).count();
    let failed = failed.to_string();
    let mut xml = Writer::new_with_indent(out, b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let attributes = [
        ("name", suite),
        ("tests", tests.as_str()),
        ("failures", failed.as_str()),
        ("errors", "0"),
    ];
    xml.create_element("testsuites")
        .with_attributes(attributes)
        .write_inner_content(|xml| {
            xml.create_element("testsuite")
                .with_attributes(attributes)
                .write_inner_content(|xml| cases.iter().try_for_each(|c| write_case(xml, c)))?;
            Ok(())
        })?;
    xml.get_mut().write_all(b"\n")
}

fn write_case<W: Write>(xml: &mut Writer<W>, case: &JunitCase) -> io::Result<()> {
    let element = xml
        .create_element("testcase")
        .with_attribute(("name", escape(&case.name).as_ref()))
        .with_attribute(("classname", "layer-auth.validate"));
    if case.failures.is_empty() && case.notes.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|xml| {
        for (id, message) in &case.failures {
            xml.create_element("failure")
                .with_attribute(("type", id.as_str()))
                .with_attribute(("message", message.as_str()))
                .write_text_content(BytesText::new(&format!("{id}: {message}")))?;
        }
        if !case.notes.is_empty() {
            xml.create_element("system-out")
                .write_text_content(BytesText::new(&case.notes.join("\n")))?;
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_escapes_markup_and_counts_failed_cases() {
        let cases = [
            JunitCase {
                name: "line 1".into(),
                failures: Vec::new(),
                notes: Vec::new(),
            },
            JunitCase {
                name: "line 2".into(),
                failures: vec![("eit_expired".into(), "<b>\"late\" & \\u{1b}".into())],
                notes: Vec::new(),
            },
        ];
        let mut out = Vec::new();
        write_junit("layer-auth validate", &cases, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"layer-auth validate\" tests=\"2\" failures=\"1\" errors=\"0\">"), "{xml}");
        assert!(
            xml.contains("<testcase name=\"line 1\" classname=\"layer-auth.validate\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains("message=\"&lt;b&gt;&quot;late&quot; &amp; \\u{1b}\""),
            "{xml}"
        );
    }

    #[test]
    fn junit_holds_only_characters_xml_allows_whatever_the_token_held() {
        let hostile = "a\u{1b}[2J\u{0}\u{fffe}\u{ffff}]]>&<\"'\u{85}".to_owned();
        let cases = [JunitCase {
            name: hostile.clone(),
            failures: vec![("user_matches".into(), escape(&hostile).into_owned())],
            notes: vec![escape(&hostile).into_owned()],
        }];
        let mut out = Vec::new();
        write_junit("layer-auth validate", &cases, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        let allowed = |c: char| {
            matches!(c, '\t' | '\n' | '\r' | ' '..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
                || c >= '\u{10000}'
        };
        assert!(xml.chars().all(allowed), "{xml:?}");
        assert!(xml.contains("\\u{fffe}\\u{ffff}]]&gt;"), "{xml}");
    }

    #[test]
    fn workflow_messages_escape_percent_and_line_breaks() {
        assert_eq!(workflow_data("50%\r\nx"), "50%25%0D%0Ax");
    }
}
