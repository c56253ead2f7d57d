#!/usr/bin/env bash
# MQTT over TLS for MDMS publication (issue 12): a local CA and a server certificate for Mosquitto, and the
# configuration of a Mosquitto of the project's own with a TLS listener. The machine's Mosquitto (1883, shared with
# tests and other users) is never touched: ./hes run starts this one beside it on 8883, the tests on a free port.
#
#   tools/mqtt-tls.sh certs DIR         make DIR/ca.pem, DIR/ca.key, DIR/server.pem, DIR/server.key (once: kept while
#                                       valid); the server certificate names 127.0.0.1 and localhost
#   tools/mqtt-tls.sh conf DIR PORT     write DIR/mosquitto.conf: TLS listener on 127.0.0.1:PORT, persistence in DIR
#                                       (persistent sessions survive a restart), no cap on messages queued for a
#                                       subscriber that is away
#   tools/mqtt-tls.sh plain DIR PORT    the same without TLS: the Mosquitto ./hes starts on 1883 when none runs, and the
#                                       one MdmsPublicationTest starts for itself (the package's default configuration
#                                       keeps 1,000 messages for a subscriber that falls behind and drops the rest)
set -euo pipefail

certs() {
  local dir="$1"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ -f "$dir/server.pem" ] && openssl x509 -checkend 86400 -noout -in "$dir/server.pem" >/dev/null 2>&1; then
    return 0
  fi
  local days=825
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=AMI-HES development MQTT CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" \
    >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
    >"$dir/server.ext"
  openssl x509 -req -sha256 -days "$days" -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -extfile "$dir/server.ext" -out "$dir/server.pem" >/dev/null 2>&1
  rm -f "$dir/server.csr" "$dir/server.ext"
  chmod 600 "$dir/ca.key" "$dir/server.key"
}

# the settings every Mosquitto of the project's own has: no cap on what is queued for a subscriber that is away or
# behind, persistent sessions kept in DIR
common() {
  local dir="$1" port="$2"
  mkdir -p "$dir/data"
  cat <<CONF
per_listener_settings false
# started as root, Mosquitto would switch to user mosquitto and could not read its files: stay who started it
user $(id -un)
allow_anonymous true
max_queued_messages 0
persistence true
persistence_location $dir/data/
listener $port 127.0.0.1
CONF
}

conf() {
  local dir="$1" port="$2"
  mkdir -p "$dir"
  {
    echo "# written by tools/mqtt-tls.sh: the project's own Mosquitto with a TLS listener (MDMS publication)"
    common "$dir" "$port"
    printf 'cafile %s\ncertfile %s\nkeyfile %s\ntls_version tlsv1.2\n' "$dir/ca.pem" "$dir/server.pem" "$dir/server.key"
  } >"$dir/mosquitto.conf"
}

plain() {
  local dir="$1" port="$2"
  mkdir -p "$dir"
  {
    echo "# written by tools/mqtt-tls.sh: the project's own Mosquitto without TLS (MDMS publication)"
    common "$dir" "$port"
  } >"$dir/mosquitto.conf"
}

case "${1:-}" in
  certs) certs "$2" ;;
  conf) conf "$2" "$3" ;;
  plain) plain "$2" "$3" ;;
  *) echo "usage: $0 certs DIR | conf DIR PORT | plain DIR PORT" >&2; exit 2 ;;
esac
