#!/usr/bin/env bash
# Start a real kube-apiserver against an existing etcd, daemonized.
#
# usage:
#   start-apiserver.sh --kube-apiserver BIN --etcd-servers URLS \
#       --etcd-cafile CA --etcd-certfile CERT --etcd-keyfile KEY \
#       --listen ADDR --cert-dir DIR --data-dir DIR [options]
#   start-apiserver.sh BIN URLS CA CERT KEY ADDR CERT_DIR DATA_DIR   (positional form)
#
# options:
#   --port N                 secure port (default 6443)
#   --advertise-address A    address published in the `kubernetes` Endpoints (default: --listen)
#   --service-cidr CIDR      default 10.233.0.0/18 (kubespray's default)
#   --cluster-domain D       default cluster.local
#   --extra-sans LIST        comma-separated extra IP/DNS SANs for the serving cert
#   --endpoint-reconciler T  lease|none (default: lease, or none when the advertise address
#                            is loopback: kube-apiserver refuses 127.0.0.0/8 in the
#                            `kubernetes` Endpoints and would exit)
#   --timeout SECONDS        how long to wait for /readyz (default 120)
#   -- ARGS...               extra flags passed verbatim to kube-apiserver
#
# Cert dir (created, or reused when present; kubeadm/kubespray file names):
#   ca.crt ca.key                         kube CA (EC P-256)
#   apiserver.crt apiserver.key           serving cert; SANs: listen address, 127.0.0.1,
#                                         first service IP, kubernetes.default..., localhost
#   apiserver-kubelet-client.crt/.key     apiserver -> kubelet client (O=kubeadm:cluster-admins)
#   sa.key sa.pub                         service-account signing key pair (EC P-256)
#   admin.crt admin.key                   admin client cert (CN=kubernetes-admin, O=system:masters)
#   admin.conf                            kubeconfig, server https://<listen>:<port>, certs embedded
# The serving cert is re-issued (from the same CA) if it lacks the listen address.
#
# Data dir: kube-apiserver.pid, kube-apiserver.log, kube-apiserver.args.
# Idempotent: if the pidfile names a live kube-apiserver with the same extra arguments it only waits for /readyz.
# Prints the admin kubeconfig path on success (stdout); progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"

bin="" etcd_servers="" etcd_ca="" etcd_cert="" etcd_key=""
listen="" cert_dir="" data_dir=""
port=6443 advertise="" service_cidr=10.233.0.0/18 cluster_domain=cluster.local
extra_sans="" timeout=120 reconciler=""
extra_args=()

usage() { sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; }

if [ $# -ge 8 ] && [ "${1#-}" = "$1" ]; then
  bin="$1" etcd_servers="$2" etcd_ca="$3" etcd_cert="$4" etcd_key="$5"
  listen="$6" cert_dir="$7" data_dir="$8"
  shift 8
fi
while [ $# -gt 0 ]; do
  case "$1" in
    --kube-apiserver) bin="$2"; shift ;;
    --etcd-servers) etcd_servers="$2"; shift ;;
    --etcd-cafile) etcd_ca="$2"; shift ;;
    --etcd-certfile) etcd_cert="$2"; shift ;;
    --etcd-keyfile) etcd_key="$2"; shift ;;
    --listen) listen="$2"; shift ;;
    --cert-dir) cert_dir="$2"; shift ;;
    --data-dir) data_dir="$2"; shift ;;
    --port) port="$2"; shift ;;
    --advertise-address) advertise="$2"; shift ;;
    --service-cidr) service_cidr="$2"; shift ;;
    --cluster-domain) cluster_domain="$2"; shift ;;
    --extra-sans) extra_sans="$2"; shift ;;
    --timeout) timeout="$2"; shift ;;
    --endpoint-reconciler) reconciler="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra_args=("$@"); break ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

for v in bin etcd_servers etcd_ca etcd_cert etcd_key listen cert_dir data_dir; do
  [ -n "${!v}" ] || die "missing --${v//_/-} (see --help)"
done
[ -x "$bin" ] || die "kube-apiserver binary not executable: $bin"
for f in "$etcd_ca" "$etcd_cert" "$etcd_key"; do [ -r "$f" ] || die "cannot read $f"; done
need openssl; need curl
advertise="${advertise:-$listen}"
if [ -z "$reconciler" ]; then
  case "$advertise" in 127.*|::1) reconciler=none ;; *) reconciler=lease ;; esac
fi

mkdir -p "$cert_dir" "$data_dir"
chmod 0700 "$cert_dir"
cert_dir="$(cd "$cert_dir" && pwd)"; data_dir="$(cd "$data_dir" && pwd)"
pidfile="$data_dir/kube-apiserver.pid"
logfile="$data_dir/kube-apiserver.log"

