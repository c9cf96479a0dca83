# Step runner for scripts/setup.sh: one line when a step starts, a heartbeat while it runs, one line when it ends.
# A step's own output goes to a log file (streamed too with SETUP_VERBOSE=1); a failure prints the log's last lines.
#   step NAME "what it does" [--note "how long it takes"] -- command args...
# Steps may run in the background (step ... &); each line carries its step name, so interleaving stays readable.

SETUP_LOG_DIR="${SETUP_LOG_DIR:-${KSPRAY_CACHE_DIR:-$HOME/.cache/kspray}/setup-logs}"
SETUP_HEARTBEAT="${SETUP_HEARTBEAT:-20}"
SETUP_VERBOSE="${SETUP_VERBOSE:-0}"

say() { echo "setup: $*"; }

elapsed() { # seconds → "1m05s" / "42s"
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

step() {
  local name=$1 what=$2 note=""
  shift 2
  if [[ ${1:-} == --note ]]; then note=" — $2"; shift 2; fi
  [[ ${1:-} == -- ]] && shift
  mkdir -p "$SETUP_LOG_DIR"
  local log="$SETUP_LOG_DIR/$name.log" start=$SECONDS status=0 beat
  say "$what$note"
  # heartbeat: a steady pulse so a long first run never looks hung
  (
    trap 'kill "$sp" 2>/dev/null; exit 0' TERM
    while :; do
      sleep "$SETUP_HEARTBEAT" &
      sp=$!
      wait "$sp"
      say "… $name still running ($(elapsed $((SECONDS - start))))"
    done
  ) &
  beat=$!
  if [[ $SETUP_VERBOSE == 1 ]]; then
    "$@" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
  else
    "$@" >"$log" 2>&1 || status=$?
  fi
  kill "$beat" 2>/dev/null
  wait "$beat" 2>/dev/null || true
  if ((status != 0)); then
    say "failed: $what (exit $status after $(elapsed $((SECONDS - start)))); last lines of $log:" >&2
    tail -n 20 "$log" | sed 's/^/  | /' >&2
    return "$status"
  fi
  say "$name done in $(elapsed $((SECONDS - start)))"
}

# Wait for background steps by pid; fail if any failed (all are waited for, so none is left running).
wait_steps() {
  local failed=0 p
  for p in "$@"; do wait "$p" || failed=1; done
  return "$failed"
}
