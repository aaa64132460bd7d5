// The dashboard of `layer-auth serve`: the service, its sign-in attempts as they happen,
// a token validation tool, and the nonce and session ledgers with actions. Everything it
// shows comes from the /_emulator/ API and is inserted as text (textContent), never as
// HTML: a token whose claims hold markup shows the markup. No asset comes from outside.
"use strict";

const TOKEN_KEY = "layer-auth-control-token";
const state = { token: sessionStorage.getItem(TOKEN_KEY) || "", since: 0, count: 0, timer: null };

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A JSON call to this service; a 401 asks for the control token. */
async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin", cache: "no-store",
  });
  const text = await response.text();
  const value = text ? JSON.parse(text) : null;
  if (response.status === 401 && path.startsWith("/_emulator/")) {
    showUnlock(state.token ? "That token was not accepted." : "");
    throw new Error("control token needed");
  }
  if (!response.ok) throw new Error((value && value.message) || ("HTTP " + response.status));
  return value;
}

function status(text, bad) {
  const node = document.getElementById("status");
  node.textContent = text;
  node.className = bad ? "bad" : "";
}

function showUnlock(message) {
  stopPolling();
  document.getElementById("main").hidden = true;
  document.getElementById("unlock").hidden = false;
  document.getElementById("unlock-error").textContent = message || "";
  status("Locked: the control token is needed.", true);
  document.getElementById("control-token").focus();
}

/** A button that copies `text`; falls back to selecting it where the clipboard is closed. */
function copyButton(text, label) {
  return el("button", {
    type: "button", class: "copy", "aria-label": "Copy " + (label || "value"),
    onclick: async (event) => {
      const button = event.currentTarget;
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch (_) {
        const area = el("textarea", { class: "scratch", readonly: "" }, text);
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
        button.textContent = "Selected";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    },
  }, "Copy");
}

function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().replace(".000Z", "Z");
}

// ---- the service ----

function renderService(health) {
  const origin = window.location.origin;
  const keys = (health.keys || []).map((k) => `${k.kid} (${k.bits} bits, thumbprint ${k.thumbprint})`);
  const rows = [
    ["URL", origin],
    ["App ID", health.app_id],
    ["Provider ID", health.provider_id || "(not checked)"],
    ["Keys", keys.join("; ") || "(none)"],
    ["Session TTL", health.session_ttl_seconds + " s"],
    ["Sample backend", health.sample_backend ? origin + "/authenticate" : "(none: only public keys were given)"],
  ];
  const list = document.getElementById("service");
  list.replaceChildren(...rows.flatMap(([name, value]) => [
    el("dt", {}, name),
    el("dd", {}, el("code", {}, value), " ", copyButton(String(value), name)),
  ]));
  const accept = "Accept: application/vnd.layer+json; version=1.0";
  const snippets = [
    ["Layer Web SDK", `new layer.Client({appId: "${health.app_id}", url: "${origin}"});`],
    ["curl: a nonce", `curl -X POST -H '${accept}' ${origin}/nonces`],
    ["curl: a token from the sample backend", `curl -X POST -H 'Content-Type: application/json' -d '{"user_id":"alice","nonce":"NONCE"}' ${origin}/authenticate`],
    ["curl: a session", `curl -X POST -H '${accept}' -H 'Content-Type: application/json' -d '{"identity_token":"TOKEN","app_id":"${health.app_id}"}' ${origin}/sessions`],
    ["layer-auth", `layer-auth flow --layer-url ${origin} --user alice --challenge --strict`],
  ];
  document.getElementById("snippets").replaceChildren(...snippets.map(([title, code]) =>
    el("div", { class: "snippet" }, el("h4", {}, title), el("pre", {}, el("code", {}, code)), copyButton(code, title))));
}

// ---- reports ----

const MARKS = { pass: "✓", warn: "⚠", fail: "✗", skip: "–" };

function renderReport(report) {
  if (!report) return el("p", { class: "hint" }, "The token was not judged (the app id was wrong).");
  const verdict = report.valid
    ? el("p", { class: "verdict pass" }, "✓ valid")
    : el("p", { class: "verdict fail" }, "✗ refused: " + (report.failed.join(", ") || "not verified"));
  const checks = el("ul", { class: "checks" }, report.checks.map((c) =>
    el("li", { class: c.status },
      el("span", { class: "mark", "aria-label": c.status }, MARKS[c.status] || "?"), " ",
      el("code", {}, c.id), " ", el("span", { class: "message" }, c.message))));
  const part = (title, value) => el("details", {}, el("summary", {}, title),
    el("pre", {}, value === null ? "(could not be decoded)" : JSON.stringify(value, null, 2)));
  return el("div", { class: "report" }, verdict, checks, part("Header", report.header), part("Claims", report.claims));
}

// ---- attempts ----

