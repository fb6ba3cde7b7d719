#!/usr/bin/env bash
# fetch-assets.sh brings the dashboard's third-party files from the npm registry at a pinned
# version, checks the package against the integrity pinned below (and the one the registry
# states), and copies the built files with their licence into internal/web/assets/vendor,
# with a SHA-256 checksums file. The copied files are committed, so Tocsin builds and runs
# with Go alone; run this only to change a version (then update the pins below).
set -euo pipefail
cd "$(dirname "$0")/.."

UPLOT_VERSION=1.6.32
UPLOT_INTEGRITY='sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw=='
UPLOT_DEST=internal/web/assets/vendor/uplot

fail() { echo "fetch-assets: $*" >&2; exit 1; }

# integrity prints a file's Subresource Integrity string (sha512, base64), as npm writes it.
integrity() {
	node -e 'const c = require("crypto"), f = require("fs");
		process.stdout.write("sha512-" + c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "uplot@$UPLOT_VERSION" >/dev/null)
tarball="$work/uplot-$UPLOT_VERSION.tgz"
[ -f "$tarball" ] || fail "npm pack did not produce $tarball"

stated=$(npm view "uplot@$UPLOT_VERSION" dist.integrity)
[ "$stated" = "$UPLOT_INTEGRITY" ] || fail "the registry states $stated for uplot@$UPLOT_VERSION, pinned is $UPLOT_INTEGRITY"
actual=$(integrity "$tarball")
[ "$actual" = "$UPLOT_INTEGRITY" ] || fail "the downloaded uplot@$UPLOT_VERSION has $actual, pinned is $UPLOT_INTEGRITY"

tar -xzf "$tarball" -C "$work" package/dist/uPlot.iife.min.js package/dist/uPlot.min.css package/LICENSE
mkdir -p "$UPLOT_DEST"
cp "$work/package/dist/uPlot.iife.min.js" "$work/package/dist/uPlot.min.css" "$work/package/LICENSE" "$UPLOT_DEST/"
printf 'uplot %s from the npm registry, package integrity %s\n' "$UPLOT_VERSION" "$UPLOT_INTEGRITY" >"$UPLOT_DEST/SOURCE"
(cd "$UPLOT_DEST" && sha256sum LICENSE SOURCE uPlot.iife.min.js uPlot.min.css >SHA256SUMS)
echo "uplot $UPLOT_VERSION -> $UPLOT_DEST"
