//! The dashboard in a real browser: Debian's headless Chromium, driven over WebDriver
//! (chromedriver, through the `fantoccini` crate), against a real `serve` on 127.0.0.1.
//!
//! `.ci/run` installs chromium and chromium-driver and sets `LAYER_AUTH_CI=1`, which
//! makes a missing browser a failure; elsewhere, without chromedriver on the PATH, the
//! test says so on stderr and does nothing.

use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::serve::{Serve, nonce, post_session, sample_token};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn on_path(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// chromedriver on a free port of 127.0.0.1, and that port.
fn chromedriver() -> (Driver, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("chromedriver")
        .args([
            format!("--port={port}"),
            "--allowed-ips=127.0.0.1".to_owned(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (Driver(child), port)
}

async fn browser(port: u16, profile: &std::path::Path) -> Client {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
    ];
    let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), json!({ "args": args }));
    // chromedriver is plain HTTP on 127.0.0.1: no TLS stack needed.
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap()
}

/// Waits (up to 15 s) until the element `css` holds `text`; its whole text.
async fn wait_for_text(client: &Client, css: &str, text: &str) -> String {
    let started = Instant::now();
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && let Ok(shown) = element.text().await
            && shown.contains(text)
        {
            return shown;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{css} never showed {text:?}: {}",
            client.source().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn attempts_shown(client: &Client) -> usize {
    client
        .find_all(Locator::Css("#attempts > li"))
        .await
        .map_or(0, |all| all.len())
}

#[test]
fn the_dashboard_validates_a_pasted_token_shows_sign_ins_live_and_markup_as_text() {
    if !on_path("chromedriver") {
        assert!(
            std::env::var_os("LAYER_AUTH_CI").is_none(),
            "LAYER_AUTH_CI is set but chromedriver is not on the PATH"
        );
        eprintln!(
            "dashboard test skipped: no chromedriver (apt-get install chromium chromium-driver)"
        );
        return;
    }
    let server = Serve::start(&[]);
    let app_id = server.health()["app_id"].as_str().unwrap().to_owned();
    let (_driver, port) = chromedriver();
    let profile = crate::util::tempdir();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = browser(port, profile.path()).await;
        client
            .goto(&format!("{}/dashboard", server.url))
            .await
            .unwrap();
        wait_for_text(&client, "#service", &app_id).await;

        // A token signed for someone else, pasted with the user expected.
        let mallory = sample_token(&server.url, "mallory", &nonce(&server.url));
        let pasted = format!("\"{mallory}\"");
        client
            .find(Locator::Id("v-token"))
            .await
            .unwrap()
            .send_keys(&pasted)
            .await
            .unwrap();
        client
            .find(Locator::Id("v-user"))
            .await
            .unwrap()
            .send_keys("alice")
            .await
            .unwrap();
        client
            .find(Locator::Css("#validate-form button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let result = wait_for_text(&client, "#v-result", "user_matches").await;
        assert!(result.contains("✗ refused: user_matches"), "{result}");
        assert!(
            result.contains("Stripped from what was pasted: quotes"),
            "{result}"
        );

        // A sign-in from outside appears without a reload.
        assert_eq!(attempts_shown(&client).await, 0);
        let alice = sample_token(&server.url, "alice", &nonce(&server.url));
        assert_eq!(post_session(&server.url, &app_id, &alice).0, 201);
        wait_for_text(&client, "#attempts", "accepted").await;
        assert_eq!(attempts_shown(&client).await, 1);

        // A user id holding markup shows as text, and runs nothing.
        let markup = "<img src=x onerror=\"document.title='pwned'\">";
        let hostile = sample_token(&server.url, markup, &nonce(&server.url));
        assert_eq!(post_session(&server.url, &app_id, &hostile).0, 201);
        let shown = wait_for_text(&client, "#attempts", "<img src=x").await;
        assert!(shown.contains(markup), "{shown}");
        let images = client
            .execute("return document.querySelectorAll('img').length;", vec![])
            .await
            .unwrap();
        assert_eq!(images, json!(0));
        assert_eq!(client.title().await.unwrap(), "layer-auth serve");
        client.close().await.unwrap();
    });
}
