#!/usr/bin/env bash
# Builds the Debian/Ubuntu package with cargo-deb: target/debian/handreiking_<version>_<arch>.deb,
# holding the binary, the menu entry "Handreiking" with its icon, the manual pages
# (`handreiking manual`, from clap) and the completions for bash, zsh and fish.
#
#   cargo install cargo-deb --locked     # once
#   bash packaging/deb.sh                # an optimised build (what you give to people)
#
# BINARY=path packages a binary that is built already instead (CI packages the one
# `cargo test` built, to test the package without a second build of Typst).
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${BINARY:-}
if [ -z "$binary" ]; then
    cargo build --locked --release --bin handreiking
    binary=target/release/handreiking
fi
stage=target/package
rm -rf "$stage"
mkdir -p "$stage/man" "$stage/completions"
cp "$binary" "$stage/handreiking"
"$stage/handreiking" manual "$stage/man"
gzip -9n "$stage"/man/*.1
"$stage/handreiking" completions bash >"$stage/completions/handreiking"
"$stage/handreiking" completions zsh >"$stage/completions/_handreiking"
"$stage/handreiking" completions fish >"$stage/completions/handreiking.fish"
# shellcheck disable=SC2086
cargo deb --no-build --no-strip --output target/debian/ ${DEB_FLAGS:-}