function renderAttempt(a) {
  const outcome = a.accepted
    ? el("span", { class: "pass" }, "✓ accepted")
    : el("span", { class: "fail" }, "✗ " + (a.reason || a.status));
  const summary = el("summary", {},
    el("time", { datetime: a.at }, when(a.at)), " ",
    el("span", { class: "user" }, a.user === null ? "(no user)" : a.user), " ",
    el("span", { class: "nonce-state" }, "nonce " + a.nonce_state), " ", outcome);
  return el("li", { class: "attempt", "data-seq": a.seq },
    el("details", {}, summary,
      el("p", {}, a.message),
      renderReport(a.report),
      el("div", { class: "token" }, el("h4", {}, "Token"), el("pre", {}, a.token), copyButton(a.token, "token"))));
}

async function pollAttempts() {
  const fresh = await api("GET", "/_emulator/attempts?since=" + state.since);
  const list = document.getElementById("attempts");
  for (const attempt of fresh) {
    list.prepend(renderAttempt(attempt));
    state.since = Math.max(state.since, attempt.seq);
    state.count += 1;
  }
  document.getElementById("no-attempts").hidden = state.count > 0;
}

// ---- ledgers ----

function renderLedgers(sessions, nonces) {
  const sessionRows = sessions.slice().reverse().map((s) => el("tr", { class: s.expired ? "expired" : "" },
    el("td", {}, s.user), el("td", {}, el("code", {}, s.session_token.slice(0, 12) + "…")),
    el("td", {}, when(s.created_at)), el("td", {}, (s.expired ? "expired " : "") + when(s.expires_at)),
    el("td", {}, s.expired ? "" : el("button", {
      type: "button", onclick: () => act("Expired that session", "/_emulator/expire", { session_token: s.session_token }),
    }, "Expire"))));
  document.querySelector("#sessions tbody").replaceChildren(...sessionRows);
  const nonceRows = nonces.slice(-50).reverse().map((n) => el("tr", { class: n.state },
    el("td", {}, el("code", {}, n.nonce)), el("td", {}, when(n.issued_at)), el("td", {}, n.state)));
  document.querySelector("#nonces tbody").replaceChildren(...nonceRows);
}

async function pollLedgers() {
  const [sessions, nonces] = await Promise.all([api("GET", "/_emulator/sessions"), api("GET", "/_emulator/nonces")]);
  renderLedgers(sessions, nonces);
}

async function act(label, path, body, method) {
  const result = document.getElementById("action-result");
  try {
    const answer = await api(method || "POST", path, body);
    result.textContent = label + (answer && answer.expired !== undefined ? ` (${answer.expired})` : "")
      + (answer && answer.now ? ": the service's clock now reads " + when(answer.now) : "") + ".";
    result.className = "pass";
    await Promise.all([pollLedgers(), pollAttempts()]);
  } catch (error) {
    result.textContent = label + " failed: " + error.message;
    result.className = "fail";
  }
}

// ---- polling ----

function stopPolling() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
}

async function tick() {
  try {
    await Promise.all([pollAttempts(), pollLedgers()]);
    status("Live: updated " + new Date().toLocaleTimeString() + ".");
  } catch (error) {
    if (state.timer) status("Cannot reach the service: " + error.message, true);
  }
}

async function start() {
  let health;
  try {
    health = await api("GET", "/_emulator/health");
  } catch (error) {
    if (!document.getElementById("unlock").hidden) return;
    status("Cannot reach the service: " + error.message, true);
    return;
  }
  document.getElementById("unlock").hidden = true;
  document.getElementById("main").hidden = false;
  renderService(health);
  stopPolling();
  await tick();
  state.timer = setInterval(tick, 1000);
}

// ---- forms ----

function wire() {
  document.getElementById("unlock-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = document.getElementById("control-token").value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    start();
  });
  document.getElementById("validate-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = document.getElementById("v-result");
    out.replaceChildren(el("p", { class: "hint" }, "Validating…"));
    try {
      const answer = await api("POST", "/_emulator/validate", {
        token: document.getElementById("v-token").value,
        nonce: document.getElementById("v-nonce").value,
        user: document.getElementById("v-user").value,
      });
      const notes = answer.stripped.length
        ? el("p", { class: "hint" }, "Stripped from what was pasted: " + answer.stripped.join(", ") + ".")
        : null;
      out.replaceChildren(...[notes, renderReport(answer.report)].filter(Boolean));
    } catch (error) {
      out.replaceChildren(el("p", { class: "fail" }, error.message));
    }
  });
  document.getElementById("clock-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act("Moved the clock", "/_emulator/clock", { advance: document.getElementById("clock-by").value });
  });
  document.getElementById("expire-user-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const user = document.getElementById("expire-user").value;
    act("Expired the sessions of " + user, "/_emulator/expire", { user });
  });
  document.getElementById("fault-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act("Armed the fault", "/_emulator/faults", {
      route: document.getElementById("fault-route").value,
      status: Number(document.getElementById("fault-status").value),
      times: Number(document.getElementById("fault-times").value),
    });
  });
  document.getElementById("reset").addEventListener("click", () => {
    state.since = 0;
    state.count = 0;
    document.getElementById("attempts").replaceChildren();
    act("Reset the state", "/_emulator/state", undefined, "DELETE");
  });
}

wire();
start();
