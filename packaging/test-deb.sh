#!/usr/bin/env bash
# CI's test of the package, as root: build the .deb (of the test build), install it
# with dpkg, start the menu entry's command the way a desktop does (no terminal, no
# arguments beyond the entry's), fetch the start page, press "Afsluiten", and check
# that the program stopped and that the manual and completions are installed. Then
# remove the package again. Only 127.0.0.1 is ever contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
# The binary `cargo test` built (a second build for the package would take minutes).
BINARY=target/debug/handreiking DEB_FLAGS=--fast bash packaging/deb.sh
deb=$(ls -t target/debian/handreiking_*.deb | head -1)
dpkg-deb --info "$deb" | sed -n '1,20p'
dpkg -i "$deb"
trap 'dpkg -r handreiking >/dev/null 2>&1 || true' EXIT

entry=/usr/share/applications/handreiking.desktop
command=$(sed -n 's/^Exec=//p' "$entry")
[ "$(sed -n 's/^Terminal=//p' "$entry")" = false ] || { echo "the menu entry asks for a terminal" >&2; exit 1; }
test -f /usr/share/icons/hicolor/scalable/apps/handreiking.svg
test -f /usr/share/man/man1/handreiking.1.gz
test -f /usr/share/man/man1/handreiking-report.1.gz
test -f /usr/share/bash-completion/completions/handreiking

work=$(mktemp -d)
# The "browser" a desktop would open: it writes down the address it was given.
printf '#!/bin/sh\necho "$1" > %s/opened\n' "$work" >"$work/browser"
chmod +x "$work/browser"
# As a desktop starts it: no terminal, the entry's command line, its own session.
HOME=$work BROWSER=$work/browser XDG_DATA_HOME=$work/data TMPDIR=$work \
    setsid $command </dev/null >"$work/out.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
    [ -s "$work/opened" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/out.log" >&2; echo "the program stopped" >&2; exit 1; }
    sleep 0.1
done
url=$(cat "$work/opened")
case "$url" in http://127.0.0.1:*/) ;; *) echo "opened $url, not an address on 127.0.0.1" >&2; exit 1 ;; esac
page=$(curl --silent --show-error --location --max-time 30 "$url")
echo "$page" | grep -q "Antwoorden kiezen" || { echo "the start page is not the app's:" >&2; echo "$page" >&2; exit 1; }
echo "$page" | grep -q 'action="/afsluiten"' || { echo "the start page has no Afsluiten button" >&2; exit 1; }
curl --silent --show-error --max-time 30 --data "" -H "Origin: ${url%/}" "${url}afsluiten" | grep -q "afgesloten"
for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    echo "the program did not stop after Afsluiten" >&2
    exit 1
fi
echo "package: installed, started from its menu entry without a terminal, served $url, stopped on Afsluiten"
