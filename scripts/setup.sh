#!/usr/bin/env bash
# Prepare this machine for the kspray lab and tests (fresh Debian 12, run as root).
# Idempotent: a warm run checks each step and prints one line; a cold run prints a line per step, a heartbeat on long
# steps, and on failure the step and the last lines of its log.
#   bash scripts/setup.sh [--quiet] [--verbose]
#     --quiet    accepted for the npm scripts; progress lines are always shown, since a silent first run looks hung
#     --verbose  also stream each step's own output (it always goes to ~/.cache/kspray/setup-logs/<step>.log)
#     --check    change nothing: say what is missing and exit 1, or exit 0 when everything is in place
# Each step is a `need_X` check and a `do_X` action; add one by writing both and listing it in main().
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${KSPRAY_CACHE_DIR:-$HOME/.cache/kspray}"
# shellcheck source=lib/steps.sh
source "$REPO_DIR/scripts/lib/steps.sh"
APT_PACKAGES=(openssh-server sudo etcd-server etcd-client iproute2 python3-venv openssl hyperfine age time git)
# lab venvs by ansible-core series: 2.16 for the lab's default release, 2.17/2.18/2.19 for the stand-in playing v2.29–v2.30/v2.31/v2.32
# (it enforces each release's Ansible range, as kubespray does)
declare -A ANSIBLE_CORE=([2.16]="ansible-core>=2.16.4,<2.17" [2.17]="ansible-core>=2.17.3,<2.18" [2.18]="ansible-core>=2.18.0,<2.19" [2.19]="ansible-core>=2.19.0,<2.20")
PIP_EXTRAS=("jmespath" "netaddr")
KUBE_VERSION="${KSPRAY_KUBE_VERSION:-$(sed -n 's/^DEFAULT_VERSION=//p' "$REPO_DIR/scripts/build-kube-apiserver.sh")}"
PRESENT=()

ensure_root() {
  if [[ $(id -u) != 0 ]]; then echo "setup: must run as root (the lab creates network namespaces)" >&2; exit 1; fi
}

