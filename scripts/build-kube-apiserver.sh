#!/usr/bin/env bash
# Build a real kube-apiserver and kubectl from the Go module proxy.
#
# usage: scripts/build-kube-apiserver.sh [--print-dir] [vX.Y.Z | auto]
#
#   version   Kubernetes version to build (default: $KSPRAY_KUBE_VERSION, else
#             the pinned DEFAULT_VERSION below). "auto" picks the newest
#             v1.MINOR.PATCH on the module proxy whose go.mod `go` line the
#             local Go toolchain satisfies.
#
# Output (stdout, last line): the directory holding the binaries, i.e.
#   ${KSPRAY_CACHE_DIR:-$HOME/.cache/kspray}/kube/vX.Y.Z/{kube-apiserver,kubectl}
# Progress goes to stderr. If both binaries already exist and run, it exits at
# once without touching the network.
#
# How: k8s.io/kubernetes cannot be `go install`ed directly because its go.mod
# replaces every k8s.io/<staging> module with ./staging/src/k8s.io/<staging>.
# So a throwaway module is made in a temp dir that requires
# k8s.io/kubernetes vX.Y.Z and pins each staging module to its published
# v0.Y.Z tag with `replace`; then kube-apiserver and kubectl are built from it
# in one `go build` (shared packages compile once).
#
# Env:
#   KSPRAY_CACHE_DIR     cache root (default $HOME/.cache/kspray)
#   KSPRAY_KUBE_VERSION  default version when no argument is given
#   KSPRAY_BUILD_JOBS    go build -p (default 2)
#   KSPRAY_KUBE_FORCE=1  rebuild even if cached binaries exist
# GOMODCACHE and GOCACHE live under $KSPRAY_CACHE_DIR/go/ so rebuilds are fast.
set -euo pipefail

DEFAULT_VERSION=v1.37.2

log() { printf '[build-kube-apiserver] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

version="${KSPRAY_KUBE_VERSION:-$DEFAULT_VERSION}"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    v*|auto) version="$1" ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done

command -v go >/dev/null 2>&1 || die "go not found in PATH"

cache_root="${KSPRAY_CACHE_DIR:-$HOME/.cache/kspray}"
jobs="${KSPRAY_BUILD_JOBS:-2}"

export GOTOOLCHAIN=local
export CGO_ENABLED=0
export GOMODCACHE="$cache_root/go/mod"
export GOCACHE="$cache_root/go/build"
export GOFLAGS="-mod=mod -buildvcs=false"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
mkdir -p "$GOMODCACHE" "$GOCACHE"

# local toolchain version, e.g. 1.26.8
go_local="$(go env GOVERSION)"; go_local="${go_local#go}"; go_local="${go_local%%[-+ ]*}"

# ver_le A B: true if dotted version A <= B
ver_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$1" ]; }

