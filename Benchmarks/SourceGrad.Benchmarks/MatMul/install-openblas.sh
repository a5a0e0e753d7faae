#!/usr/bin/env bash
# Installs Debian's OpenBLAS (the matmul benchmark's baseline) when libopenblas.so.0 is missing. Benchmarks only:
# the tests never load OpenBLAS.
set -euo pipefail
if ldconfig -p | grep -q 'libopenblas\.so\.0'; then
    echo "libopenblas.so.0 is installed"
    exit 0
fi
sudo_if_needed=""
if [ "$(id -u)" -ne 0 ]; then sudo_if_needed="sudo"; fi
$sudo_if_needed apt-get update
DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y libopenblas0 libopenblas-dev
