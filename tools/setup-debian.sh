#!/bin/sh
# Installs what tether needs on Debian 12 (as root, or with sudo available),
# then configures and builds it in ./build.
#   sh tools/setup-debian.sh           build dependencies, then build
#   sh tools/setup-debian.sh --tests   also what the test suite runs (real programs)
set -eu
cd "$(dirname "$0")/.."

pkgs="cmake make gcc g++ pkg-config libunwind-dev uthash-dev libcunit1-dev libdw-dev libelf-dev libiberty-dev libjansson-dev"
if [ "${1:-}" = "--tests" ]; then
  # python3 drives the case checker; the rest are real programs run under tether.
  pkgs="$pkgs python3 python3-jsonschema perl git sqlite3 bash coreutils time openssl xz-utils jq libjemalloc2 gdb libglib2.0-0"
  # a Rust compiler for the Rust cases, unless one is on the PATH already (rustup)
  command -v rustc >/dev/null 2>&1 || pkgs="$pkgs rustc"
  # a JDK for the Java program, unless java and javac are there already
  { command -v java && command -v javac; } >/dev/null 2>&1 || pkgs="$pkgs default-jdk-headless"
fi

missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  echo "tether setup: installing$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
