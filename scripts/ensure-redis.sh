#!/usr/bin/env bash
# Make sure the redis-server binary is installed (from Debian's packages when missing and we
# are root). The tests start their own server on a free port; they never use one that
# already runs (a Redis on 6379 is the user's).
set -euo pipefail
command -v redis-server >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  exit 0
fi
echo "ensure-redis: no redis-server binary; install it (apt-get install redis-server)" >&2
exit 1
