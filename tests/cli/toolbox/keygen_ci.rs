//! `keygen --key-id`, `--format jwks`, `--print-env [--github]`, `--encrypt`.

use super::*;

#[test]
fn keygen_key_id_format_jwk_puts_the_key_id_in_kid_and_format_jwks_wraps_it_in_keys() {
    let dir = tempdir();
    let (key, jwk) = keygen_jwk(dir.path(), "k", KID_A);
    assert_eq!(jwk["kid"], json!(KID_A));
    assert_eq!(jwk["kty"], json!("RSA"));
    assert!(jwk.get("d").is_none(), "public only: {jwk}");
    let jwk_file = dir.path().join("k.jwk");
    std::fs::write(&jwk_file, jwk.to_string()).unwrap();
    let r = layer(&[
        "keys",
        "check",
        path(&key),
        path(&jwk_file),
        "--key-id",
        KID_A,
    ]);
    assert_eq!(r.code, 0, "the JWK is the key's public half: {r:?}");

    let other = dir.path().join("other.pem");
    let r = layer(&[
        "keygen",
        "--out",
        path(&other),
        "--key-id",
        KID_B,
        "--format",
        "jwks",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let set: Map<String, Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(set.keys().collect::<Vec<_>>(), ["keys"]);
    assert_eq!(set["keys"].as_array().unwrap().len(), 1);
    assert_eq!(set["keys"][0]["kid"], json!(KID_B));
}

#[test]
fn keygen_print_env_prints_only_export_lines_that_bash_evals_into_a_working_sign() {
    let dir = tempdir();
    let key = dir.path().join("ci key.pem");
    let public = dir.path().join("ci.pub.pem");
    // A relative --out: the exported path must still work from anywhere.
    let r = outcome_of(
        layer_auth().current_dir(dir.path()).args([
            "keygen",
            "--out",
            "ci key.pem",
            "--public-out",
            "ci.pub.pem",
            "--key-id",
            KEY_ID,
            "--print-env",
        ]),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{r:?}");
    let exported = lines[0]
        .strip_prefix("export LAYER_PRIVATE_KEY_PATH='")
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{r:?}"));
    assert!(Path::new(exported).is_absolute(), "{r:?}");
    assert_eq!(
        std::fs::canonicalize(exported).unwrap(),
        std::fs::canonicalize(&key).unwrap()
    );
    assert_eq!(lines[1], format!("export LAYER_KEY_ID='{KEY_ID}'"));
    // Without --key-id, only the path.
    let plain = layer(&[
        "keygen",
        "--out",
        path(&dir.path().join("plain.pem")),
        "--print-env",
    ]);
    assert_eq!(plain.code, 0, "{plain:?}");
    assert_eq!(plain.stdout.lines().count(), 1, "{plain:?}");
    assert!(
        plain.stdout.starts_with("export LAYER_PRIVATE_KEY_PATH='/"),
        "{plain:?}"
    );

    let script = r#"eval "$1" && "$2" sign --provider-id "$3" --nonce n --user u --now 1700000000"#;
    let signed = outcome_of(
        hermetic_bash().current_dir("/").args([
            "-c",
            script,
            "bash",
            &r.stdout,
            &binary(),
            PROVIDER_ID,
        ]),
        None,
    );
    assert_eq!(signed.code, 0, "{signed:?}");
    let token = signed.stdout.trim_end();
    let v = layer(&[
        "validate",
        token,
        "--public-key",
        path(&public),
        "--key-id",
        KEY_ID,
        "--provider-id",
        PROVIDER_ID,
        "--now",
        NOW,
        "--json",
    ]);
    assert_eq!(v.code, 0, "signed with the exported key and kid: {v:?}");
}

#[test]
fn keygen_print_env_github_appends_to_github_env_and_prints_only_add_mask_lines() {
    let dir = tempdir();
    let env_file = dir.path().join("github_env");
    std::fs::write(&env_file, "EARLIER=1\n").unwrap();
    let key = dir.path().join("ci.pem");
    let r = outcome_of(
        layer_auth()
            .current_dir(dir.path())
            .args([
                "keygen",
                "--out",
                "ci.pem",
                "--key-id",
                KEY_ID,
                "--print-env",
                "--github",
            ])
            .env("GITHUB_ENV", &env_file)
            .env("GITHUB_ACTIONS", "true"),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    let written = std::fs::read_to_string(&env_file).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 3, "appended two lines: {written}");
    assert_eq!(lines[0], "EARLIER=1", "kept what was there: {written}");
    let exported = lines[1].strip_prefix("LAYER_PRIVATE_KEY_PATH=").unwrap();
    assert!(Path::new(exported).is_absolute(), "{written}");
    assert_eq!(
        std::fs::canonicalize(exported).unwrap(),
        std::fs::canonicalize(&key).unwrap()
    );
    assert_eq!(lines[2], format!("LAYER_KEY_ID={KEY_ID}"));
    assert!(written.ends_with('\n'), "{written:?}");
    assert!(!r.stdout.is_empty(), "{r:?}");
    assert!(
        r.stdout.lines().all(|l| l.starts_with("::add-mask::")),
        "{r:?}"
    );
    // Every line of the key's base64 is masked, so a stray `cat` does not leak it.
    let pem = std::fs::read_to_string(&key).unwrap();
    let masked: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.strip_prefix("::add-mask::").unwrap())
        .collect();
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(masked.contains(&line), "{line} is not masked: {r:?}");
    }
}

#[test]
fn keygen_print_env_github_without_github_env_exits_2_and_writes_no_key() {
    let dir = tempdir();
    let key = dir.path().join("ci.pem");
    let r = outcome_of(
        layer_auth()
            .args(["keygen", "--out", path(&key), "--print-env", "--github"])
            .env("GITHUB_ACTIONS", "true"),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("GITHUB_ENV"), "{r:?}");
    assert!(!key.exists());
}

/// The mask lines carry the key: they go only to the runner's pipe in a GitHub Actions
/// step, never outside one, to a file, or to a FIFO standing in for `$GITHUB_ENV`.
#[test]
fn keygen_github_prints_the_masks_only_to_the_runner_in_an_actions_step() {
    let dir = tempdir();
    let env_file = dir.path().join("github_env");
    std::fs::write(&env_file, "").unwrap();
    let key = dir.path().join("ci.pem");
    let args = ["keygen", "--out", path(&key), "--print-env", "--github"];
    let outside = outcome_of(layer_auth().args(args).env("GITHUB_ENV", &env_file), None);
    assert_eq!(outside.code, 2, "{outside:?}");
    assert!(
        outside.stderr.contains("GITHUB_ACTIONS=true"),
        "{outside:?}"
    );
    let captured = dir.path().join("stdout.txt");
    let out = layer_auth()
        .args(args)
        .env("GITHUB_ENV", &env_file)
        .env("GITHUB_ACTIONS", "true")
        .stdout(std::fs::File::create(&captured).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("a terminal or a file"));
    assert_eq!(std::fs::read_to_string(&captured).unwrap(), "");
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let waiting = outcome_of(
        layer_auth()
            .args(args)
            .env("GITHUB_ENV", &fifo)
            .env("GITHUB_ACTIONS", "true"),
        None,
    );
    assert_eq!(waiting.code, 2, "{waiting:?}");
    assert!(waiting.stderr.contains("not a regular file"), "{waiting:?}");
    assert!(!key.exists(), "a key was left behind");
}

#[test]
fn keygen_refuses_a_public_out_that_is_the_private_key_by_another_name() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let r = outcome_of(
        layer_auth().current_dir(dir.path()).args([
            "keygen",
            "--out",
            "./k.pem",
            "--public-out",
            "sub/../k.pem",
            "--force",
        ]),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("the same file as --out"), "{r:?}");
    assert!(!dir.path().join("k.pem").exists());
}

