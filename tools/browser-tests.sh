#!/usr/bin/env bash
# Browser tests in headless Chromium (Debian's chromium; puppeteer-core pinned in tools/browser).
#
#   bash tools/browser-tests.sh               # the site: builds site/ and its PDF from notebooks/
#                                             # (--site-only) and checks every page and feature
#                                             # (tools/browser/site-test.mjs, site-features.mjs)
#   bash tools/browser-tests.sh --notebooks   # also runs notebook 1 and notebook 3 in quick mode
#                                             # through the Notebook UI (tools/browser/notebook-test.mjs)
#
# Everything it writes goes to target/: screenshots in target/browser/, the npm packages in
# target/browser-npm/, the notebooks the UI runs are copies in target/browser-notebooks/ (the
# committed ones are never saved over). CHROMIUM names another Chromium or Chrome binary.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd -P)"
say() { printf '== %s\n' "$*"; }
die() { printf 'error: %s\n' "$1" >&2; exit "${2:-1}"; }

NOTEBOOKS=0
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --notebooks) NOTEBOOKS=1 ;;
    *) die "unknown argument $arg (try --help)" 2 ;;
  esac
done

# Chromium, and poppler-utils (pdftotext, pdfinfo, pdfimages) for the site test's look into the PDF
missing=()
[ -n "${CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 && command -v pdfimages >/dev/null 2>&1 || missing+=(poppler-utils)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    say "installing Debian's ${missing[*]}"
    mkdir -p target
    { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
        && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    } > target/chromium-apt.log 2>&1 || { cat target/chromium-apt.log >&2; die "apt-get install ${missing[*]} failed"; }
  else
    die "missing: ${missing[*]}; install Chromium or Chrome (set CHROMIUM=/path/to/it) and poppler's pdftotext, pdfinfo and pdfimages" 2
  fi
fi
CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
export CHROMIUM
NPM_DIR="$ROOT/target/browser-npm"
SHOTS="$ROOT/target/browser"
bash tools/npm-ci.sh tools/browser "$NPM_DIR"
cp tools/browser/*.mjs "$NPM_DIR/"  # beside node_modules, where Node's module lookup finds puppeteer-core
mkdir -p "$SHOTS"
say "browser: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"

say "site: built from notebooks/, every page rendered"
t0=$SECONDS
bash tools/run-chapters.sh --site-only | grep -v '^== jupyter python' || exit 1
node "$NPM_DIR/site-test.mjs" "$ROOT/site" "$SHOTS/site" "$ROOT/notebooks"
say "site test took $((SECONDS - t0)) s"

[ "$NOTEBOOKS" = 1 ] || exit 0

say "notebooks through the Notebook UI (quick mode, copies in target/browser-notebooks/)"
t0=$SECONDS
COPY="$ROOT/target/browser-notebooks"
rm -rf "$COPY"
mkdir -p "$COPY"
cp notebooks/01-*.ipynb notebooks/03-*.ipynb "$COPY/"
OUT="$SHOTS/open-chapters.out"
rm -f target/notebook-server.url
set -m  # its own process group, which gets Ctrl-C's SIGINT below as a terminal would send it
RUN_MODE=quick NOTEBOOK_DIR="$COPY" bash tools/open-chapters.sh > "$OUT" 2>&1 &
OPENER=$!
set +m
stop_opener() {
  kill -INT -- "-$OPENER" 2>/dev/null || true
  wait "$OPENER" 2>/dev/null || true
}
trap stop_opener EXIT
for _ in $(seq 1 600); do
  [ -s target/notebook-server.url ] && break
  kill -0 "$OPENER" 2>/dev/null || { cat "$OUT" >&2; die "tools/open-chapters.sh ended before its server ran"; }
  sleep 0.5
done
[ -s target/notebook-server.url ] || { cat "$OUT" >&2; die "the Notebook server did not start within 300 s"; }
node "$NPM_DIR/notebook-test.mjs" "$(cat target/notebook-server.url)" "$SHOTS" \
  "$(basename "$COPY"/01-*.ipynb)" "$(basename "$COPY"/03-*.ipynb):png" || { tail -n 40 target/notebook-server.log >&2; exit 1; }

# Ctrl-C: the server, its kernels and their JVMs must all be gone afterwards
tree() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; tree "$p"; done; }
PROCS="$(tree "$OPENER")"
trap - EXIT
stop_opener
left=()
for p in $PROCS; do kill -0 "$p" 2>/dev/null && left+=("$p ($(ps -o comm= -p "$p" || true))"); done
[ "${#left[@]}" -eq 0 ] || die "still running after Ctrl-C: ${left[*]}"
say "Ctrl-C stopped the server and its $(echo "$PROCS" | wc -w) processes"
say "notebook test took $((SECONDS - t0)) s"
