#!/usr/bin/env bash
# Fuzzing on stable Rust (proptest): extreme-but-valid scenarios through the
# engine, crafted share links, saved lists and files through the page's
# logic, and random command lines through the CLI. Nothing may panic; runs
# stay within their event limits and memory budgets; refused input changes
# nothing.
#
#   scripts/fuzz.sh [MINUTES]    # default 10; about half on the engine
#
# Built with the `fuzz` profile: optimised, debug assertions and overflow
# checks on. A failure is shrunk and saved under proptest-regressions/, and
# replayed first by every later run (`cargo test` included).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes="${1:-10}"
case "$minutes" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [MINUTES]" >&2; exit 2 ;; esac
seconds=$((minutes * 60))
echo "fuzz: engine, $((seconds / 2)) s"
MSGSIM_FUZZ_SECONDS=$((seconds / 2)) cargo test --locked --profile fuzz -p msgsim-sim --test sim fuzz
echo "fuzz: share links, saved lists, files, $((seconds / 4)) s"
MSGSIM_FUZZ_SECONDS=$((seconds / 4)) cargo test --locked --profile fuzz -p msgsim-web --lib fuzz
echo "fuzz: command lines, $((seconds / 4)) s"
MSGSIM_FUZZ_SECONDS=$((seconds / 4)) cargo test --locked --profile fuzz -p msgsim-cli any_arguments
echo "fuzz: nothing found"