#[test]
fn keygen_print_env_refuses_a_working_directory_with_a_line_break() {
    let dir = tempdir();
    let odd = dir.path().join("x\nNODE_OPTIONS=--require=/tmp/evil.js\ny");
    std::fs::create_dir_all(&odd).unwrap();
    let r = outcome_of(
        layer_auth()
            .current_dir(&odd)
            .args(["keygen", "--out", "k.pem", "--print-env"]),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("line break"), "{r:?}");
    assert!(!odd.join("k.pem").exists());
}

#[test]
fn keygen_encrypt_without_a_passphrase_exits_2_and_writes_no_file() {
    let dir = tempdir();
    let key = dir.path().join("k.p8.pem");
    let r = layer(&["keygen", "--out", path(&key), "--encrypt"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("LAYER_PRIVATE_KEY_PASSPHRASE"), "{r:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn keygen_print_env_checks_github_env_and_line_breaks_before_writing_any_key() {
    let dir = tempdir();
    let key = dir.path().join("ci.pem");
    let missing = dir.path().join("no-such-dir").join("github-env");
    let r = outcome_of(
        layer_auth()
            .args(["keygen", "--out", path(&key), "--print-env", "--github"])
            .env("GITHUB_ENV", &missing)
            .env("GITHUB_ACTIONS", "true"),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("cannot append"), "{r:?}");
    assert!(!key.exists(), "a key was left behind: {r:?}");
    let broken = dir.path().join("line\nBREAK=1.pem");
    let r = layer(&["keygen", "--out", path(&broken), "--print-env"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("line break"), "{r:?}");
    assert!(!broken.exists(), "a key was left behind: {r:?}");
}
