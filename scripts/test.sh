#!/usr/bin/env bash
# Runs every test, installing what it needs first:
#   formatting, clippy (native and wasm32), native tests (core, CLI, web logic),
#   wasm tests in headless Chromium, end-to-end tests against a release build,
#   and the performance suite at smoke sizes (it must run; nothing is timed).
# Every part runs; the summary lists each with its result; the exit code is
# non-zero if any part failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
set +e
cd "$MSGSIM_ROOT"
setup_test || exit 1

export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR=never
results=()
failed=0

part() {
    local name="$1"; shift
    printf '\n==> %s\n' "$name"
    local start=$SECONDS
    if "$@"; then
        results+=("ok    $name ($((SECONDS - start)) s)")
    else
        results+=("FAIL  $name ($((SECONDS - start)) s)")
        failed=1
    fi
}

e2e() {
    # The e2e tests compare the browser with the native CLI on the same seed.
    cargo build -p msgsim-cli --locked &&
        logged trunk-build trunk build --release && scripts/size.sh &&
        node --test --test-concurrency=1 e2e/
}

clippy_wasm() {
    # The core's libraries (their dev-dependencies are native-only), then the web crate with its tests.
    cargo clippy --target wasm32-unknown-unknown -p msgsim-scenario -p msgsim-sim --lib --locked -- -D warnings &&
        cargo clippy --target wasm32-unknown-unknown -p msgsim-web --all-targets --locked -- -D warnings
}

part "cargo fmt --check" cargo fmt --all --check
part "clippy (native)" cargo clippy --workspace --all-targets --locked -- -D warnings
part "clippy (wasm32)" clippy_wasm
part "native tests" cargo test --workspace --locked
part "wasm tests (headless Chromium)" cargo test --target wasm32-unknown-unknown -p msgsim-web --locked
part "end-to-end tests (release build, Playwright)" e2e
# Only keeps the performance suite working: tiny sizes, no timed pass/fail.
part "benchmark suite (smoke sizes)" scripts/bench.sh --smoke

printf '\n==> summary\n'
printf '%s\n' "${results[@]}"
[ "$failed" = 0 ] && printf 'all parts passed\n'
exit "$failed"
