#!/usr/bin/env bash
# End-to-end check of the real kube-apiserver on loopback:
#   build (or reuse) binaries -> TLS etcd -> start-apiserver.sh -> kubectl checks -> stop.
#
# usage: smoke.sh [WORKDIR]       (default: a temp dir, removed afterwards unless KEEP=1)
# env:
#   KUBE_BIN_DIR          dir with kube-apiserver + kubectl (default: scripts/build-kube-apiserver.sh output)
#   SMOKE_ETCD_PORT       etcd client port (default 23790; peer port = +1)
#   SMOKE_APISERVER_PORT  kube-apiserver secure port (default 6443)
#   KEEP=1                leave processes running and the workdir in place
# Ends with a "N passed, N failed" line; exit status 0 only if nothing failed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
# shellcheck source=./lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"

bin_dir="${KUBE_BIN_DIR:-$("$repo/scripts/build-kube-apiserver.sh" | tail -n1)}"
apiserver="$bin_dir/kube-apiserver"; kubectl_bin="$bin_dir/kubectl"
{ [ -x "$apiserver" ] && [ -x "$kubectl_bin" ]; } || die "no kube-apiserver/kubectl in $bin_dir"

own_work=0
if [ -n "${1:-}" ]; then work="$1"; else work="$(mktemp -d "${TMPDIR:-/tmp}/kspray-apiserver-smoke.XXXXXX")"; own_work=1; fi
mkdir -p "$work"; work="$(cd "$work" && pwd)"
eport="${SMOKE_ETCD_PORT:-23790}"; aport="${SMOKE_APISERVER_PORT:-6443}"

cleanup() {
  [ "${KEEP:-0}" = 1 ] && { log "KEEP=1: left running; workdir $work"; return; }
  "$here/stop-apiserver.sh" "$work/apiserver" || true
  "$here/stop-etcd.sh" "$work/etcd" || true
  [ "$own_work" = 0 ] || rm -rf "$work"
}
trap cleanup EXIT

etcd_url="$("$here/start-etcd.sh" "$work/etcd" "$eport" "$((eport + 1))")"
kubeconfig="$("$here/start-apiserver.sh" \
  --kube-apiserver "$apiserver" --etcd-servers "$etcd_url" \
  --etcd-cafile "$work/etcd/pki/ca.crt" --etcd-certfile "$work/etcd/pki/client.crt" \
  --etcd-keyfile "$work/etcd/pki/client.key" \
  --listen 127.0.0.1 --port "$aport" --cert-dir "$work/pki" --data-dir "$work/apiserver")"

k() { "$kubectl_bin" --kubeconfig "$kubeconfig" "$@"; }
passed=0 failed=0
check() { # check NAME CMD...: CMD must succeed
  local name="$1"; shift
  if out="$("$@" 2>&1)"; then passed=$((passed + 1)); log "ok   $name"
  else failed=$((failed + 1)); log "FAIL $name"; printf '%s\n' "$out" | tail -n 15 >&2; fi
}
expect() { # expect NAME WANT CMD...: CMD output must equal WANT
  local name="$1" want="$2"; shift 2
  local got err; err="$(mktemp)"
  got="$("$@" 2>"$err" || true)"
  if [ "$got" = "$want" ]; then passed=$((passed + 1)); log "ok   $name"
  else failed=$((failed + 1)); log "FAIL $name: want '$want', got '$got'"; tail -n 15 "$err" >&2; fi
  rm -f "$err"
}

expect "readyz?verbose passes" "readyz check passed" \
  bash -c "'$kubectl_bin' --kubeconfig '$kubeconfig' get --raw '/readyz?verbose' | tail -n1"
want_version="$("$apiserver" --version | awk '{print $2}')"
expect "server version is $want_version" "$want_version" \
  bash -c "'$kubectl_bin' --kubeconfig '$kubeconfig' version -o json | sed -n 's/.*\"gitVersion\": \"\\(.*\\)\".*/\\1/p' | tail -n1"
expect "admin is in system:masters" "true" \
  bash -c "'$kubectl_bin' --kubeconfig '$kubeconfig' auth whoami -o jsonpath='{.status.userInfo.groups}' | grep -q system:masters && echo true"
expect "RBAC denies an unknown user" "no" k auth can-i list secrets --as=someone
node_as=(--as=system:node:node1 --as-group=system:nodes --as-group=system:authenticated)
expect "Node authorizer: a node may read its own Node" "yes" k auth can-i get node/node1 "${node_as[@]}"
expect "Node authorizer: a node may not delete Nodes" "no" k auth can-i delete node/node2 "${node_as[@]}"
expect "kubernetes service has the first service IP" "10.233.0.1" \
  k -n default get svc kubernetes -o 'jsonpath={.spec.clusterIP}'

check "create Node node1" k apply -f - <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: node1
  labels: {kubernetes.io/hostname: node1, node-role.kubernetes.io/control-plane: ""}
spec:
  podCIDR: 10.233.64.0/24
EOF
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
check "patch Node status Ready=True" k patch node node1 --subresource=status --type=merge -p "{
  \"status\": {
    \"conditions\": [{\"type\": \"Ready\", \"status\": \"True\", \"reason\": \"KubeletReady\",
      \"message\": \"kubelet is posting ready status\", \"lastHeartbeatTime\": \"$now\", \"lastTransitionTime\": \"$now\"}],
    \"addresses\": [{\"type\": \"InternalIP\", \"address\": \"127.0.0.1\"}, {\"type\": \"Hostname\", \"address\": \"node1\"}],
    \"nodeInfo\": {\"kubeletVersion\": \"$want_version\", \"containerRuntimeVersion\": \"containerd://2.0.0\"},
    \"capacity\": {\"cpu\": \"2\", \"memory\": \"4Gi\", \"pods\": \"110\"},
    \"allocatable\": {\"cpu\": \"2\", \"memory\": \"4Gi\", \"pods\": \"110\"}
  }}"
expect "node1 is Ready" "True" k get node node1 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'

check "create DaemonSet kube-system/kube-proxy" k apply -f - <<'EOF'
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: kube-proxy}}
  template:
    metadata: {labels: {k8s-app: kube-proxy}}
    spec:
      hostNetwork: true
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:v1.0.0
EOF
check "patch DaemonSet status" k -n kube-system patch ds kube-proxy --subresource=status --type=merge -p \
  '{"status":{"currentNumberScheduled":1,"desiredNumberScheduled":1,"numberMisscheduled":0,"numberReady":1,"numberAvailable":1,"updatedNumberScheduled":1,"observedGeneration":1}}'
expect "DaemonSet numberReady=1" "1/1" k -n kube-system get ds kube-proxy -o 'jsonpath={.status.numberReady}/{.status.desiredNumberScheduled}'

log "apiserver rss: $(awk '/VmRSS/{print $2" "$3}' "/proc/$(cat "$work/apiserver/kube-apiserver.pid")/status")"
echo "apiserver smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
