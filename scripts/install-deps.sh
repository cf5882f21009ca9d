#!/usr/bin/env bash
# Installs every Debian package BAM builds, tests and benchmarks with. Idempotent.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  prometheus prometheus-alertmanager prometheus-cpp-dev libcivetweb-dev librdkafka-dev
  libyaml-cpp-dev libsimdjson-dev libre2-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcurl4-openssl-dev libsqlite3-dev nlohmann-json3-dev libjwt-dev libssl-dev
  mtail kcat jq gzip time python3 python3-aiosmtpd curl
  docker-compose python3-yaml systemd openssl
)
# kubectl (kustomize and client-side checks of deploy/kubernetes): the machine image may carry it
# from another repository; otherwise Debian's kubernetes-client provides it.
if ! command -v kubectl > /dev/null; then PACKAGES+=(kubernetes-client); fi
# node and npm (grafana/schema-check type-checks the dashboards with @grafana/schema): the image may
# carry a newer NodeSource build; otherwise Debian's.
if ! command -v npm > /dev/null; then PACKAGES+=(nodejs npm); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
