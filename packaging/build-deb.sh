#!/usr/bin/env bash
# Builds dist/points-kiosk_VERSION-1_ARCH.deb with the standard Debian tools: a staged tree,
# then dpkg-deb --build. Run from anywhere; needs dpkg-dev and Debian's python3.11.
#
#   packaging/build-deb.sh                      # release: dependencies from PyPI, xz
#   DEPS=copy-venv packaging/build-deb.sh       # dependencies copied from the dev .venv
#
# Environment:
#   DEPS            pypi (default): pip installs the wheel's dependencies from PyPI (pip's
#                   cache makes a rebuild fast); copy-venv: copy exactly the runtime
#                   dependencies already installed in $DEV_PYTHON's environment (no network,
#                   no compiler; what the package test uses).
#   DEV_PYTHON      Python with pip, used to build the wheel and to run pip (default .venv).
#   TARGET_PYTHON   the Debian interpreter the installed venv runs on (/usr/bin/python3.11).
#   COMPRESSION     dpkg-deb -Z: xz (default), gzip, zstd or none; LEVEL: dpkg-deb -z (9).
#   OUT             folder for the .deb (default dist/); the path is printed last.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DEPS=${DEPS:-pypi}
DEV_PYTHON=${DEV_PYTHON:-$ROOT/.venv/bin/python}
TARGET_PYTHON=${TARGET_PYTHON:-/usr/bin/python3.11}
COMPRESSION=${COMPRESSION:-xz}
LEVEL=${LEVEL:-9}
OUT=${OUT:-$ROOT/dist}
PREFIX=/opt/points-kiosk
VENV=$PREFIX/venv

VERSION=$("$DEV_PYTHON" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$ROOT/pyproject.toml")
DEB_VERSION="$VERSION-1"
ARCH=$(dpkg --print-architecture)
PYVER=$("$TARGET_PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
DEVVER=$("$DEV_PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [ "$DEPS" = copy-venv ] && [ "$PYVER" != "$DEVVER" ]; then
  echo "build-deb: DEPS=copy-venv needs the same Python as the target ($DEVVER != $PYVER)" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/points-kiosk-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/stage
SITE=$STAGE$VENV/lib/python$PYVER/site-packages

echo "== wheel"
# Built from a clean copy: setuptools building in the checkout reuses its build/ folder, where
# a module deleted since would still sit and end up in the wheel.
mkdir "$WORK/src"
cp "$ROOT/pyproject.toml" "$ROOT/README.md" "$WORK/src/"
tar -C "$ROOT" --exclude=__pycache__ -cf - kiosk district points_protocol | tar -C "$WORK/src" -xf -
"$DEV_PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/wheel" "$WORK/src"
WHEEL=$(ls "$WORK"/wheel/points_kiosk-*.whl)

echo "== venv on $TARGET_PYTHON ($DEPS)"
"$TARGET_PYTHON" -m venv --without-pip "$STAGE$VENV"
case "$DEPS" in
  pypi)
    "$DEV_PYTHON" -m pip --python "$STAGE$VENV/bin/python" install --quiet --no-compile \
      --no-warn-script-location "$WHEEL"
    ;;
  copy-venv)
    "$DEV_PYTHON" "$HERE/copy-deps.py" "$SITE" --pyproject "$ROOT/pyproject.toml" 2>"$WORK/copied.txt"
    "$DEV_PYTHON" -m pip --python "$STAGE$VENV/bin/python" install --quiet --no-compile \
      --no-deps --no-warn-script-location "$WHEEL"
    ;;
  *) echo "build-deb: DEPS must be pypi or copy-venv" >&2; exit 1 ;;
esac
# The app finds its pictures and translations beside the kiosk package (kiosk/ui/widgets.py,
# kiosk/ui/i18n.py, kiosk/demo.py look in <site-packages>/assets). The demo district's
# PRIVATE key is for demonstrations on a developer's machine and is never shipped.
mkdir -p "$SITE/assets"
cp -r "$ROOT/assets/." "$SITE/assets/"
rm -f "$SITE"/assets/demo/*DEMO-ONLY*
# pip and venv wrote the staging path into the scripts' #! lines and pyvenv.cfg; the
# installed path is $VENV.
grep -rlF "$STAGE" "$STAGE$VENV/bin" "$STAGE$VENV/pyvenv.cfg" | while read -r f; do
  sed -i "s#$STAGE##g" "$f"
done || true
rm -f "$SITE"/points_kiosk-*.dist-info/direct_url.json
# Compiled once here (the service users cannot write to /opt), with the installed paths.
# Exit status ignored: some dependencies ship templates named *.py (PySide6's deploy tool)
# that are not Python; everything importable compiles.
"$TARGET_PYTHON" -m compileall -q -j 0 -s "$STAGE" -p / "$SITE" >/dev/null || true

echo "== files"
install -D -m 0755 "$HERE/bin/kiosk-admin" "$STAGE/usr/bin/kiosk-admin"
install -D -m 0755 "$HERE/bin/kiosk-sync" "$STAGE/usr/bin/kiosk-sync"
for script in kiosk kiosk-district; do
  if [ -e "$STAGE$VENV/bin/$script" ]; then
    ln -s "$VENV/bin/$script" "$STAGE/usr/bin/$script"
  fi
done
"$DEV_PYTHON" "$HERE/make-config.py" "$ROOT/config.toml" "$STAGE/etc/points-kiosk/config.toml"
install -D -m 0644 "$HERE/pam/points-kiosk" "$STAGE/etc/pam.d/points-kiosk"
# Debian 12 still ships units and rules under /lib (the merged-/usr moratorium).
for unit in "$HERE"/systemd/*; do
  install -D -m 0644 "$unit" "$STAGE/lib/systemd/system/$(basename "$unit")"
done
install -D -m 0644 "$HERE/udev/70-points-kiosk.rules" "$STAGE/lib/udev/rules.d/70-points-kiosk.rules"
install -D -m 0644 "$HERE/README.md" "$STAGE/usr/share/doc/points-kiosk/README.md"
install -D -m 0644 "$ROOT/assets/ui/LICENSE-emoji.txt" \
  "$STAGE/usr/share/doc/points-kiosk/LICENSE-emoji.txt"
cat > "$STAGE/usr/share/doc/points-kiosk/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: points-kiosk

Files: *
License: MIT

Files: opt/points-kiosk/venv/lib/*
Comment: Python dependencies installed from PyPI; each keeps its licence in its
 *.dist-info folder (PySide6/Qt: LGPL-3.0; see their dist-info).
EOF

echo "== control"
mkdir -p "$STAGE/DEBIAN"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$DEB_VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
  "$HERE/debian/control.in" > "$STAGE/DEBIAN/control"
install -m 0644 "$HERE/debian/conffiles" "$STAGE/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$HERE/debian/$script" "$STAGE/DEBIAN/$script"
done
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
  | xargs -0 md5sum) > "$STAGE/DEBIAN/md5sums"
chmod -R u+rwX,go+rX,go-w "$STAGE"

echo "== dpkg-deb"
mkdir -p "$OUT"
DEB="$OUT/points-kiosk_${DEB_VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Z"$COMPRESSION" -z"$LEVEL" --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
