//! `layer-auth keygen`.

use crate::util::{layer, layer_auth, openssl, tempdir};

#[test]
fn keygen_writes_pkcs8_0600_and_prints_the_matching_spki_that_openssl_reads() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    let r = layer(&["keygen", "--out", key.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.starts_with("-----BEGIN PUBLIC KEY-----\n"),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("thumbprint (RFC 7638, SHA-256): "),
        "{r:?}"
    );
    let pem = std::fs::read_to_string(&key).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(!r.stdout.contains("PRIVATE") && !r.stderr.contains("PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // openssl derives the same public key from the private file as we printed.
    let derived = openssl(&["pkey", "-in", key.to_str().unwrap(), "-pubout"]);
    assert!(derived.status.success());
    assert_eq!(String::from_utf8(derived.stdout).unwrap(), r.stdout);
    let public = dir.path().join("k.pub");
    std::fs::write(&public, &r.stdout).unwrap();
    let text = openssl(&[
        "pkey",
        "-pubin",
        "-in",
        public.to_str().unwrap(),
        "-text",
        "-noout",
    ]);
    assert!(
        String::from_utf8(text.stdout)
            .unwrap()
            .contains("Public-Key: (2048 bit)")
    );
    // No temporary file is left beside the key.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn keygen_refuses_to_overwrite_without_force_and_leaves_the_file_intact() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    std::fs::write(&key, "precious").unwrap();
    let r = layer(&["keygen", "--out", key.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("already exists") && r.stderr.contains("--force"),
        "{r:?}"
    );
    assert!(r.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&key).unwrap(), "precious");
    let r = layer(&["keygen", "--out", key.to_str().unwrap(), "--force"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
}

#[test]
fn keygen_refuses_bits_under_2048_and_odd_sizes_with_exit_2() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    for bits in ["1024", "2047", "5000"] {
        let r = layer(&["keygen", "--bits", bits, "--out", key.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{bits}: {r:?}");
        assert!(r.stderr.contains("choose 2048"), "{r:?}");
        assert_eq!(r.stderr.lines().count(), 1, "one line: {r:?}");
    }
    assert!(!key.exists());
    let r = layer(&["keygen", "--bits", "lots", "--out", key.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(
        r.stderr.trim(),
        "error: --bits takes a number of bits: choose 2048 (the default), 3072 or 4096"
    );
    let r = layer(&["keygen", "--bits", "1024", "--out", key.to_str().unwrap()]);
    assert!(r.stderr.contains("--bits 1024: choose 2048 (the default), 3072 or 4096; keys under 2048 bits are too weak"), "{r:?}");
}

#[test]
fn keygen_to_a_directory_says_so_and_writes_nothing() {
    let dir = tempdir();
    let r = layer(&["keygen", "--force", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("is a directory"), "{r:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn keygen_jwk_prints_rsa_jwk_whose_kid_is_the_rfc7638_thumbprint() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    let r = layer(&[
        "keygen",
        "--format",
        "jwk",
        "--bits",
        "3072",
        "--out",
        key.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_str(&r.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(value["kty"], "RSA");
    assert_eq!(value["e"], "AQAB");
    assert_eq!(value["alg"], "RS256");
    let thumbprint = jwk
        .thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
        .unwrap();
    assert_eq!(value["kid"], thumbprint.as_str());
    assert!(r.stderr.contains(&thumbprint), "{r:?}");
    let n = value["n"].as_str().unwrap();
    assert_eq!(
        n.len(),
        512,
        "3072-bit modulus is 384 bytes = 512 base64url chars"
    );
}

#[test]
fn keygen_names_the_file_the_public_key_went_to_when_stdout_is_redirected() {
    let dir = tempdir();
    let public = dir.path().join("k.pub.pem");
    let file = std::fs::File::create(&public).unwrap();
    let out = layer_auth()
        .args(["keygen", "--out"])
        .arg(dir.path().join("k.pem"))
        .stdout(file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let canonical = public.canonicalize().unwrap();
    assert!(
        stderr.contains(&format!(
            "register the public key (written to {}) in",
            canonical.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("printed above"), "{stderr}");
}

#[test]
fn keygen_next_step_quotes_a_path_the_shell_would_read_otherwise() {
    let dir = tempdir();
    for (name, shown) in [
        ("k.pem", "--key k.pem "),
        ("k$(touch PWNED).pem", "--key 'k$(touch PWNED).pem' "),
        ("it's.pem", r"--key 'it'\''s.pem' "),
    ] {
        let out = layer_auth()
            .current_dir(dir.path())
            .args(["keygen", "--out", name])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(shown), "{name}: {stderr}");
    }
}

#[test]
fn keygen_takes_output_paths_that_start_with_a_dash() {
    let dir = tempdir();
    let out = layer_auth()
        .current_dir(dir.path())
        .args(["keygen", "--out", "-new.pem", "--public-out", "-pub.pem"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(dir.path().join("-new.pem").is_file());
    assert!(dir.path().join("-pub.pem").is_file());
}

#[test]
fn keygen_whose_stdout_fails_says_the_private_key_is_written_and_how_to_print_its_public_half() {
    let dir = tempdir();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("Linux has /dev/full");
    let out = layer_auth()
        .current_dir(dir.path())
        .args(["keygen", "--out", "k.pem"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "error: the private key is in k.pem, but its public key was not printed (layer-auth \
         keys public k.pem prints it): cannot write to stdout: No space left on device (os \
         error 28)"
    );
    assert!(dir.path().join("k.pem").exists(), "the key is kept");
}
