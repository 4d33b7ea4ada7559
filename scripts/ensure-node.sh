#!/bin/sh
# `make lighthouse` needs Node.js and npm (Lighthouse is an npm package). Install
# Debian's packages when they are missing and apt-get can be used.
command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Node.js and npm are needed for Lighthouse: install them (on macOS: brew install node)." >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "Node.js and npm are needed for Lighthouse: sudo apt-get install nodejs npm" >&2
    exit 1
fi
echo "Installing Node.js and npm for Lighthouse (apt-get)..."
$SUDO apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
