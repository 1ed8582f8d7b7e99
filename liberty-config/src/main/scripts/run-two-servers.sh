#!/usr/bin/env bash
# Runs two GoChat servers on this machine as one chat service, on the embedded PostgreSQL:
#   node "a": http://localhost:9080, https 9443; it starts the embedded PostgreSQL (port 5532)
#   node "b": http://localhost:9081, https 9444; it uses node a's PostgreSQL through GOCHAT_DB_URL
# Both use one data folder (GOCHAT_DATA_DIR, default ~/.gochat): one token signing key, one TLS
# keystore; node b logs in to node a's database with the password node a generated there.
# Ctrl+C stops both.
# Usage: run-two-servers.sh <wlp dir>   (./mvnw -Prun-two package calls it)
set -euo pipefail
wlp=${1:?usage: run-two-servers.sh <wlp dir>}
servers="$wlp/usr/servers"
data=${GOCHAT_DATA_DIR:-$HOME/.gochat}
export GOCHAT_DATA_DIR="$data"
# The data folder, owner-only. (Node a generates the TLS keystore's password there on its first
# start, unless GOCHAT_KEYSTORE_PASSWORD is set; both nodes read it through keystore.xml.)
(umask 077 && mkdir -p "$data" && chmod 700 "$data")

# Node b is a copy of the assembled server, without its logs and state.
rm -rf "$servers/gochat-b"
mkdir -p "$servers/gochat-b"
(cd "$servers/gochat" && tar --exclude=./logs --exclude=./workarea --exclude=./tranlog -cf - .) \
  | (cd "$servers/gochat-b" && tar -xf -)

stop() {
  "$wlp/bin/server" stop gochat-b >/dev/null 2>&1 || true
  "$wlp/bin/server" stop gochat >/dev/null 2>&1 || true
}
trap stop EXIT INT TERM

GOCHAT_NODE_ID=a GOCHAT_HTTP_PORT=9080 GOCHAT_HTTPS_PORT=9443 \
  "$wlp/bin/server" start gochat
echo "Waiting for node a (and its embedded PostgreSQL) to be ready..."
for _ in $(seq 1 120); do
  # bash's /dev/tcp: a fresh machine may have no curl
  if (exec 3<>/dev/tcp/localhost/9080 && printf 'GET /health/ready HTTP/1.0\r\n\r\n' >&3 && head -1 <&3 | grep -q ' 200 ') 2>/dev/null; then break; fi
  sleep 1
done

GOCHAT_NODE_ID=b GOCHAT_HTTP_PORT=9081 GOCHAT_HTTPS_PORT=9444 \
  GOCHAT_DB_URL="jdbc:postgresql://127.0.0.1:${GOCHAT_EMBEDDED_DB_PORT:-5532}/postgres" \
  GOCHAT_DB_PASSWORD="$(cat "$data/db-password")" \
  "$wlp/bin/server" start gochat-b
cat <<MSG

GoChat runs on two servers, one chat service:
  node a  http://localhost:9080/chat/app/   (logs: $servers/gochat/logs)
  node b  http://localhost:9081/chat/app/   (logs: $servers/gochat-b/logs)
Press Ctrl+C to stop both.
MSG
tail -f /dev/null
