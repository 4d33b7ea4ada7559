#!/bin/sh
# `make lighthouse` needs Node.js and npm (Lighthouse is an npm package). Install
# Debian's packages when they are missing and apt-get can be used.
command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 && exit 0
sh "$(dirname "$0")/apt-install.sh" nodejs npm || {
    echo "Node.js and npm are needed for Lighthouse: install them (on macOS: brew install node)." >&2
    exit 1
}
