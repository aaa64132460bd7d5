#!/usr/bin/env bash
# Instructions per token, the one speed figure these machines' noise cannot move: callgrind
# counts what the release binary executes, on one pool thread, for 1,000 and for 3,000
# tokens, and the difference over 2,000 is the cost of a token without the process's start.
# For each bulk command it prints the whole per-token cost, the signature check's share
# (RSA verification and hashing the signing input, `VerifyingKey::verify`), and what is left
# (decoding, the checks, the report, reading and writing), also as a share of the check.
#
#   scripts/instructions.sh                      # about two minutes
#   BIN=/path/to/layer-auth scripts/instructions.sh   # another build (an older commit, say)
#
# Under valgrind aws-lc takes its generic code paths (no SHA-NI, no MULX), so the signature
# figure is not what the hardware runs; what is left is ours, and compares across builds.
# Needs valgrind (installed with apt-get when missing and running as root) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing valgrind ..." >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq valgrind >/dev/null
  else
    echo "instructions.sh needs valgrind: install it (Debian/Ubuntu: apt-get install valgrind)" >&2
    exit 2
  fi
fi
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
export RAYON_NUM_THREADS=1
now=1700000000

awk 'BEGIN { for (i = 0; i < 3000; i++) printf "{\"nonce\":\"nonce-%d\",\"user\":\"user-%d\"}\n", i, i }' \
  | "$BIN" sign --batch - --now $now > "$work/tokens.txt"
head -n 1000 "$work/tokens.txt" > "$work/1000.txt"
cp "$work/tokens.txt" "$work/3000.txt"

count() { # count NAME N ARGS...: callgrind of `layer-auth ARGS...` on N tokens
  local name=$1 n=$2; shift 2
  valgrind --tool=callgrind --callgrind-out-file="$work/$name.$n.out" \
    "$BIN" "$@" < "$work/$n.txt" > /dev/null 2> "$work/$name.$n.log"
  callgrind_annotate --inclusive=yes --threshold=100 "$work/$name.$n.out" > "$work/$name.$n.txt" 2>/dev/null
}
for n in 1000 3000; do
  echo "callgrind, $n tokens ..." >&2
  count json $n validate - --public-key "$spki" --now $((now + 60)) --json
  count text $n validate - --public-key "$spki" --now $((now + 60))
  count inspect $n inspect - --json --now $((now + 60))
done

python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]

def totals(path):
    """PROGRAM TOTALS and the signature check's inclusive count, from callgrind_annotate."""
    total = verify = 0
    for line in open(path):
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(.*)", line)
        if not m:
            continue
        value, what = int(m[1].replace(",", "")), m[2]
        if what.startswith("PROGRAM TOTALS"):
            total = value
        elif re.search(r"VerifyingKey::verify \[", what):
            verify = value
    return total, verify

print(f"{'per token (instructions)':<28} {'all':>8} {'signature':>10} {'the rest':>9} {'rest/signature':>15}")
for name, what in [("json", "validate - --json"), ("text", "validate - (text)"), ("inspect", "inspect - --json")]:
    (t1, v1), (t3, v3) = totals(f"{work}/{name}.1000.txt"), totals(f"{work}/{name}.3000.txt")
    whole, sig = (t3 - t1) / 2000, (v3 - v1) / 2000
    rest = whole - sig
    share = f"{rest / sig:.1%}" if sig else "-"
    print(f"{what:<28} {whole / 1000:>7.1f}k {sig / 1000:>9.1f}k {rest / 1000:>8.1f}k {share:>15}")
PY
