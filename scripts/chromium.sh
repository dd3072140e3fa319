#!/usr/bin/env bash
# chromium_ensure installs Debian's headless Chromium for the browser tests when it is missing
# and exports B24PAY_CHROMIUM with its path.
chromium_ensure() {
  if ! command -v chromium >/dev/null; then
    echo "== installing chromium (browser tests)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  B24PAY_CHROMIUM=$(command -v chromium)
  export B24PAY_CHROMIUM
}
