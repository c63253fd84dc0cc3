#!/usr/bin/env sh
# Trunk post-build hook (Trunk.toml): moves the loader script out of
# index.html (the Content-Security-Policy forbids inline script), writes the
# lesson bodies the app fetches (dist/lessons/), then, for release builds,
# minifies the JS.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
node "$root/scripts/externalize-start.mjs" "$TRUNK_STAGING_DIR"
node "$root/scripts/lessons-dist.mjs" "$TRUNK_STAGING_DIR"
sh "$root/scripts/minify-js.sh"
