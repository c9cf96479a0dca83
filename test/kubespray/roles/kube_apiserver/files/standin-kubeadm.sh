#!/bin/sh
# Stand-in for kubeadm's PKI on lab hosts (real certificates, openssl; EC P-256), and for the two tools kspray's
# renewal runs on a control plane: installed as `kubeadm` (certs renew all) and `crictl` (pods / rmp of the
# control-plane pods: the lab's kube-apiserver is a daemon, so removing its pod restarts it, as the kubelet would).
#   standin-kubeadm.sh controlplane CERT_DIR CONF_DIR SERVER CLUSTER [NAME=DAYS ...]
#   standin-kubeadm.sh kubelet-client CERT_DIR HOST [DAYS]     (prints a cert+key bundle signed by the cluster CA)
#   standin-kubeadm.sh kubelet PKI_DIR CONF_DIR HOST SERVER CLUSTER [NAME=DAYS ...]  (kubelet-client's bundle on stdin)
#   standin-kubeadm.sh etcd-days CERT_DIR NAME=DAYS ...          (re-issue kubespray etcd certificates)
#   kubeadm certs renew all | crictl pods ... -q | crictl rmp -f ID...
# NAME=DAYS: that certificate (file name without extension, e.g. apiserver, admin.conf, kubelet-client-current,
# node-kube01) ends DAYS days from now (negative: expired); it is re-issued unless it already ends that day.
# Certificates end 365 days after issue otherwise (kube_cert_validity_period 8760h). Prints "created" when it wrote.
set -eu
umask 077
# (sh has no local variables: each function keeps to names of its own where it calls another)
STATE=/var/lib/kspray-standin
LOG=$STATE/kubeadm.log
DAY=86400

# days NAME SPEC...: the DAYS requested for NAME, or nothing
days_for() {
  n=$1; shift
  for s in "$@"; do case "$s" in "$n="*) echo "${s#*=}"; return 0 ;; esac; done
}

# stamp EPOCH: openssl ca's date format
stamp() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }

# ends_on CERT DAYS: CERT exists and ends within a day of now+DAYS
ends_on() {
  [ -s "$1" ] || return 1
  end=$(date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s)
  want=$(( $(date +%s) + $2 * DAY ))
  [ $(( end - want )) -lt $DAY ] && [ $(( want - end )) -lt $DAY ]
}

# issue CA_CRT CA_KEY CRT KEY SUBJECT server|client|both SANS [DAYS]: a new key and certificate, ending DAYS
# (default 365) from now, starting 365 days before that (never later than now)
issue() {
  ca_crt=$1 ca_key=$2 crt=$3 key=$4 subj=$5 kind=$6 sans=$7 days=${8:-365}
  now=$(date +%s)
  end=$(( now + days * DAY ))
  start=$(( end - 365 * DAY ))
  [ "$start" -le $(( now - 300 )) ] || start=$(( now - 300 ))
  iw=$(mktemp -d)
  : >"$iw/index"
  openssl rand -hex 16 >"$iw/serial"
  case $kind in server) eku=serverAuth ;; client) eku=clientAuth ;; *) eku=serverAuth,clientAuth ;; esac
  cat >"$iw/ca.cnf" <<CNF
[ca]
default_ca = c
[c]
database = $iw/index
new_certs_dir = $iw
serial = $iw/serial
default_md = sha256
policy = p
preserve = yes
unique_subject = no
x509_extensions = e
[p]
organizationName = optional
commonName = supplied
[e]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = $eku
authorityKeyIdentifier = keyid
${sans:+subjectAltName = $sans}
CNF
  mkdir -p "$(dirname "$crt")" "$(dirname "$key")"
  openssl ecparam -name prime256v1 -genkey -noout -out "$iw/key"
  openssl req -new -key "$iw/key" -subj "$subj" -out "$iw/csr"
  openssl ca -batch -notext -config "$iw/ca.cnf" -cert "$ca_crt" -keyfile "$ca_key" -in "$iw/csr" -out "$iw/crt" \
    -startdate "$(stamp "$start")" -enddate "$(stamp "$end")" 2>"$iw/err" || { cat "$iw/err" >&2; rm -rf "$iw"; exit 1; }
  # both written whole, then moved into place (a reader never sees a key without its certificate)
  cp "$iw/key" "$key.new" && cp "$iw/crt" "$crt.new" && mv "$key.new" "$key" && mv "$crt.new" "$crt"
  rm -rf "$iw"
  echo created
}

