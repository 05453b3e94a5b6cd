#!/usr/bin/env bash
# Installs the Debian packages the kiosk and its tests need, if any are missing.
# As root it installs them; as another user it prints the command to run and fails.
set -euo pipefail

packages=(python3 python3-venv python3-dev gcc sqlite3 fonts-noto-cjk fonts-noto-color-emoji libusb-1.0-0 libzbar0
          espeak-ng
          pcscd vsmartcard-vpcd libpcsclite-dev swig
          xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
          libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0
          dpkg-dev systemd shellcheck cage python3.11 fontconfig libpulse0
          # the boot test (tests/packaging/test_boot.py): a fresh Debian 12, booted
          debootstrap systemd-container
          # the district's tests start a throwaway PostgreSQL cluster (initdb, pg_ctl)
          postgresql
          # the district console's tests drive it with Playwright (never a downloaded browser)
          chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Python built outside Debian (pyenv, a container image) may already have venv and headers.
if python3 -c 'import ensurepip, venv, sysconfig, os; assert os.path.exists(sysconfig.get_paths()["include"] + "/Python.h")' 2>/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in python3|python3-venv|python3-dev) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them once with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
