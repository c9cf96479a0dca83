#!/usr/bin/env bash
# Seed a kube-apiserver with many Node and Pod objects, fast: one curl process that
# POSTs every object over multiplexed HTTP/2 with the admin client cert.
#
# usage: seed.sh --cert-dir DIR [--server URL] [--nodes N] [--pods N]
#                [--namespace NS] [--parallel P] [--prefix NAME]
#   --cert-dir   dir with ca.crt admin.crt admin.key (start-apiserver.sh's cert dir)
#   --server     default: the server in DIR/admin.conf
#   --nodes      Node objects  <prefix>-node-00000..  (default 5000)
#   --pods       Pod objects in NS, spread round-robin over the nodes via spec.nodeName
#                (default 20000)
#   --namespace  created with its `default` ServiceAccount if missing (default seed);
#                no controller-manager runs, so the ServiceAccount admission needs it
#   --parallel   concurrent requests (default 64)
#   --prefix     object name prefix (default seed)
# Existing objects (409) count as done, so a rerun is cheap. Prints per-status counts and
# the time taken; exits non-zero if any request got neither 201 nor 409.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"

cert_dir="" server="" nodes=5000 pods=20000 ns=seed parallel=64 prefix=seed
while [ $# -gt 0 ]; do
  case "$1" in
    --cert-dir) cert_dir="$2"; shift ;;
    --server) server="$2"; shift ;;
    --nodes) nodes="$2"; shift ;;
    --pods) pods="$2"; shift ;;
    --namespace) ns="$2"; shift ;;
    --parallel) parallel="$2"; shift ;;
    --prefix) prefix="$2"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done
[ -n "$cert_dir" ] || die "missing --cert-dir"
for f in ca.crt admin.crt admin.key; do [ -r "$cert_dir/$f" ] || die "cannot read $cert_dir/$f"; done
[ -n "$server" ] || server="$(sed -n 's/^[[:space:]]*server:[[:space:]]*//p' "$cert_dir/admin.conf" | head -n1)"
[ -n "$server" ] || die "no --server and none in $cert_dir/admin.conf"
[ "$nodes" -ge 1 ] || [ "$pods" -eq 0 ] || die "pods need at least one node"
need curl; need awk

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kspray-seed.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# post_all CONFIG: run every transfer in CONFIG; print "count code" lines
post_all() {
  # stderr kept aside: curl's parallel progress meter ignores -s with per-transfer configs
  { curl -sS --parallel --parallel-max "$parallel" -K "$1" 2>"$tmp/curl.err" || true; } | sort | uniq -c
}
# transfers: AWK-generated curl config, one block per object, separated by `next`
gen() { # gen KIND COUNT PATH JSON_PRINTF_FORMAT (format gets: name-index, node-index)
  awk -v n="$2" -v url="$server$3" -v fmt="$4" -v ca="$cert_dir/ca.crt" \
      -v crt="$cert_dir/admin.crt" -v key="$cert_dir/admin.key" -v nodes="$nodes" '
    BEGIN {
      for (i = 0; i < n; i++) {
        body = sprintf(fmt, i, (nodes > 0 ? i % nodes : 0))
        gsub(/"/, "\\\"", body)
        printf "url = \"%s\"\ncacert = \"%s\"\ncert = \"%s\"\nkey = \"%s\"\n", url, ca, crt, key
        printf "header = \"Content-Type: application/json\"\ndata-binary = \"%s\"\n", body
        printf "silent\nhttp2\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n"
        if (i < n - 1) print "next"
      }
    }'
}

total_start=$(date +%s.%N)
result=0
run() { # run LABEL KIND COUNT PATH FORMAT
  local label="$1" count="$3"
  [ "$count" -gt 0 ] || return 0
  gen "$2" "$count" "$4" "$5" >"$tmp/$2.cfg"
  local t0 t1 out
  t0=$(date +%s.%N)
  out="$(post_all "$tmp/$2.cfg")"
  t1=$(date +%s.%N)
  log "$label: $count in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1fs (%.0f/s)", b-a, '"$count"'/(b-a)}') codes: $(printf "%s" "$out" | tr -s " \n" " ")"
  if printf '%s\n' "$out" | awk '$2 != 201 && $2 != 409 {bad=1} END {exit !bad}'; then
    result=1
    grep -v '^[[:space:]]*\(DL%\|--\|100\)' "$tmp/curl.err" | tr '\r' '\n' | grep -a 'curl:' | sort | uniq -c | head -n 5 >&2 || true
  fi
}

run namespace ns 1 /api/v1/namespaces \
  '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"'"$ns"'"}}'
run serviceaccount sa 1 "/api/v1/namespaces/$ns/serviceaccounts" \
  '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default","namespace":"'"$ns"'"}}'
run nodes node "$nodes" /api/v1/nodes \
  '{"apiVersion":"v1","kind":"Node","metadata":{"name":"'"$prefix"'-node-%05d","labels":{"kubernetes.io/hostname":"'"$prefix"'-node-%05d","kspray.test/seed":"true"}},"spec":{}}'
run pods pod "$pods" "/api/v1/namespaces/$ns/pods" \
  '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"'"$prefix"'-pod-%05d","namespace":"'"$ns"'","labels":{"app":"'"$prefix"'"}},"spec":{"nodeName":"'"$prefix"'-node-%05d","automountServiceAccountToken":false,"containers":[{"name":"pause","image":"registry.k8s.io/pause:3.10"}]}}'

log "seeding took $(awk -v a="$total_start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}')"
exit "$result"