# leaf CA_CRT CA_KEY CRT KEY SUBJECT KIND SANS DAYS: issue when missing, or when DAYS is asked and not yet so
leaf() {
  if [ -s "$3" ] && { [ -z "$8" ] || ends_on "$3" "$8"; }; then return 0; fi
  issue "$@"
}

ca() {
  [ -s "$1.crt" ] && return 0
  openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
  openssl req -x509 -new -key "$1.key" -days 3650 -subj "/CN=$2" -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
  echo created
}

b64() { base64 -w0 "$1"; }

# kubeconfig FILE SERVER CLUSTER USER CA CERT KEY: a kubeadm-style kubeconfig with the data embedded
kubeconfig() {
  cat >"$1.new" <<KC
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 "$5")
    server: $2
  name: $3
contexts:
- context:
    cluster: $3
    user: $4
  name: $4@$3
current-context: $4@$3
kind: Config
preferences: {}
users:
- name: $4
  user:
    client-certificate-data: $(b64 "$6")
    client-key-data: $(b64 "$7")
KC
  mv "$1.new" "$1"
}

# conf CERT_DIR CONF SERVER CLUSTER USER SUBJECT DAYS: a kubeconfig whose client certificate lives only in it
conf() {
  d=$1 file=$2
  tmp=$(mktemp -d)
  if [ -s "$file" ] && { [ -z "$7" ] || ends_on_conf "$file" "$7"; }; then rm -rf "$tmp"; return 0; fi
  issue "$d/ca.crt" "$d/ca.key" "$tmp/c.crt" "$tmp/c.key" "$6" client "" "$7" >/dev/null
  kubeconfig "$file" "$3" "$4" "$5" "$d/ca.crt" "$tmp/c.crt" "$tmp/c.key"
  rm -rf "$tmp"
  echo created
}

conf_cert() { sed -n 's/^ *client-certificate-data: *//p' "$1" | base64 -d; }
ends_on_conf() {
  t=$(mktemp)
  conf_cert "$1" >"$t"
  r=0; ends_on "$t" "$2" || r=1
  rm -f "$t"
  return $r
}

controlplane() {
  d=$1 confdir=$2 server=$3 cluster=$4; shift 4
  # kubespray keeps kubeadm's certificates in kube_cert_dir and links the path kubeadm knows to it
  [ -e "$confdir/pki" ] || ln -s "$d" "$confdir/pki"
  ca "$d/front-proxy-ca" front-proxy-ca
  ip=$(echo "$server" | sed 's#^https://##; s#:[0-9]*$##')
  leaf "$d/ca.crt" "$d/ca.key" "$d/apiserver.crt" "$d/apiserver.key" /CN=kube-apiserver server \
    "IP:$ip,IP:127.0.0.1,IP:10.233.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
    "$(days_for apiserver "$@")"
  leaf "$d/ca.crt" "$d/ca.key" "$d/apiserver-kubelet-client.crt" "$d/apiserver-kubelet-client.key" \
    /O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client client "" "$(days_for apiserver-kubelet-client "$@")"
  leaf "$d/front-proxy-ca.crt" "$d/front-proxy-ca.key" "$d/front-proxy-client.crt" "$d/front-proxy-client.key" \
    /CN=front-proxy-client client "" "$(days_for front-proxy-client "$@")"
  conf "$d" "$confdir/controller-manager.conf" "$server" "$cluster" system:kube-controller-manager \
    /CN=system:kube-controller-manager "$(days_for controller-manager.conf "$@")"
  conf "$d" "$confdir/scheduler.conf" "$server" "$cluster" system:kube-scheduler /CN=system:kube-scheduler \
    "$(days_for scheduler.conf "$@")"
  conf "$d" "$confdir/super-admin.conf" "$server" "$cluster" kubernetes-super-admin \
    /O=system:masters/CN=kubernetes-super-admin "$(days_for super-admin.conf "$@")"
  # admin.conf is the control-plane role's own (its certificate in admin.crt); only re-issued on request
  n=$(days_for admin.conf "$@")
  if [ -n "$n" ] && ! ends_on "$d/admin.crt" "$n"; then
    issue "$d/ca.crt" "$d/ca.key" "$d/admin.crt" "$d/admin.key" "$(subject "$d/admin.crt")" client "" "$n"
    replace_conf_cert "$confdir/admin.conf" "$d/admin.crt" "$d/admin.key"
  fi
}

