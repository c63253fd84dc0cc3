#!/usr/bin/env bash
# Installs what msgsim needs, skipping whatever is already there at the right
# version. Sourced by serve.sh, build.sh and test.sh; can also be run alone:
#
#   scripts/setup.sh web    # build tools: wasm32 target, trunk, wasm-bindgen-cli, npm tools
#   scripts/setup.sh test   # the above plus Chromium and ChromeDriver
#
# Each failure prints one line naming what is missing and how to get it;
# installer output goes to .tools/logs/.

set -euo pipefail

MSGSIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
LOG_DIR="$MSGSIM_ROOT/.tools/logs"
mkdir -p "$LOG_DIR"
export PATH="$HOME/.cargo/bin:$MSGSIM_ROOT/node_modules/.bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# Runs a command with its output in .tools/logs/NAME.log; on failure, one line.
logged() {
    local name="$1"; shift
    local log="$LOG_DIR/$name.log"
    if ! "$@" >"$log" 2>&1; then
        die "$name failed: $(tail -n 1 "$log" | cut -c1-160) (full log: $log)"
    fi
}

need() {
    command -v "$1" >/dev/null 2>&1 || die "$1 not found — $2"
}

# The wasm-bindgen version Cargo.lock resolved (the CLI must match it exactly).
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$MSGSIM_ROOT/Cargo.lock"
}

ensure_toolchain() {
    need rustup "install Rust with rustup: curl --proto '=https' -sSf https://sh.rustup.rs | sh"
    need cargo "install Rust with rustup: curl --proto '=https' -sSf https://sh.rustup.rs | sh"
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        say "adding the wasm32-unknown-unknown target"
        logged rustup-target rustup target add wasm32-unknown-unknown
    fi
}

ensure_trunk() {
    if trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then return; fi
    say "installing trunk $TRUNK_VERSION (about 8 minutes on 2 cores)"
    logged trunk cargo install --locked trunk --version "$TRUNK_VERSION"
}

ensure_wasm_bindgen() {
    local v; v="$(wasm_bindgen_version)"
    [ -n "$v" ] || die "cannot find wasm-bindgen in Cargo.lock — run cargo generate-lockfile"
    grep -q "wasm_bindgen = \"$v\"" "$MSGSIM_ROOT/Trunk.toml" ||
        die "Trunk.toml [tools] wasm_bindgen must be \"$v\" (the Cargo.lock version)"
    if wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $v" &&
        command -v wasm-bindgen-test-runner >/dev/null 2>&1; then return; fi
    say "installing wasm-bindgen-cli $v (about 2 minutes)"
    # Not --locked: the registry here lacks one of its locked dependencies.
    logged wasm-bindgen cargo install wasm-bindgen-cli --version "$v" --force
}

# Runs apt-get as root (directly or through passwordless sudo), or explains.
apt_install() {
    local what="$1"; shift
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
            die "$what is missing: run sudo apt-get install -y $*"
        fi
    fi
    command -v apt-get >/dev/null 2>&1 || die "$what is missing and this is not Debian/Ubuntu: install $*"
    say "installing $* with apt-get"
    if [ -z "${MSGSIM_APT_UPDATED:-}" ]; then
        logged apt-update $sudo apt-get update
        MSGSIM_APT_UPDATED=1
    fi
    logged "apt-$1" env DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@"
}

ensure_npm_tools() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install "Node.js" nodejs npm
    fi
    local stamp="$MSGSIM_ROOT/node_modules/.msgsim-lock"
    if [ -x "$MSGSIM_ROOT/node_modules/.bin/wasm-opt" ] && [ -f "$stamp" ] &&
        cmp -s "$stamp" "$MSGSIM_ROOT/package-lock.json"; then return; fi
    say "installing npm tools (binaryen wasm-opt, playwright-core)"
    (cd "$MSGSIM_ROOT" && logged npm npm ci --no-audit --no-fund)
    cp "$MSGSIM_ROOT/package-lock.json" "$stamp"
}

ensure_browser() {
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return; fi
    apt_install "Chromium" chromium chromium-driver
}

# Chinese glyphs, so the layout tests measure Chinese text as it really renders.
ensure_cjk_fonts() {
    if [ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; then return; fi
    apt_install "Chinese fonts" fonts-noto-cjk
}

setup_web() {
    ensure_toolchain
    ensure_npm_tools
    ensure_trunk
    ensure_wasm_bindgen
}

setup_test() {
    setup_web
    ensure_browser
    ensure_cjk_fonts
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-web}" in
        web) setup_web ;;
        test) setup_test ;;
        *) die "usage: scripts/setup.sh [web|test]" ;;
    esac
    say "ready"
fi
