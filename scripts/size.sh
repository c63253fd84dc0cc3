#!/usr/bin/env bash
# Prints the size of dist/: each wasm, js and css file raw and gzipped (-9).
# "total" is the page's own download (what every visitor loads); the sweep
# panel's module and worker, loaded only when the Sweep tab is opened, are
# listed after it with their own total.
set -euo pipefail
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dist"
line() { printf '%-44s %8d B raw %8d B gzip\n' "$1" "$2" "$3"; }
sum() {
    local raw=0 gz=0 f r g
    for f in "$@"; do
        [ -f "$f" ] || continue
        r=$(stat -c %s "$f"); g=$(gzip -9c "$f" | wc -c)
        raw=$((raw + r)); gz=$((gz + g))
        line "${f#"$dist"/}" "$r" "$g"
    done
    total_raw=$raw; total_gz=$gz
}
shopt -s nullglob
page=(); later=()
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css "$dist"/snippets/*/*.js; do
    case "$(basename "$f")" in
        msgsim-sweep* | sweep-worker.js) later+=("$f") ;;
        *) page+=("$f") ;;
    esac
done
sum "${page[@]}"
line "total" "$total_raw" "$total_gz"
if [ ${#later[@]} -gt 0 ]; then
    sum "${later[@]}"
    line "sweep panel, loaded when opened" "$total_raw" "$total_gz"
fi
