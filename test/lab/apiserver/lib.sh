# shellcheck shell=bash
# Helpers shared by the test/lab/apiserver scripts. Source it; it defines functions only.

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found in PATH"; }

# is_ip ADDR: IPv4 or IPv6 literal?
is_ip() { [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || "$1" == *:* ]]; }
# san_entry NAME: IP:x or DNS:x
san_entry() { if is_ip "$1"; then echo "IP:$1"; else echo "DNS:$1"; fi; }
# url_host ADDR: brackets around IPv6 literals
url_host() { if [[ "$1" == *:* ]]; then echo "[$1]"; else echo "$1"; fi; }

# first_service_ip CIDR: network address + 1 (IPv4 only), e.g. 10.233.0.0/18 -> 10.233.0.1
first_service_ip() {
  local net="${1%/*}" a b c d
  IFS=. read -r a b c d <<<"$net"
  local n=$(( (a << 24 | b << 16 | c << 8 | d) + 1 ))
  echo "$(( n >> 24 & 255 )).$(( n >> 16 & 255 )).$(( n >> 8 & 255 )).$(( n & 255 ))"
}

# ensure_ca DIR NAME CN: DIR/NAME.crt + DIR/NAME.key (EC P-256, 10 years), kept if present
ensure_ca() {
  local dir="$1" name="$2" cn="$3"
  [ -s "$dir/$name.crt" ] && [ -s "$dir/$name.key" ] && return 0
  log "creating CA $dir/$name.crt"
  (umask 077 && openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$dir/$name.key" -out "$dir/$name.crt" -days 3650 -subj "/CN=$cn" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null) || die "openssl: CA $name"
}

# ensure_cert DIR CA NAME server|client SUBJECT [SANS] [MUST_HAVE_IP]
#   DIR/NAME.crt + DIR/NAME.key signed by DIR/CA.{crt,key}. Kept if present, signed by
#   that CA, and (when MUST_HAVE_IP is given) valid for that IP; re-issued otherwise.
ensure_cert() {
  local dir="$1" ca="$2" name="$3" kind="$4" subj="$5" sans="${6:-}" must_ip="${7:-}"
  local crt="$dir/$name.crt" key="$dir/$name.key"
  if [ -s "$crt" ] && [ -s "$key" ] &&
     openssl verify -CAfile "$dir/$ca.crt" "$crt" >/dev/null 2>&1 &&
     { [ -z "$must_ip" ] || ! is_ip "$must_ip" ||
       openssl x509 -in "$crt" -noout -checkip "$must_ip" 2>/dev/null | grep -q 'does match'; }; then
    return 0
  fi
  log "issuing $crt ($subj)"
  local ext; ext="$(mktemp)"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ "$kind" = server ]; then echo "extendedKeyUsage=serverAuth"; else echo "extendedKeyUsage=clientAuth"; fi
    [ -z "$sans" ] || echo "subjectAltName=$sans"
    echo "authorityKeyIdentifier=keyid"
  } >"$ext"
  (umask 077 && openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$key" -out "$dir/$name.csr" -subj "$subj" 2>/dev/null) || { rm -f "$ext"; die "openssl: key $name"; }
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" \
    -CAcreateserial -CAserial "$dir/$ca.srl" -days 825 -sha256 -extfile "$ext" \
    -out "$crt" 2>/dev/null || { rm -f "$ext"; die "openssl: sign $name"; }
  rm -f "$ext" "$dir/$name.csr"
}

# ensure_sa_keys DIR: DIR/sa.key + DIR/sa.pub (EC P-256), kept if present
ensure_sa_keys() {
  local dir="$1"
  [ -s "$dir/sa.key" ] && [ -s "$dir/sa.pub" ] && return 0
  log "creating service-account key pair $dir/sa.{key,pub}"
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/sa.key") ||
    die "openssl: sa.key"
  openssl pkey -in "$dir/sa.key" -pubout -out "$dir/sa.pub" || die "openssl: sa.pub"
}

# write_kubeconfig FILE SERVER CA CERT KEY USER: kubeconfig with embedded data
write_kubeconfig() {
  local file="$1" server="$2" ca="$3" cert="$4" key="$5" user="$6"
  (umask 077 && cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$ca")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$cert")
    client-key-data: $(base64 -w0 <"$key")
contexts:
- name: $user@kubernetes
  context:
    cluster: kubernetes
    user: $user
current-context: $user@kubernetes
EOF
  ) && mv -f "$file.tmp" "$file"
}

# live_pid PIDFILE COMM: print the pid if PIDFILE names a running process called COMM
live_pid() {
  local pidfile="$1" comm="$2" pid
  [ -s "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
  echo "$pid"
}

# stop_pidfile PIDFILE COMM [TIMEOUT]: TERM (then KILL after TIMEOUT s) the process, remove pidfile
stop_pidfile() {
  local pidfile="$1" comm="$2" timeout="${3:-20}" pid i
  if ! pid="$(live_pid "$pidfile" "$comm")"; then
    rm -f "$pidfile"; log "$comm not running"; return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$comm (pid $pid) ignored TERM for ${timeout}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "stopped $comm (pid $pid)"
}
