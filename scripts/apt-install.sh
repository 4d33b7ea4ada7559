#!/bin/sh
# Install Debian packages with apt-get, as root or through passwordless sudo.
#   sh scripts/apt-install.sh PACKAGE...
# Exits 0 once installed; 1, saying why, where apt-get is missing or cannot be used.
if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get is not available to install $*." >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "Installing $* needs root: sudo apt-get install $*" >&2
    exit 1
fi
echo "Installing $* (apt-get)..."
$SUDO apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