subject() { openssl x509 -in "$1" -noout -subject -nameopt compat | sed 's/^subject=//'; }
sans_of() { openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | sed 's/IP Address:/IP:/g; s/^ *//; s/, /,/g'; }

# replace_conf_cert CONF CERT KEY: the kubeconfig's client certificate and key replaced, the rest kept
replace_conf_cert() {
  c=$(b64 "$2") k=$(b64 "$3")
  sed "s#^\( *client-certificate-data:\).*#\1 $c#; s#^\( *client-key-data:\).*#\1 $k#" "$1" >"$1.new"
  chmod 600 "$1.new"
  mv "$1.new" "$1"
}

# kubelet-client: certificate, key and the cluster CA, for a node that has no CA key of its own
kubelet_client() {
  d=$1 host=$2 days=${3:-}
  w=$(mktemp -d)
  issue "$d/ca.crt" "$d/ca.key" "$w/c.crt" "$w/c.key" "/O=system:nodes/CN=system:node:$host" client "" "${days:-365}" >/dev/null
  cat "$w/c.crt" "$w/c.key" "$d/ca.crt"
  rm -rf "$w"
}

# kubelet: the client bundle (stdin, from kubelet-client) as the rotation file, a kubelet.conf pointing at it,
# and the kubelet's self-signed serving certificate
kubelet() {
  pki=$1 confdir=$2 host=$3 server=$4 cluster=$5; shift 5
  mkdir -p "$pki"
  w=$(mktemp -d)
  # the bundle: certificate and key for the rotation file, then the CA for kubelet.conf
  awk -v out="$w/client.pem" -v ca="$w/ca.crt" '/BEGIN CERTIFICATE/ { n++ } { print > (n == 2 ? ca : out) }'
  cafile=$w/ca.crt
  n=$(days_for kubelet-client-current "$@")
  if [ ! -s "$pki/kubelet-client-current.pem" ] || { [ -n "$n" ] && ! ends_on "$pki/kubelet-client-current.pem" "$n"; }; then
    cp "$w/client.pem" "$pki/kubelet-client-new.pem"
    mv "$pki/kubelet-client-new.pem" "$pki/kubelet-client-current.pem"
    echo created
  fi
  if [ ! -s "$confdir/kubelet.conf" ]; then
    cat >"$confdir/kubelet.conf" <<KC
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 "$cafile")
    server: $server
  name: $cluster
contexts:
- context:
    cluster: $cluster
    user: system:node:$host
  name: system:node:$host@$cluster
current-context: system:node:$host@$cluster
kind: Config
preferences: {}
users:
- name: system:node:$host
  user:
    client-certificate: $pki/kubelet-client-current.pem
    client-key: $pki/kubelet-client-current.pem
KC
    echo created
  fi
  n=$(days_for kubelet "$@")
  if [ ! -s "$pki/kubelet.crt" ] || { [ -n "$n" ] && ! ends_on "$pki/kubelet.crt" "$n"; }; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$pki/kubelet.key"
    openssl req -x509 -new -key "$pki/kubelet.key" -days "${n:-365}" -subj "/CN=$host@$(date +%s)" -out "$pki/kubelet.crt" \
      -addext "subjectAltName=DNS:$host"
    echo created
  fi
  rm -rf "$w"
}