# ---- certificates -----------------------------------------------------------
svc_ip="$(first_service_ip "$service_cidr")"
ensure_ca "$cert_dir" ca "kubernetes-ca"
sans="IP:$listen,IP:127.0.0.1,IP:$svc_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default"
sans="$sans,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$cluster_domain"
[ "$advertise" = "$listen" ] || sans="$sans,$(san_entry "$advertise")"
if [ -n "$extra_sans" ]; then
  IFS=, read -r -a _extra <<<"$extra_sans"
  for s in "${_extra[@]}"; do sans="$sans,$(san_entry "$s")"; done
fi
sans="$(printf '%s\n' "${sans//,/$'\n'}" | awk '!seen[$0]++' | paste -sd, -)"   # de-duplicate
ensure_cert "$cert_dir" ca apiserver server "/CN=kube-apiserver" "$sans" "$listen"
ensure_cert "$cert_dir" ca apiserver-kubelet-client client \
  "/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client"
ensure_cert "$cert_dir" ca admin client "/O=system:masters/CN=kubernetes-admin"
ensure_sa_keys "$cert_dir"

server_url="https://$(url_host "$listen"):$port"
write_kubeconfig "$cert_dir/admin.conf" "$server_url" "$cert_dir/ca.crt" \
  "$cert_dir/admin.crt" "$cert_dir/admin.key" kubernetes-admin

# ---- start ------------------------------------------------------------------
# shellcheck disable=SC2054  # commas inside flag values
args=(
  --advertise-address="$advertise"
  --bind-address="$listen"
  --secure-port="$port"
  --etcd-servers="$etcd_servers"
  --etcd-cafile="$etcd_ca"
  --etcd-certfile="$etcd_cert"
  --etcd-keyfile="$etcd_key"
  --client-ca-file="$cert_dir/ca.crt"
  --tls-cert-file="$cert_dir/apiserver.crt"
  --tls-private-key-file="$cert_dir/apiserver.key"
  --kubelet-client-certificate="$cert_dir/apiserver-kubelet-client.crt"
  --kubelet-client-key="$cert_dir/apiserver-kubelet-client.key"
  --authorization-mode=Node,RBAC
  --enable-admission-plugins=NodeRestriction
  --allow-privileged=true
  --service-account-issuer="https://kubernetes.default.svc.$cluster_domain"
  --service-account-key-file="$cert_dir/sa.pub"
  --service-account-signing-key-file="$cert_dir/sa.key"
  --service-cluster-ip-range="$service_cidr"
  --endpoint-reconciler-type="$reconciler"
  --cert-dir="$data_dir/certs"
  --profiling=false
)
args+=("${extra_args[@]}")

# a running one started with other extra arguments (an upgrade changed the emulated version) is restarted, as
# kubeadm replaces the static pod; the rest of the arguments follow from the host and stay
want_extra="$(printf '%q ' "${extra_args[@]}")"
if pid="$(live_pid "$pidfile" kube-apiserver)" && [ "$(cat "$data_dir/kube-apiserver.extra-args" 2>/dev/null)" != "$want_extra" ]; then
  log "kube-apiserver (pid $pid) runs with other extra arguments: restarting it"
  stop_pidfile "$pidfile" kube-apiserver
fi
if pid="$(live_pid "$pidfile" kube-apiserver)"; then
  log "kube-apiserver already running (pid $pid)"
else
  rm -f "$pidfile"
  printf '%q ' "$bin" "${args[@]}" >"$data_dir/kube-apiserver.args"; echo >>"$data_dir/kube-apiserver.args"
  printf '%s' "$want_extra" >"$data_dir/kube-apiserver.extra-args"
  log "starting kube-apiserver on $server_url (log: $logfile)"
  # setsid: own session, so it outlives the ssh session / shell that started it
  setsid "$bin" "${args[@]}" </dev/null >>"$logfile" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
fi

# ---- wait for /readyz --------------------------------------------------------
deadline=$(( $(date +%s) + timeout ))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 30 "$logfile" >&2 || true
    rm -f "$pidfile"
    die "kube-apiserver (pid $pid) exited; see $logfile"
  fi
  code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 \
    --cacert "$cert_dir/ca.crt" --cert "$cert_dir/admin.crt" --key "$cert_dir/admin.key" \
    "$server_url/readyz" 2>/dev/null || true)"
  [ "$code" = 200 ] && break
  if [ "$(date +%s)" -ge "$deadline" ]; then
    tail -n 30 "$logfile" >&2 || true
    die "kube-apiserver not ready after ${timeout}s (last /readyz: ${code:-no answer})"
  fi
  sleep 0.5
done
log "kube-apiserver ready (pid $pid)"
echo "$cert_dir/admin.conf"
