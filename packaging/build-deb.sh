#!/usr/bin/env bash
# Builds one Debian package with the standard Debian tools: a staged tree, then dpkg-deb
# --build. Run from anywhere; needs dpkg-dev and Debian's python3.11.
#
#   packaging/build-deb.sh [kiosk]              # dist/points-kiosk_VERSION-1_ARCH.deb
#   packaging/build-deb.sh district             # dist/points-district_VERSION-1_ARCH.deb
#   DEPS=copy-venv COMPRESSION=none packaging/build-deb.sh   # quick, offline (the tests)
#
# The kiosk package carries what a kiosk runs (touchscreen, sync daemon, backups); the
# district package the district server. Each has its own venv with only its own
# dependencies (packaging/role-pyproject.py says which).
#
# Environment:
#   DEPS            pypi (default): pip installs the dependencies from PyPI (pip's cache makes
#                   a rebuild fast); copy-venv: copy exactly the role's runtime dependencies
#                   already installed in $DEV_PYTHON's environment (no network, no compiler).
#   DEV_PYTHON      Python with pip, used to build the wheel and to run pip (default .venv).
#   TARGET_PYTHON   the Debian interpreter the installed venv runs on (/usr/bin/python3.11).
#   COMPRESSION     dpkg-deb -Z: xz (default), gzip, zstd or none; LEVEL: dpkg-deb -z (9).
#   PACKAGE_VERSION another version than pyproject.toml's (the package test's upgrade).
#   OUT             folder for the .deb (default dist/); the path is printed last.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ROLE=${1:-kiosk}
case "$ROLE" in
  kiosk) NAME=points-kiosk; FILES=$HERE ;;
  district) NAME=points-district; FILES=$HERE/district ;;
  *) echo "build-deb: the package is kiosk or district, not $ROLE" >&2; exit 1 ;;
esac
DEPS=${DEPS:-pypi}
DEV_PYTHON=${DEV_PYTHON:-$ROOT/.venv/bin/python}
TARGET_PYTHON=${TARGET_PYTHON:-/usr/bin/python3.11}
COMPRESSION=${COMPRESSION:-xz}
LEVEL=${LEVEL:-9}
OUT=${OUT:-$ROOT/dist}
PREFIX=/opt/$NAME
VENV=$PREFIX/venv

