#!/usr/bin/env bash
# The live map's browser test drives Debian's Chromium (never a downloaded browser). Install it
# from Debian's packages when missing and we are root; otherwise say so (that test then skips
# with the same reason).
set -euo pipefail
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  }
else
  echo "ensure-chromium: no chromium; the browser test will skip (apt-get install chromium)" >&2
fi
