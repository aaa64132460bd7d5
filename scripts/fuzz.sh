#!/usr/bin/env bash
# Fuzz the library's input parsers with cargo-fuzz (libFuzzer). The library must never panic on
# any input (SPEC), and these targets feed it arbitrary bytes:
#
#   validate        bytes as a token: token::decode and checks::validate (fixture key); also
#                   asserts one check per rule, in order, and that the report serializes
#   keys            bytes as a key file: SigningKey::from_bytes, VerifyingKey::read_all
#                   (PEM, DER, JWK, JWKS)
#   backend_answer  bytes as a backend's answer body: flow::backend::token_from_answer
#   render          bytes as a token, rendered for people: output::render_report never writes
#                   a control, bidi or invisible format character
#   wire            bytes as what an HTTP client sends serve: http::wire's parsers
#
# Usage:
#   scripts/fuzz.sh                    # every target, SECONDS_PER_TARGET each (default 600)
#   scripts/fuzz.sh validate           # one target
#   scripts/fuzz.sh --build-only [T]   # build the instrumented targets, run nothing
#   SECONDS_PER_TARGET=60 scripts/fuzz.sh keys
#
# cargo-fuzz needs nightly rustc flags (-Zsanitizer); RUSTC_BOOTSTRAP=1 lets the stable
# toolchain accept them, so no nightly install is needed. Targets run one at a time, one job
# each (no -fork/-jobs). CI only checks that the targets compile, on stable and without
# instrumentation: `cargo build --manifest-path fuzz/Cargo.toml`.
#
# fuzz/seeds/<target>/ is the committed seed corpus (fixture tokens, keys, backend answers);
# fuzz/corpus/<target>/ is the working corpus libFuzzer grows, and is not committed.
#
# When a target crashes, libFuzzer writes the input to fuzz/artifacts/<target>/crash-<sha1>.
# To turn it into a regression test:
#   1. reproduce:  RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/crash-…
#   2. minimise:   RUSTC_BOOTSTRAP=1 cargo fuzz tmin <target> fuzz/artifacts/<target>/crash-…
#   3. keep it:    cp fuzz/artifacts/<target>/minimized-from-… \
#                     tests/fixtures/fuzz-regressions/<target>-<short-name>.bin
#   4. in tests/properties.rs, add a #[test] that feeds that file (include_bytes!) to the same
#      call the target makes; it fails until src/ is fixed. Mark it #[ignore = "BUG: …"] only
#      if the fix has to wait, and remove the ignore with the fix.
#   5. copy the input into fuzz/seeds/<target>/ as well, so later runs start from it.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(validate keys backend_answer render wire)
SECONDS_PER_TARGET="${SECONDS_PER_TARGET:-600}"

build_only=false
if [ "${1:-}" = "--build-only" ]; then
  build_only=true
  shift
fi
if [ $# -gt 0 ]; then
  case " ${TARGETS[*]} " in
    *" $1 "*) TARGETS=("$1") ;;
    *)
      echo "fuzz.sh: unknown target \`$1\`: choose one of ${TARGETS[*]}" >&2
      exit 2
      ;;
  esac
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz (a few minutes, once)" >&2
  cargo install --locked cargo-fuzz
fi

export RUSTC_BOOTSTRAP=1
for target in "${TARGETS[@]}"; do
  if $build_only; then
    cargo fuzz build "$target"
    continue
  fi
  mkdir -p "fuzz/corpus/$target"
  echo "fuzzing $target for ${SECONDS_PER_TARGET}s" >&2
  cargo fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048
done
