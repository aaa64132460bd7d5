#!/usr/bin/env bash
# Issue 15's throughput ratios, measured fairly on a noisy machine: ROUNDS rounds (default 6)
# of openssl speed and our bulk runs, one after the other. It prints two estimates: the best
# rate of each over all rounds (a slow minute hurts neither side alone), and the median of
# each round's own ratios (a fast minute helps neither side alone). The text report goes to a
# file, as in scripts/bench.sh and issue 15's target, twice: to a new file, and over the
# last run's report (same size, its pages already in the page cache). The two differ only
# by the kernel finding fresh pages for the new file, which on these VMs may first come back
# from their host (see README.md, Benchmarks).
#
#   scripts/ratio.sh [ROUNDS]        # about 25 s a round on 2 cores
#   BIN=/path/to/layer-auth scripts/ratio.sh   # another build (an older commit, say)
#   N=400000 scripts/ratio.sh 4                 # longer runs (default 100,000 tokens)
#   ONE_CORE=1 scripts/ratio.sh                 # also one core against one core
#
# ONE_CORE=1 adds, each round, openssl speed without -multi and `validate - --json` with one
# pool thread, both pinned to the last CPU (taskset): the share of our own work per token,
# apart from how each side spreads over the cores (the scaling rows).
#
# Needs openssl, bc and python3 (and taskset for ONE_CORE); builds the release binary unless
# BIN is given.
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
now=1700000000 n=${N:-100000} cores=$(nproc) one_core=${ONE_CORE:-0}
last_cpu=$((cores - 1))

awk 'BEGIN { for (i = 0; i < 4000; i++) printf "{\"nonce\":\"nonce-%d\",\"user\":\"user-%d\"}\n", i, i }' \
  | "$BIN" sign --batch - --now $now > "$work/tokens.txt"
awk -v n="$n" '{ line[NR] = $0 } END { for (i = 0; i < n; i++) print line[i % NR + 1] }' \
  "$work/tokens.txt" > "$work/many.txt"
head -n $((n / cores)) "$work/many.txt" > "$work/part.txt"

rate() { # rate COMMAND [LINES]: lines/s of one run of COMMAND (sh -c) over LINES (n)
  local t0 t1; t0=$(date +%s.%N); sh -c "$1"; t1=$(date +%s.%N)
  echo "${2:-$n} / ($t1 - $t0)" | bc -l
}
validate="'$BIN' validate - --public-key '$spki' --now $((now + 60))"
# The file the in-place runs write over: a whole report, written once before the rounds.
sh -c "$validate < '$work/many.txt' 2> '$work/cached.txt'"
for round in $(seq "$rounds"); do
  echo "round $round of $rounds ..." >&2
  o=$(openssl speed -seconds 2 -multi "$cores" rsa2048 2>/dev/null | awk '/^rsa 2048/ { print $NF }')
  j=$(rate "$validate --json < '$work/many.txt' > /dev/null")
  # 2<> opens without truncating: the report lands on pages the page cache already has.
  c=$(rate "$validate < '$work/many.txt' 2<> '$work/cached.txt'")
  rm -f "$work/report.txt" # outside the clock: truncating the last 200 MB report took 50 ms
  t=$(rate "$validate < '$work/many.txt' 2> '$work/report.txt'")
  i=$(rate "'$BIN' inspect - --json --now $((now + 60)) < '$work/many.txt' > /dev/null")
  row="$o $j $t $c $i"
  if [ "$one_core" = 1 ]; then
    o1=$(taskset -c "$last_cpu" openssl speed -seconds 2 rsa2048 2>/dev/null | awk '/^rsa 2048/ { print $NF }')
    # A core's share of the lines: about as long a run as the one on every core.
    j1=$(rate "RAYON_NUM_THREADS=1 taskset -c $last_cpu $validate --json < '$work/part.txt' > /dev/null" $((n / cores)))
    row="$row $o1 $j1"
  fi
  echo "$row" >> "$work/rounds.txt"
done
python3 - "$rounds" "$cores" "$work/rounds.txt" <<'PY'
import statistics, sys
rounds, cores, path = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [[float(x) for x in line.split()] for line in open(path)]
best = [max(col) for col in zip(*rows)]
median = [statistics.median(r[i] / r[0] for r in rows) for i in range(len(best))]
print(f"openssl verify/s {best[0]:.0f} (best of {rounds} rounds, {cores} cores)")
print(f"{'what':<34} {'tokens/s':>10} {'best':>6} {'median':>7} {'target':>7}")
whats = ["validate - --json", "validate - text to a new file",
         "validate - text, cached pages", "inspect - --json"]
targets = ["≥ 0.85", "≥ 0.80", "≥ 0.80", "≥ 10"]
for i, (what, target) in enumerate(zip(whats, targets), start=1):
    print(f"{what:<34} {best[i]:>10.0f} {best[i] / best[0]:>6.2f} {median[i]:>7.2f} {target:>7}")
if len(rows[0]) > 5:  # ONE_CORE=1: one core against one core, and how each side scales
    one = statistics.median(r[6] / r[5] for r in rows)
    print(f"one core: openssl verify/s {best[5]:.0f}, validate - --json {best[6]:.0f} "
          f"(best {best[6] / best[5]:.2f}, median {one:.2f})")
    scale_o = statistics.median(r[0] / r[5] for r in rows)
    scale_j = statistics.median(r[1] / r[6] for r in rows)
    print(f"all {cores} cores over one (median): openssl {scale_o:.2f}, validate - --json {scale_j:.2f}")
PY
