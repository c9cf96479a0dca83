#!/usr/bin/env bash
# Stop a kube-apiserver started by start-apiserver.sh.
#
# usage: stop-apiserver.sh DATA_DIR | --pidfile FILE
#   Sends TERM to the pid in DATA_DIR/kube-apiserver.pid (only if that process is a
#   kube-apiserver), waits up to 20 s, then KILLs; removes the pidfile. No-op if not running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"

case "${1:-}" in
  --pidfile) pidfile="${2:?--pidfile FILE}" ;;
  ""|-h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; [ -n "${1:-}" ]; exit ;;
  *) pidfile="$1/kube-apiserver.pid" ;;
esac
stop_pidfile "$pidfile" kube-apiserver 20
