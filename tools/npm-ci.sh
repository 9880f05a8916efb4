#!/usr/bin/env bash
# Installs the npm packages pinned in a tools/ folder (package.json + package-lock.json) into a
# folder under target/, with `npm ci`, unless that folder already holds the same lock file.
#
#   bash tools/npm-ci.sh tools/site target/site-npm
#
# Needs Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm; macOS: brew install node).
set -euo pipefail
[ "$#" -eq 2 ] || { echo "usage: bash tools/npm-ci.sh <folder with package-lock.json> <install folder>" >&2; exit 2; }
src="$1"; dest="$2"
[ -f "$src/package.json" ] && [ -f "$src/package-lock.json" ] \
  || { echo "error: $src has no package.json and package-lock.json" >&2; exit 2; }
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is missing. Install Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm;" \
       "macOS: brew install node), then run this again." >&2
  exit 3
fi
if [ -d "$dest/node_modules" ] && cmp -s "$src/package-lock.json" "$dest/package-lock.json"; then
  exit 0
fi
mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
log="$dest/npm-ci.log"
# PUPPETEER_SKIP_DOWNLOAD: puppeteer-core never downloads a browser, this only silences a check
( cd "$dest" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error ) > "$log" 2>&1 \
  || { cat "$log" >&2; echo "error: npm ci in $dest failed (output above)" >&2; exit 1; }
