#!/usr/bin/env bash
# Checkouts and venvs of real kubespray for the tests that judge kspray against it.
# Source: the git bundle in ../shared/kubespray (absent in a user's clone: then this does nothing).
# Layout, cached outside the repository:
#   $CACHE/real-kubespray/<ref>/            shallow clone of the bundle at <ref>
#   $CACHE/venvs/kubespray-req-<sha12>/    one venv per distinct requirements.txt
#   $CACHE/real-kubespray/<ref>.venv         text file: path of that ref's venv
# Usage: bash scripts/setup-real-kubespray.sh [REF...]   (default: the refs npm test uses; KSPRAY_REAL_REFS overrides)
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${KSPRAY_CACHE_DIR:-$HOME/.cache/kspray}"
BUNDLE="${KSPRAY_KUBESPRAY_BUNDLE:-$REPO_DIR/../shared/kubespray/kubespray.bundle}"
DEFAULT_REFS="v2.25.0 v2.27.1 v2.28.1 v2.31.0 master"
ROOT="$CACHE_DIR/real-kubespray"
PY=/usr/bin/python3
[[ -x $PY ]] || PY="$(command -v python3)"

say() { echo "setup: $*"; }

if [[ ! -f $BUNDLE ]]; then
  say "real kubespray skipped (no bundle at $BUNDLE)"
  exit 0
fi

refs=("$@")
((${#refs[@]})) || read -r -a refs <<<"${KSPRAY_REAL_REFS:-$DEFAULT_REFS}"
mkdir -p "$ROOT" "$CACHE_DIR/venvs"
heads="$(git bundle list-heads "$BUNDLE")"

commit_of() { # the bundle's commit for a tag or branch name
  local ref=$1 c
  c="$(awk -v a="refs/tags/$ref^{}" -v b="refs/heads/$ref" '$2==a||$2==b{print $1}' <<<"$heads" | head -1)"
  [[ -n $c ]] || c="$(awk -v a="refs/tags/$ref" '$2==a{print $1}' <<<"$heads" | head -1)"
  echo "$c"
}

ensure_checkout() {
  local ref=$1 dir="$ROOT/$1" want
  want="$(commit_of "$ref")"
  [[ -n $want ]] || { say "error: $ref is not in $BUNDLE" >&2; return 1; }
  if [[ -d $dir/.git && "$(git -C "$dir" rev-parse HEAD 2>/dev/null)" == "$want" ]]; then return 0; fi
  rm -rf "$dir.partial" "$dir"
  say "cloning kubespray $ref from the bundle"
  git clone -q --depth 1 --branch "$ref" "$BUNDLE" "$dir.partial" 2>/dev/null
  git -C "$dir.partial" -c advice.detachedHead=false checkout -q "$want"
  mv "$dir.partial" "$dir"
}

venv_for() { # path of the venv for a checkout's requirements.txt
  local sum
  sum="$(sha256sum "$ROOT/$1/requirements.txt" | cut -c1-12)"
  echo "$CACHE_DIR/venvs/kubespray-req-$sum"
}

build_venv() { # venv dir, requirements file, label
  local venv=$1 req=$2 label=$3 log="$1.log" start=$SECONDS
  [[ -f $venv/.kspray-complete ]] && return 0
  rm -rf "$venv"
  say "building the Ansible venv for kubespray $label from its requirements.txt (first run only, 1–3 min)"
  if ! { "$PY" -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"; } >"$log" 2>&1; then
    say "failed: venv for kubespray $label; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    return 1
  fi
  touch "$venv/.kspray-complete"
  say "venv for kubespray $label ready in $((SECONDS - start)) s"
}

for ref in "${refs[@]}"; do ensure_checkout "$ref"; done

# one build per distinct requirements.txt, two at a time (2 cores)
declare -A seen=()
pids=()
ready=0
for ref in "${refs[@]}"; do
  venv="$(venv_for "$ref")"
  echo "$venv" >"$ROOT/$ref.venv"
  [[ -n ${seen[$venv]:-} ]] && continue
  seen[$venv]=1
  if [[ -f $venv/.kspray-complete ]]; then ready=$((ready + 1)); continue; fi
  build_venv "$venv" "$ROOT/$ref/requirements.txt" "$ref" &
  pids+=($!)
  if ((${#pids[@]} >= 2)); then wait "${pids[0]}" || exit 1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || exit 1; done
say "real kubespray ready: ${refs[*]} (${#seen[@]} venvs, $ready already built)"
