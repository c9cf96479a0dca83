#!/bin/sh
# Stand-in PKI (kubespray uses make-ssl-etcd.sh / kubeadm): EC P-256 keys via openssl. Idempotent:
# existing files are kept. Prints "created" when it wrote something.
#   standin-pki.sh ca   DIR CERT KEY CN
#   standin-pki.sh cert CA_CERT CA_KEY CERT_OUT KEY_OUT SUBJECT [SAN] [DAYS]   (default 36500 days, as kubespray's etcd certs)
#   standin-pki.sh etcd CERT_DIR HOST IP      (member-HOST.pem, admin-HOST.pem and their -key.pem)
set -eu
umask 077

ca() {
  [ -s "$1/$2" ] && return 0
  mkdir -p "$1"
  openssl ecparam -name prime256v1 -genkey -noout -out "$1/$3"
  openssl req -x509 -new -key "$1/$3" -days 36500 -subj "/CN=$4" -out "$1/$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
  echo created
}

cert() {
  [ -s "$3" ] && return 0
  ext=$(mktemp)
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' >"$ext"
  [ -n "${6:-}" ] && printf 'subjectAltName=%s\n' "$6" >>"$ext"
  openssl ecparam -name prime256v1 -genkey -noout -out "$4"
  openssl req -new -key "$4" -subj "$5" |
    openssl x509 -req -CA "$1" -CAkey "$2" -set_serial "0x$(openssl rand -hex 16)" -days "${7:-36500}" -extfile "$ext" -out "$3" 2>/dev/null
  rm -f "$ext"
  echo created
}

etcd() {
  for kind in member admin; do
    cert "$1/ca.pem" "$1/ca-key.pem" "$1/$kind-$2.pem" "$1/$kind-$2-key.pem" "/CN=etcd-$kind-$2" "IP:$3,IP:127.0.0.1,DNS:localhost"
  done
}

cmd=$1; shift
"$cmd" "$@"
