#!/usr/bin/env bash
# Make sure a Redis answers on 127.0.0.1:6379 (the tests' default): use the running one, or
# start redis-server (installing it from Debian's packages when missing and we are root).
set -euo pipefail
ping() { python3 - <<'PY'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", 6379), timeout=0.5); s.sendall(b"PING\r\n")
    sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}
ping && exit 0
if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "ensure-redis: no Redis on 127.0.0.1:6379 and no redis-server; install it (apt-get install redis-server)" >&2
    exit 1
  fi
fi
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
  --pidfile /tmp/seaguard-redis.pid --logfile /tmp/seaguard-redis.log
for _ in $(seq 50); do ping && exit 0; sleep 0.1; done
echo "ensure-redis: redis-server did not answer" >&2
exit 1
