#!/usr/bin/env bash
# Prints the size of dist/: each wasm, js and css file raw and gzipped (-9).
set -euo pipefail
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dist"
total_raw=0; total_gz=0
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
    [ -f "$f" ] || continue
    raw=$(stat -c %s "$f"); gz=$(gzip -9c "$f" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
    printf '%-44s %8d B raw %8d B gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-44s %8d B raw %8d B gzip\n' "total" "$total_raw" "$total_gz"