# --- apt packages -----------------------------------------------------------------------------
missing_apt() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}
do_apt() {
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# --- the lab's Ansible venvs, one per ansible-core series ----------------------------------------------
venv_of() { echo "$CACHE_DIR/venvs/ansible-core-$1"; }
want_pip() { printf '%s\n' "${ANSIBLE_CORE[$1]}" "${PIP_EXTRAS[@]}"; }
need_ansible_venv() { # series
  local venv
  venv="$(venv_of "$1")"
  [[ ! -x $venv/bin/ansible-playbook || ! -f $venv/.kspray-requirements || "$(cat "$venv/.kspray-requirements")" != "$(want_pip "$1")" ]]
}
do_ansible_venv() { # series
  local venv py=/usr/bin/python3 reqs
  venv="$(venv_of "$1")"
  [[ -x $py ]] || py="$(command -v python3)"
  mkdir -p "$(dirname "$venv")"
  [[ -x $venv/bin/pip ]] || "$py" -m venv "$venv"
  mapfile -t reqs < <(want_pip "$1")
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${reqs[@]}"
  want_pip "$1" >"$venv/.kspray-requirements"
}

# --- node_modules and the build -------------------------------------------------------------------
# newest mtime (epoch seconds) of files under the given paths, ignoring missing ones
newest_mtime() {
  { find "$@" -type f -printf "%T@\n" 2>/dev/null || true; } | sort -n | tail -1 | cut -d. -f1
}
need_node_modules() {
  [[ ! -f $REPO_DIR/node_modules/.package-lock.json || $REPO_DIR/package-lock.json -nt $REPO_DIR/node_modules/.package-lock.json ]]
}
need_build() {
  [[ -f $REPO_DIR/tsconfig.build.json ]] || return 1
  local src_time dist_time
  src_time="$(cd "$REPO_DIR" && newest_mtime src tsconfig.build.json tsconfig.json package.json scripts/build.mjs)"
  dist_time="$(cd "$REPO_DIR" && newest_mtime dist)"
  [[ -z $dist_time || ${src_time:-0} -gt $dist_time ]]
}
do_node() { # npm ci builds too (prepare); a separate build only when the sources changed since
  cd "$REPO_DIR"
  if need_node_modules; then step npm-ci "installing npm packages (npm ci, builds the CLI too)" --note "about 1 min" -- npm ci --no-audit --no-fund; fi
  if need_build; then step build "building the CLI (type-check + bundle)" --note "about 20 s" -- npm run build --silent; fi
}

# --- kube-apiserver for the lab -----------------------------------------------------------------
# KSPRAY_SKIP_KUBE_APISERVER=1 skips it (the lab then runs without an API server).
need_kube_apiserver() {
  [[ ${KSPRAY_SKIP_KUBE_APISERVER:-} != 1 ]] || return 1
  [[ ! -x $CACHE_DIR/kube/$KUBE_VERSION/kube-apiserver || ! -x $CACHE_DIR/kube/$KUBE_VERSION/kubectl ]]
}

# --- real kubespray for the tests that judge kspray against it --------------------------------------
# KSPRAY_SKIP_REAL_KUBESPRAY=1 skips it (test/real then skips too).
need_real_kubespray() {
  [[ ${KSPRAY_SKIP_REAL_KUBESPRAY:-} != 1 ]] || return 1
  ! bash "$REPO_DIR/scripts/setup-real-kubespray.sh" --check >/dev/null 2>&1
}

# what a run would do, one word per step ("" when everything is in place)
missing_steps() {
  [[ -z "$(missing_apt)" ]] || echo apt
  local series
  for series in "${!ANSIBLE_CORE[@]}"; do ! need_ansible_venv "$series" || echo "ansible-venv-$series"; done
  ! need_node_modules || echo npm-ci
  ! need_build || echo build
  ! need_kube_apiserver || echo kube-apiserver
  ! need_real_kubespray || echo real-kubespray
}

main() {
  local check=0
  for arg in "$@"; do
    case "$arg" in
      --quiet|-q) ;;
      --verbose|-v) SETUP_VERBOSE=1 ;;
      --check) check=1 ;;
      *) echo "usage: setup.sh [--quiet] [--verbose] [--check]" >&2; exit 2 ;;
    esac
  done
  if ((check)); then
    local todo
    todo="$(missing_steps | tr '\n' ' ')"
    if [[ -n ${todo// /} ]]; then say "missing: $todo"; exit 1; fi
    say "everything in place"; exit 0
  fi
  ensure_root
  local t0=$SECONDS missing
  missing="$(missing_apt | tr '\n' ' ')"
  if [[ -n ${missing// /} ]]; then
    # shellcheck disable=SC2086
    step apt "installing apt packages: $missing" --note "about 1 min" -- do_apt $missing
  else PRESENT+=("apt packages"); fi
  mkdir -p /run/sshd && chmod 0755 /run/sshd

  # independent of each other once apt is done: run side by side
  local pids=()
  local series venvs_present=1
  for series in "${!ANSIBLE_CORE[@]}"; do
    if need_ansible_venv "$series"; then
      venvs_present=0
      step "ansible-venv-$series" "creating the lab's Ansible venv (ansible-core $series) in $(venv_of "$series")" --note "about 30 s" -- do_ansible_venv "$series" & pids+=($!)
    fi
  done
  ((venvs_present)) && PRESENT+=("ansible venvs")
  if need_node_modules || need_build; then do_node & pids+=($!)
  else PRESENT+=("node_modules + build"); fi
  if need_kube_apiserver; then
    step kube-apiserver "building kube-apiserver $KUBE_VERSION from the Go module proxy" --note "first run only, about 6 min on 2 cores" -- bash "$REPO_DIR/scripts/build-kube-apiserver.sh" & pids+=($!)
  else PRESENT+=("kube-apiserver $KUBE_VERSION"); fi
  if need_real_kubespray; then bash "$REPO_DIR/scripts/setup-real-kubespray.sh" & pids+=($!)
  else PRESENT+=("real kubespray"); fi
  wait_steps "${pids[@]}" || { say "setup failed (see above)" >&2; exit 1; }

  if ((${#pids[@]} == 0)) && [[ -n ${PRESENT[*]} ]] && [[ -z ${missing// /} ]]; then
    say "everything in place ($(IFS=,; echo "${PRESENT[*]}" | sed 's/,/, /g')) — $(elapsed $((SECONDS - t0)))"
  else
    ((${#PRESENT[@]})) && say "already in place: $(IFS=,; echo "${PRESENT[*]}" | sed 's/,/, /g')"
    say "ready in $(elapsed $((SECONDS - t0)))"
  fi
}

main "$@"
