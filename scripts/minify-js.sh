#!/usr/bin/env sh
# Trunk post-build hook: minifies the wasm-bindgen JS glue of release builds
# with terser (a smaller download; Trunk's own minifier leaves it alone).
set -eu
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
root="$(cd "$(dirname "$0")/.." && pwd)"
for f in "$TRUNK_STAGING_DIR"/*.js; do
    [ -f "$f" ] || continue
    "$root/node_modules/.bin/terser" "$f" --module --compress --mangle --output "$f.min"
    mv "$f.min" "$f"
done
