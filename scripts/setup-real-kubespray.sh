#!/usr/bin/env bash
# Checkouts and venvs of real kubespray for the tests that judge kspray against it.
# Source: the git bundle in ../shared/kubespray (absent in a user's clone: then this does nothing).
# Layout, cached outside the repository:
#   $CACHE/real-kubespray/<ref>/            shallow clone of the bundle at <ref>
#   $CACHE/venvs/kubespray-req-<sha12>/    one venv per distinct requirements.txt
#   $CACHE/real-kubespray/<ref>.venv         text file: path of that ref's venv
# Usage: bash scripts/setup-real-kubespray.sh [--check] [REF...]   (default: the refs npm test uses; KSPRAY_REAL_REFS overrides)
#   --check   exit 0 when everything is in place (or there is no bundle), 1 when something would be built
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${KSPRAY_CACHE_DIR:-$HOME/.cache/kspray}"
BUNDLE="${KSPRAY_KUBESPRAY_BUNDLE:-$REPO_DIR/../shared/kubespray/kubespray.bundle}"
DEFAULT_REFS="v2.25.0 v2.27.1 v2.28.1 v2.31.0 master"
ROOT="$CACHE_DIR/real-kubespray"
PY=/usr/bin/python3
[[ -x $PY ]] || PY="$(command -v python3)"

# shellcheck source=lib/steps.sh
source "$REPO_DIR/scripts/lib/steps.sh"

CHECK=0
if [[ ${1:-} == --check ]]; then CHECK=1; shift; fi
if [[ ! -f $BUNDLE ]]; then
  ((CHECK)) || say "real kubespray skipped (no bundle at $BUNDLE)"
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
  step "clone-$ref" "cloning kubespray $ref from the bundle" -- git clone -q --depth 1 --branch "$ref" "$BUNDLE" "$dir.partial"
  git -C "$dir.partial" -c advice.detachedHead=false checkout -q "$want"
  mv "$dir.partial" "$dir"
}

venv_for() { # path of the venv for a checkout's requirements.txt
  local sum
  sum="$(sha256sum "$ROOT/$1/requirements.txt" | cut -c1-12)"
  echo "$CACHE_DIR/venvs/kubespray-req-$sum"
}

make_venv() { # venv dir, requirements file
  rm -rf "$1"
  "$PY" -m venv "$1"
  "$1/bin/pip" install --quiet --disable-pip-version-check -r "$2"
  touch "$1/.kspray-complete"
}

if ((CHECK)); then
  for ref in "${refs[@]}"; do
    [[ -d $ROOT/$ref/.git && "$(git -C "$ROOT/$ref" rev-parse HEAD 2>/dev/null)" == "$(commit_of "$ref")" ]] || exit 1
    [[ -f "$(venv_for "$ref")/.kspray-complete" && -f $ROOT/$ref.venv ]] || exit 1
  done
  exit 0
fi

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
  step "venv-$ref" "building the Ansible venv for kubespray $ref from its requirements.txt" --note "first run only, about 1.5 min" -- make_venv "$venv" "$ROOT/$ref/requirements.txt" &
  pids+=($!)
  if ((${#pids[@]} >= 2)); then wait "${pids[0]}" || exit 1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || exit 1; done
say "real kubespray ready: ${refs[*]} (${#seen[@]} venvs, $ready already built)"
