#!/usr/bin/env bash
# Regenerates docs/dashboard.png: a `layer-auth serve` with one accepted and one refused
# sign-in, its dashboard rendered by Debian's headless Chromium.
#
#   scripts/screenshot.sh
#
# Needs: the debug build (built here), chromium (apt-get install chromium), curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -q
bin=$PWD/target/debug/layer-auth
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$bin" serve --listen 127.0.0.1:0 --seed 7 >"$work/url" 2>/dev/null &
server=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
url=$(cat "$work/url")
python3 - "$url" <<'PY'
import json, sys, urllib.request, urllib.error
base = sys.argv[1]
def call(method, path, body=None, accept=True):
    headers = {"Content-Type": "application/json"}
    if accept: headers["Accept"] = "application/vnd.layer+json; version=1.0"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, data, headers, method=method)) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read())
app = call("GET", "/_emulator/health", accept=False)["app_id"]
nonce = call("POST", "/nonces")["nonce"]
token = call("POST", "/authenticate", {"user_id": "alice", "nonce": nonce}, accept=False)["identity_token"]
call("POST", "/sessions", {"identity_token": token, "app_id": app})
call("POST", "/sessions", {"identity_token": token, "app_id": app})
PY
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,1800 \
  --virtual-time-budget=3000 --screenshot="$PWD/docs/dashboard.png" "$url/dashboard" 2>/dev/null
echo "wrote docs/dashboard.png" >&2
