#!/usr/bin/env bash
# Stop an etcd started by start-etcd.sh.   usage: stop-etcd.sh DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"
stop_pidfile "${1:?usage: stop-etcd.sh DIR}/etcd.pid" etcd 20
