#!/usr/bin/env bash
# Serves msgsim at http://127.0.0.1:8080 (release build, rebuilt on changes),
# installing whatever is missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_web
cd "$MSGSIM_ROOT"
say "building and serving at http://127.0.0.1:8080 (Ctrl-C to stop)"
exec trunk serve --release --no-autoreload
