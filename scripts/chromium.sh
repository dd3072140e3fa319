#!/usr/bin/env bash
# chromium_ensure finds Debian's headless Chromium for the browser tests, installing it with apt
# when it is missing, and exports B24PAY_CHROMIUM with its path. A B24PAY_CHROMIUM that is already
# set (any Chromium or Chrome binary) is used as is.
chromium_ensure() {
  if [ -n "${B24PAY_CHROMIUM:-}" ]; then
    [ -x "$B24PAY_CHROMIUM" ] && export B24PAY_CHROMIUM && return 0
    echo "B24PAY_CHROMIUM=$B24PAY_CHROMIUM is not an executable file" >&2
    return 1
  fi
  if ! command -v chromium >/dev/null; then
    echo "== installing chromium (browser tests)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
      echo "could not install chromium with apt-get (no root, no network, or not Debian)." >&2
      echo "Install it yourself (apt-get install chromium), or point B24PAY_CHROMIUM at a Chromium or Chrome binary." >&2
      return 1
    fi
  fi
  B24PAY_CHROMIUM=$(command -v chromium)
  export B24PAY_CHROMIUM
}
