#!/usr/bin/env bash
# Issue 15's three throughput ratios, measured fairly on a noisy machine: ROUNDS rounds
# (default 6) of openssl speed and our three bulk runs, one after the other, keeping the
# best rate of each, so that a slow minute hurts neither side alone. The text report goes to a
# file, as in scripts/bench.sh and issue 15's target.
#
#   scripts/ratio.sh [ROUNDS]        # about 20 s a round on 2 cores
#   BIN=/path/to/layer-auth scripts/ratio.sh   # another build (an older commit, say)
#
# Needs openssl and bc; builds the release binary unless BIN is given.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN=$PWD/target/release/layer-auth
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tests/fixtures/keys/rsa2048-pkcs8.pem "$work/key.pem"
chmod 600 "$work/key.pem"
spki=$PWD/tests/fixtures/keys/rsa2048-spki.pem
export LAYER_PRIVATE_KEY_PATH=$work/key.pem
export LAYER_PROVIDER_ID=layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
export LAYER_KEY_ID=layer:///keys/11111111-2222-3333-4444-555555555555
now=1700000000 n=100000 cores=$(nproc)

awk 'BEGIN { for (i = 0; i < 4000; i++) printf "{\"nonce\":\"nonce-%d\",\"user\":\"user-%d\"}\n", i, i }' \
  | "$BIN" sign --batch - --now $now > "$work/tokens.txt"
awk -v n=$n '{ line[NR] = $0 } END { for (i = 0; i < n; i++) print line[i % NR + 1] }' \
  "$work/tokens.txt" > "$work/many.txt"

rate() { # rate COMMAND: lines/s of one run of COMMAND (sh -c)
  local t0 t1; t0=$(date +%s.%N); sh -c "$1"; t1=$(date +%s.%N)
  echo "$n / ($t1 - $t0)" | bc -l
}
max() { echo "if ($1 > $2) $1 else $2" | bc -l; }
best_o=0 best_j=0 best_t=0 best_i=0
for round in $(seq "$rounds"); do
  echo "round $round of $rounds ..." >&2
  o=$(openssl speed -seconds 2 -multi "$cores" rsa2048 2>/dev/null | awk '/^rsa 2048/ { print $NF }')
  j=$(rate "'$BIN' validate - --public-key '$spki' --now $((now + 60)) --json < '$work/many.txt' > /dev/null")
  rm -f "$work/report.txt" # outside the clock: truncating the last 200 MB report took 50 ms
  t=$(rate "'$BIN' validate - --public-key '$spki' --now $((now + 60)) < '$work/many.txt' 2> '$work/report.txt'")
  i=$(rate "'$BIN' inspect - --json --now $((now + 60)) < '$work/many.txt' > /dev/null")
  best_o=$(max "$o" "$best_o") best_j=$(max "$j" "$best_j")
  best_t=$(max "$t" "$best_t") best_i=$(max "$i" "$best_i")
done
ratio() { printf '%.2f' "$(echo "$1 / $best_o" | bc -l)"; }
printf 'openssl verify/s %.0f (best of %s rounds, %s cores)\n' "$best_o" "$rounds" "$cores"
printf '%-28s %10s %7s %8s\n' what tokens/s ratio target
printf '%-28s %10.0f %7s %8s\n' "validate - --json" "$best_j" "$(ratio "$best_j")" "≥ 0.85"
printf '%-28s %10.0f %7s %8s\n' "validate - text to a file" "$best_t" "$(ratio "$best_t")" "≥ 0.80"
printf '%-28s %10.0f %7s %8s\n' "inspect - --json" "$best_i" "$(ratio "$best_i")" "≥ 10"
