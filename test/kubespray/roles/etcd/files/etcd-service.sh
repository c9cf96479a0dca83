#!/bin/sh
# Stand-in for etcd.service (lab hosts have no systemd): runs /usr/bin/etcd daemonized with /etc/etcd.env.
#   etcd-service.sh start|restart|stop STATE_DIR
set -eu
state=$2
pidfile=$state/etcd.pid
log=$state/etcd.log

running() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

stop() {
  if running; then
    pid=$(cat "$pidfile")
    kill "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$pid" 2>/dev/null || true
    echo stopped
  fi
  rm -f "$pidfile"
}

start() {
  if running; then echo running; return 0; fi
  mkdir -p "$state"
  rm -f "$pidfile"
  setsid sh -c 'set -a; . /etc/etcd.env; set +a; echo $$ > "$0"; exec /usr/bin/etcd' "$pidfile" >>"$log" 2>&1 </dev/null &
  i=0
  while [ ! -s "$pidfile" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  sleep 0.3
  running || { echo "etcd did not start; last log lines:" >&2; tail -n 20 "$log" >&2; exit 1; }
  echo started
}

case "$1" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 start|restart|stop STATE_DIR" >&2; exit 2 ;;
esac