# etcd-days CERT_DIR NAME=DAYS...: kubespray's etcd certificates re-issued to end when asked
etcd_days() {
  d=$1; shift
  for s in "$@"; do
    n=${s%%=*} f="$d/${s%%=*}.pem"
    [ -s "$f" ] || continue
    ends_on "$f" "${s#*=}" && continue
    issue "$d/ca.pem" "$d/ca-key.pem" "$f" "$d/$n-key.pem" "$(subject "$f")" both "$(sans_of "$f")" "${s#*=}"
  done
}

# kubeadm certs renew all: every kubeadm-managed certificate, never a CA, the same subject and names, 365 days
renew_all() {
  d=/etc/kubernetes/pki
  mkdir -p "$STATE"
  echo "renew $(date +%s%N)" >>"$LOG"
  for n in apiserver apiserver-kubelet-client apiserver-etcd-client front-proxy-client; do
    [ -s "$d/$n.crt" ] || continue
    ca=ca; [ "$n" = front-proxy-client ] && ca=front-proxy-ca
    kind=client; [ "$n" = apiserver ] && kind=server
    issue "$d/$ca.crt" "$d/$ca.key" "$d/$n.crt" "$d/$n.key" "$(subject "$d/$n.crt")" "$kind" "$(sans_of "$d/$n.crt")" 365 >/dev/null
    echo "[renew] certificate $n renewed"
  done
  for n in admin super-admin controller-manager scheduler; do
    f=/etc/kubernetes/$n.conf
    [ -s "$f" ] || continue
    w=$(mktemp -d)
    conf_cert "$f" >"$w/old.crt"
    issue "$d/ca.crt" "$d/ca.key" "$w/c.crt" "$w/c.key" "$(subject "$w/old.crt")" client "" 365 >/dev/null
    replace_conf_cert "$f" "$w/c.crt" "$w/c.key"
    [ "$n" = admin ] && [ -s "$d/admin.crt" ] && cp "$w/c.crt" "$d/admin.crt" && cp "$w/c.key" "$d/admin.key"
    rm -rf "$w"
    echo "[renew] certificate embedded in the kubeconfig file for the $n renewed"
  done
  echo "Done renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates."
}

api_data=/var/lib/kube-apiserver
api_live() { [ -s "$api_data/kube-apiserver.pid" ] && kill -0 "$(cat "$api_data/kube-apiserver.pid")" 2>/dev/null; }

crictl_pods() { if api_live; then echo "kube-apiserver-$(hostname)"; fi; }

# crictl rmp -f ID: the kubelet would start the static pod again; the stand-in restarts the daemon with its args
crictl_rmp() {
  for id in "$@"; do
    case "$id" in kube-apiserver-*) ;; *) continue ;; esac
    mkdir -p "$STATE"
    echo "restart $(date +%s%N)" >>"$LOG"
    bash "$STATE/apiserver/stop-apiserver.sh" "$api_data" >/dev/null 2>&1 || true
    # a test holds the restart (a kubelet slow to start the pod again) while $STATE/hold-apiserver exists
    start="exec $(cat "$api_data/kube-apiserver.args")"
    [ -e "$STATE/hold-apiserver" ] && start="while [ -e $STATE/hold-apiserver ]; do sleep 0.2; done; $start"
    setsid bash -c "$start" </dev/null >>"$api_data/kube-apiserver.log" 2>&1 &
    echo $! >"$api_data/kube-apiserver.pid"
    echo "$id"
  done
}

case "$(basename "$0")" in
  kubeadm)
    [ "$*" = "certs renew all" ] || { echo "stand-in kubeadm: only 'certs renew all' (got: $*)" >&2; exit 2; }
    renew_all
    exit ;;
  crictl)
    sub=$1; shift
    case "$sub" in
      pods) crictl_pods ;;
      rmp) [ "${1:-}" = -f ] && shift; crictl_rmp "$@" ;;
      *) echo "stand-in crictl: only pods and rmp" >&2; exit 2 ;;
    esac
    exit ;;
esac

cmd=$1; shift
case "$cmd" in
  controlplane) controlplane "$@" ;;
  kubelet-client) kubelet_client "$@" ;;
  kubelet) kubelet "$@" ;;
  etcd-days) etcd_days "$@" ;;
  *) echo "unknown: $cmd" >&2; exit 2 ;;
esac
