#!/bin/sh
# Browser tests drive Chromium. Install Debian's package when it is missing and
# apt-get can be used; otherwise the browser tests are skipped and say why.
for candidate in "$CHROMIUM_PATH" /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && exit 0
done
[ "$(uname)" = "Darwin" ] && [ -x "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Chromium not found and apt-get is not available: browser tests will be skipped."
    echo "Set CHROMIUM_PATH to a Chromium or Chrome binary to run them."
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "Chromium not found and apt-get needs root: browser tests will be skipped."
    echo "Install it with: sudo apt-get install chromium"
    exit 0
fi
echo "Installing Chromium for the browser tests (apt-get)..."
if $SUDO apt-get update -qq >/dev/null && \
   DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; then
    echo "Chromium installed."
else
    echo "apt-get could not install Chromium: browser tests will be skipped."
fi
exit 0
