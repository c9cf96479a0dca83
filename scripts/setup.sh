#!/usr/bin/env bash
# Prepare this machine for the kspray lab and tests (fresh Debian 12, run as root).
# Idempotent and quick when everything is already in place.
#   bash scripts/setup.sh [--quiet]
# Steps are functions; add a new step by writing a function and listing it in main().
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${KSPRAY_CACHE_DIR:-$HOME/.cache/kspray}"
APT_PACKAGES=(openssh-server sudo etcd-server etcd-client iproute2 python3-venv openssl hyperfine age time git)
# lab venvs by ansible-core series: 2.16 for the lab's default release, 2.17 for the stand-in playing v2.29–v2.30
# (it enforces each release's Ansible range, as kubespray does)
declare -A ANSIBLE_CORE=([2.16]="ansible-core>=2.16.4,<2.17" [2.17]="ansible-core>=2.17.3,<2.18")
PIP_EXTRAS=("jmespath" "netaddr")
QUIET=0

log() { [[ $QUIET == 1 ]] || echo "setup: $*"; }
run_quiet() { # run a command; with --quiet show its output only on failure
  if [[ $QUIET == 1 ]]; then
    local out
    if ! out="$("$@" 2>&1)"; then echo "$out" >&2; echo "setup: failed: $*" >&2; return 1; fi
  else
    "$@"
  fi
}

ensure_root() {
  if [[ $(id -u) != 0 ]]; then echo "setup: must run as root (the lab creates network namespaces)" >&2; exit 1; fi
}

ensure_apt_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing apt packages: ${missing[*]}"
    run_quiet apt-get update
    DEBIAN_FRONTEND=noninteractive run_quiet apt-get install -y --no-install-recommends "${missing[@]}"
  else
    log "apt packages present"
  fi
  mkdir -p /run/sshd && chmod 0755 /run/sshd
}

ensure_ansible_venv() { # series
  local venv="$CACHE_DIR/venvs/ansible-core-$1" stamp want
  stamp="$venv/.kspray-requirements"
  local reqs=("${ANSIBLE_CORE[$1]}" "${PIP_EXTRAS[@]}")
  want="$(printf '%s\n' "${reqs[@]}")"
  if [[ -x $venv/bin/ansible-playbook && -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
    log "ansible venv ok ($venv)"
    return
  fi
  log "creating ansible venv at $venv"
  local py=/usr/bin/python3
  [[ -x $py ]] || py="$(command -v python3)"
  mkdir -p "$(dirname "$venv")"
  [[ -x $venv/bin/pip ]] || run_quiet "$py" -m venv "$venv"
  run_quiet "$venv/bin/pip" install --quiet "${reqs[@]}"
  printf '%s\n' "$want" >"$stamp"
}

ensure_ansible_venvs() {
  local series
  for series in "${!ANSIBLE_CORE[@]}"; do ensure_ansible_venv "$series"; done
}

# Real kubespray checkouts and venvs for test/real (scripts/setup-real-kubespray.sh); skipped without the bundle.
# Its progress lines always show: a cold venv build takes minutes.
ensure_real_kubespray() {
  if [[ ${KSPRAY_SKIP_REAL_KUBESPRAY:-} == 1 ]]; then log "real kubespray skipped"; return; fi
  bash "$REPO_DIR/scripts/setup-real-kubespray.sh"
}

# newest mtime (epoch seconds) of files under the given paths, ignoring missing ones
newest_mtime() {
  { find "$@" -type f -printf "%T@\n" 2>/dev/null || true; } | sort -n | tail -1 | cut -d. -f1
}

ensure_node_modules() {
  cd "$REPO_DIR"
  local lock=package-lock.json marker=node_modules/.package-lock.json
  if [[ ! -f $marker || $lock -nt $marker ]]; then
    log "npm ci"
    run_quiet npm ci --no-audit --no-fund
  else
    log "node_modules up to date"
  fi
}

ensure_build() {
  cd "$REPO_DIR"
  [[ -f tsconfig.build.json ]] || return 0
  local src_time dist_time
  src_time="$(newest_mtime src tsconfig.build.json tsconfig.json package.json scripts/build.mjs)"
  dist_time="$(newest_mtime dist)"
  # the startup snapshot is only used with the node binary that built it (bin/kspray): rebuild after a node change
  local node_id built_id
  node_id="$(stat -L -c '%i %s %Y' -- "$(command -v node)" 2>/dev/null || true)"
  built_id="$node_id"
  [[ -r dist/kspray.blob.node ]] && read -r built_id <dist/kspray.blob.node
  if [[ -z $dist_time || ${src_time:-0} -gt $dist_time || $node_id != "$built_id" ]]; then
    log "npm run build"
    run_quiet npm run build --silent
  else
    log "dist up to date"
  fi
}

# --- kube-apiserver for the lab (issue #6, kspray health) -------------------------------------
# Builds (or finds cached) kube-apiserver + kubectl via scripts/build-kube-apiserver.sh: ~0.3 s when cached.
# KSPRAY_SKIP_KUBE_APISERVER=1 skips it (the lab then runs without an API server).
ensure_kube_apiserver() {
  if [[ ${KSPRAY_SKIP_KUBE_APISERVER:-} == 1 ]]; then log "kube-apiserver skipped"; return; fi
  local dir err
  err="$(mktemp)"
  if ! dir="$(bash "$REPO_DIR/scripts/build-kube-apiserver.sh" 2>"$err" | tail -n 1)"; then
    cat "$err" >&2; rm -f "$err"; echo "setup: failed: build-kube-apiserver.sh" >&2; return 1
  fi
  [[ $QUIET == 1 ]] || cat "$err" >&2
  rm -f "$err"
  log "kube-apiserver ready ($dir)"
}
# --- end kube-apiserver ---------------------------------------------------------------------

main() {
  for arg in "$@"; do
    case "$arg" in
      --quiet|-q) QUIET=1 ;;
      *) echo "usage: setup.sh [--quiet]" >&2; exit 2 ;;
    esac
  done
  ensure_root
  ensure_apt_packages
  ensure_ansible_venvs
  ensure_node_modules
  ensure_build
  ensure_kube_apiserver
  ensure_real_kubespray
}

main "$@"
