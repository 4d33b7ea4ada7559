#!/bin/sh
# Browser tests drive Chromium. Install Debian's package when it is missing and
# apt-get can be used; otherwise the browser tests are skipped and say why.
for candidate in "$CHROMIUM_PATH" /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && exit 0
done
[ "$(uname)" = "Darwin" ] && [ -x "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" ] && exit 0

if sh "$(dirname "$0")/apt-install.sh" chromium; then
    echo "Chromium installed."
else
    echo "Chromium could not be installed: browser tests will be skipped."
    echo "Set CHROMIUM_PATH to a Chromium or Chrome binary to run them."
fi
exit 0