# go line of k8s.io/kubernetes@$1's go.mod (downloads only the .mod file)
kube_gomod() {
  (cd "$tmp" && go mod download -json "k8s.io/kubernetes@$1" 2>/dev/null) |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

binaries_ok() {
  local d="$1"
  [ -x "$d/kube-apiserver" ] && [ -x "$d/kubectl" ] || return 1
  local v
  # (no `| grep -q`: with pipefail an early grep exit fails the pipe via SIGPIPE)
  v="$("$d/kube-apiserver" --version 2>/dev/null)" || return 1
  [ "$v" = "Kubernetes $2" ] || return 1
  v="$("$d/kubectl" version --client 2>/dev/null)" || return 1
  [[ "$v" == *"Client Version: $2"* ]] || return 1
}

# Fast path: an explicit version that is already built.
if [ "$version" != auto ] && [ "${KSPRAY_KUBE_FORCE:-0}" != 1 ] &&
   binaries_ok "$cache_root/kube/$version" "$version"; then
  log "cached: $version"
  echo "$cache_root/kube/$version"
  exit 0
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kspray-kube-build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# a module root so `go mod download` works outside any module
printf 'module kspray.local/probe\n\ngo %s\n' "${go_local%.*}" >"$tmp/go.mod"

if [ "$version" = auto ]; then
  log "auto: listing k8s.io/kubernetes versions on the module proxy"
  candidates="$(cd "$tmp" && go list -m -versions k8s.io/kubernetes | tr ' ' '\n' |
    grep -E '^v1\.[0-9]+\.[0-9]+$' | sort -rV)"
  version=""
  # newest patch of each minor, newest minor first
  for v in $(printf '%s\n' "$candidates" | awk -F. '!seen[$1"."$2]++'); do
    gm="$(kube_gomod "$v")" || true
    if [ -z "$gm" ] || [ ! -f "$gm" ]; then continue; fi
    need="$(awk '$1=="go"{print $2; exit}' "$gm")"
    if ver_le "$need" "$go_local"; then version="$v"; break; fi
    log "auto: skip $v (go $need > local go $go_local)"
  done
  [ -n "$version" ] || die "no k8s.io/kubernetes version builds with go $go_local"
  log "auto: chose $version"
  if [ "${KSPRAY_KUBE_FORCE:-0}" != 1 ] && binaries_ok "$cache_root/kube/$version" "$version"; then
    log "cached: $version"; echo "$cache_root/kube/$version"; exit 0
  fi
fi

[[ "$version" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "version must look like v1.Y.Z, got: $version"
minor="${BASH_REMATCH[1]}"; patch="${BASH_REMATCH[2]}"
staging_version="v0.${minor}.${patch}"
out="$cache_root/kube/$version"

start=$(date +%s)
log "building kube-apiserver + kubectl $version (staging $staging_version, go $go_local, -p $jobs)"

gomod="$(kube_gomod "$version")"
{ [ -n "$gomod" ] && [ -f "$gomod" ]; } || die "cannot download k8s.io/kubernetes@$version go.mod from $GOPROXY"
need="$(awk '$1=="go"{print $2; exit}' "$gomod")"
ver_le "$need" "$go_local" || die "k8s.io/kubernetes@$version needs go $need, local go is $go_local"

# staging modules: every `k8s.io/<x> => ./staging/...` replace in its go.mod
staging="$(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$gomod" | sort -u)"
[ -n "$staging" ] || die "no ./staging replace directives found in $gomod"

work="$tmp/build"
mkdir -p "$work"
{
  echo "module kspray.local/kube-build"
  echo
  echo "go $need"
  echo
  echo "require k8s.io/kubernetes $version"
  echo
  echo "replace ("
  for m in $staging; do echo "	$m => $m $staging_version"; done
  echo ")"
} >"$work/go.mod"
# keep the same godebug defaults kubernetes itself builds with
if grep -q '^godebug ' "$gomod"; then
  { echo; grep '^godebug ' "$gomod"; } >>"$work/go.mod"
fi

# Resolve the full module graph (fills go.sum). -mod=mod lets `go build`
# finish any missing requirement itself; `go get` first keeps errors readable.
if ! (cd "$work" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$version" \
      "k8s.io/kubernetes/cmd/kubectl@$version") >"$tmp/go-get.log" 2>&1; then
  cat "$tmp/go-get.log" >&2
  die "go get failed (is $staging_version published for every staging module?)"
fi

build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags="$ldflags -X $pkg.gitCommit=0000000000000000000000000000000000000000 -X $pkg.gitTreeState=archive"
  ldflags="$ldflags -X $pkg.buildDate=$build_date"
done

stage="$tmp/bin"
mkdir -p "$stage"
(cd "$work" && go build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$stage/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl) >&2 || die "go build failed"

binaries_ok "$stage" "$version" || die "built binaries do not report version $version"
mkdir -p "$out"
for b in kube-apiserver kubectl; do
  install -m 0755 "$stage/$b" "$out/$b.tmp.$$" && mv -f "$out/$b.tmp.$$" "$out/$b"
done
log "done in $(( $(date +%s) - start ))s: $(cd "$out" && du -h kube-apiserver kubectl | tr '\n\t' '  ')"
echo "$out"
