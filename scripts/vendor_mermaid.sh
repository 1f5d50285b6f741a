#!/usr/bin/env bash
# Refresh the vendored copy of Mermaid (MIT licence) that renders the book's
# diagrams in the reader's browser without any CDN. Needs npm and the npm registry;
# the site build itself never downloads anything.
# Usage: scripts/vendor_mermaid.sh [VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-11.17.2}"
dest=book/_static/vendor/mermaid
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "mermaid@$version" >/dev/null && tar xzf mermaid-*.tgz)
rm -rf "$dest"
mkdir -p "$dest/chunks"
cp "$work/package/dist/mermaid.esm.min.mjs" "$dest/"
cp -r "$work/package/dist/chunks/mermaid.esm.min" "$dest/chunks/"
find "$dest" -name '*.map' -delete
cp "$work/package/LICENSE" "$dest/LICENSE"
echo "$version" > "$dest/VERSION"
echo "vendored mermaid $version into $dest ($(du -sh "$dest" | cut -f1))"
