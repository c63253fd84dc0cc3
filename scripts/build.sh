#!/usr/bin/env bash
# Builds the release static folder dist/ (works from any static host, offline)
# and prints the download size.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_web
cd "$MSGSIM_ROOT"
logged trunk-build trunk build --release
"$MSGSIM_ROOT/scripts/size.sh"
