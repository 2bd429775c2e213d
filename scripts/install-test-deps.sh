#!/usr/bin/env bash
# Installs the real programs the integration tests use (registries, container runtimes,
# image tools, version oracles). Does nothing when they are all present already; without root
# it only says what is missing, and the tests that need it skip with a reason.
set -euo pipefail

packages=(
  podman runc crun skopeo buildah umoci docker-registry nftables iproute2 debootstrap runsc
  conntrack busybox-static netcat-openbsd curl zstd python3-rpm python3-packaging maven
  rpm db5.3-util golang-go zip openssl containerd
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-test-deps: not root or no apt-get; missing: ${missing[*]} (their tests skip)" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-test-deps: installed ${missing[*]}" >&2
