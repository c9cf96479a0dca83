#!/usr/bin/env bash
# Start a single-member etcd on loopback with client-cert TLS, for local runs of the
# apiserver scripts (smoke.sh, seed runs). The lab's kubespray stand-in starts its own
# etcd cluster; this one is only for running test/lab/apiserver on its own.
#
# usage: start-etcd.sh DIR [CLIENT_PORT [PEER_PORT]]     (defaults 2379 2380)
#   DIR/pki/{ca.crt,ca.key,server.crt,server.key,client.crt,client.key}  (EC P-256)
#   DIR/data  DIR/etcd.pid  DIR/etcd.log
# Prints the client URL (https://127.0.0.1:CLIENT_PORT) on success.
# env: ETCD_BIN (default: etcd in PATH, else /usr/bin/etcd; Debian: apt-get install etcd-server)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"

dir="${1:?usage: start-etcd.sh DIR [CLIENT_PORT [PEER_PORT]]}"
cport="${2:-2379}"; pport="${3:-2380}"
etcd_bin="${ETCD_BIN:-$(command -v etcd || echo /usr/bin/etcd)}"
[ -x "$etcd_bin" ] || die "etcd not found (Debian: apt-get install -y etcd-server etcd-client)"
need openssl; need curl

mkdir -p "$dir/pki" "$dir/data"
dir="$(cd "$dir" && pwd)"; pki="$dir/pki"
chmod 0700 "$pki" "$dir/data"
ensure_ca "$pki" ca "etcd-ca"
ensure_cert "$pki" ca server server "/CN=etcd-server" "IP:127.0.0.1,DNS:localhost" 127.0.0.1
ensure_cert "$pki" ca client client "/CN=etcd-client"

url="https://127.0.0.1:$cport"
if pid="$(live_pid "$dir/etcd.pid" etcd)"; then
  log "etcd already running (pid $pid)"
else
  rm -f "$dir/etcd.pid"
  setsid "$etcd_bin" \
    --name local \
    --data-dir "$dir/data" \
    --listen-client-urls "$url" --advertise-client-urls "$url" \
    --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
    --initial-cluster "local=http://127.0.0.1:$pport" --initial-cluster-state new \
    --client-cert-auth --trusted-ca-file "$pki/ca.crt" \
    --cert-file "$pki/server.crt" --key-file "$pki/server.key" \
    --quota-backend-bytes $((4 * 1024 * 1024 * 1024)) \
    --auto-compaction-mode periodic --auto-compaction-retention 5m \
    </dev/null >>"$dir/etcd.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/etcd.pid"
fi

for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || { tail -n 20 "$dir/etcd.log" >&2; rm -f "$dir/etcd.pid"; die "etcd exited"; }
  if curl -sf --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key" \
      "$url/health" | grep -q '"health":"true"'; then
    log "etcd ready at $url (pid $pid)"
    echo "$url"
    exit 0
  fi
  sleep 0.2
done
tail -n 20 "$dir/etcd.log" >&2
die "etcd not healthy after 20s"