VERSION=${PACKAGE_VERSION:-$("$DEV_PYTHON" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$ROOT/pyproject.toml")}
DEB_VERSION="$VERSION-1"
ARCH=$(dpkg --print-architecture)
PYVER=$("$TARGET_PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
DEVVER=$("$DEV_PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [ "$DEPS" = copy-venv ] && [ "$PYVER" != "$DEVVER" ]; then
  echo "build-deb: DEPS=copy-venv needs the same Python as the target ($DEVVER != $PYVER)" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/$NAME-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/stage
SITE=$STAGE$VENV/lib/python$PYVER/site-packages

echo "== wheel ($ROLE $VERSION)"
# Built from a clean copy: setuptools building in the checkout reuses its build/ folder, where
# a module deleted since would still sit and end up in the wheel.
mkdir "$WORK/src"
cp "$ROOT/README.md" "$WORK/src/"
"$DEV_PYTHON" "$HERE/role-pyproject.py" "$ROLE" "$ROOT/pyproject.toml" "$WORK/src/pyproject.toml" \
  ${PACKAGE_VERSION:+--version "$PACKAGE_VERSION"} --requirements "$WORK/requirements.txt"
packages=(kiosk points_protocol)  # points_protocol: what kiosk and district share
[ "$ROLE" = district ] && packages+=(district)
tar -C "$ROOT" --exclude=__pycache__ -cf - "${packages[@]}" | tar -C "$WORK/src" -xf -
"$DEV_PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/wheel" "$WORK/src"
WHEEL=$(ls "$WORK"/wheel/points_kiosk-*.whl)

echo "== venv on $TARGET_PYTHON ($DEPS)"
"$TARGET_PYTHON" -m venv --without-pip "$STAGE$VENV"
case "$DEPS" in
  pypi)
    "$DEV_PYTHON" -m pip --python "$STAGE$VENV/bin/python" install --quiet --no-compile \
      --no-warn-script-location -r "$WORK/requirements.txt"
    ;;
  copy-venv)
    "$DEV_PYTHON" "$HERE/copy-deps.py" "$SITE" --requirements "$WORK/requirements.txt" \
      2>"$WORK/copied.txt"
    ;;
  *) echo "build-deb: DEPS must be pypi or copy-venv" >&2; exit 1 ;;
esac
"$DEV_PYTHON" -m pip --python "$STAGE$VENV/bin/python" install --quiet --no-compile \
  --no-deps --no-warn-script-location "$WHEEL"
if [ "$ROLE" = kiosk ]; then
  # The app finds its pictures and translations beside the kiosk package (kiosk/ui/widgets.py,
  # kiosk/ui/i18n.py, kiosk/demo/__init__.py look in <site-packages>/assets). The demo district's
  # PRIVATE key is for demonstrations on a developer's machine and is never shipped.
  mkdir -p "$SITE/assets"
  cp -r "$ROOT/assets/." "$SITE/assets/"
  rm -f "$SITE"/assets/demo/*DEMO-ONLY*
  # Qt WebEngine (a whole Chromium, 267 MB: a quarter of the venv) comes with PySide6-Addons;
  # the kiosk never loads it. Removed with everything that links to it (readelf), so no
  # module is left that would fail to load; test_deb.py checks that no other file needs it.
  PYSIDE=$SITE/PySide6
  find "$PYSIDE" -name '*.so*' -type f -print0 | while IFS= read -r -d '' lib; do
    if readelf -d "$lib" 2>/dev/null | grep -q 'NEEDED.*libQt6WebEngine'; then rm -f "$lib"; fi
  done
  rm -rf "$PYSIDE"/QtWebEngine*.pyi "$PYSIDE"/Qt/lib/libQt6WebEngine* \
    "$PYSIDE"/Qt/libexec/QtWebEngineProcess "$PYSIDE"/Qt/resources \
    "$PYSIDE"/Qt/translations/qtwebengine_locales "$PYSIDE"/Qt/translations/qtwebengine_*.qm \
    "$PYSIDE"/Qt/qml/QtWebEngine
  # C headers and typesystems for compiling bindings against PySide6: nothing is compiled here.
  rm -rf "$PYSIDE"/include "$PYSIDE"/typesystems "$PYSIDE"/glue
fi
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
DOC=$STAGE/usr/share/doc/$NAME
if [ "$ROLE" = kiosk ]; then
  install -D -m 0755 "$HERE/bin/kiosk-admin" "$STAGE/usr/bin/kiosk-admin"
  install -D -m 0755 "$HERE/bin/kiosk-sync" "$STAGE/usr/bin/kiosk-sync"
  ln -s "$VENV/bin/kiosk" "$STAGE/usr/bin/kiosk"
  "$DEV_PYTHON" "$HERE/make-config.py" "$ROOT/config.toml" "$STAGE/etc/points-kiosk/config.toml"
  install -D -m 0644 "$HERE/pam/points-kiosk" "$STAGE/etc/pam.d/points-kiosk"
  install -D -m 0644 "$HERE/udev/70-points-kiosk.rules" "$STAGE/lib/udev/rules.d/70-points-kiosk.rules"
  install -D -m 0644 "$ROOT/assets/ui/LICENSE-emoji.txt" "$DOC/LICENSE-emoji.txt"
else
  install -D -m 0755 "$FILES/kiosk-district" "$STAGE/usr/bin/kiosk-district"
  install -D -m 0644 "$FILES/district.env" "$STAGE/etc/points-district/district.env"
fi
# Debian 12 still ships units and rules under /lib (the merged-/usr moratorium).
for unit in "$FILES"/systemd/*; do
  install -D -m 0644 "$unit" "$STAGE/lib/systemd/system/$(basename "$unit")"
done
install -D -m 0644 "$FILES/README.md" "$DOC/README.md"
cat > "$DOC/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: $NAME

Files: *
License: MIT

Files: opt/$NAME/venv/lib/*
Comment: Python dependencies installed from PyPI; each keeps its licence in its
 *.dist-info folder (PySide6/Qt: LGPL-3.0; see their dist-info).
EOF

echo "== control"
mkdir -p "$STAGE/DEBIAN"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$DEB_VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
  "$FILES/debian/control.in" > "$STAGE/DEBIAN/control"
install -m 0644 "$FILES/debian/conffiles" "$STAGE/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$FILES/debian/$script" "$STAGE/DEBIAN/$script"
done
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
  | xargs -0 md5sum) > "$STAGE/DEBIAN/md5sums"
chmod -R u+rwX,go+rX,go-w "$STAGE"

echo "== dpkg-deb"
mkdir -p "$OUT"
DEB="$OUT/${NAME}_${DEB_VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Z"$COMPRESSION" -z"$LEVEL" --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
