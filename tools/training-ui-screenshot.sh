#!/usr/bin/env bash
# Redoes images/dl4j-training-ui.png: a short real run of notebook 3's deep LSTM (2 x LSTM(256),
# batch 32 x 35, d2l's settings; org.deeprnn.train.TrainingUiRun, test scope) writes a stats file
# through StatsListener + FileStatsStorage, tools/training-ui.sh serves DL4J's UI on it, and headless
# Chromium (tools/browser/training-ui-shot.mjs) photographs the overview page once its charts drew.
#   bash tools/training-ui-screenshot.sh            10 epochs (80 iterations), port 9000
#   EPOCHS=5 UI_PORT=9001 bash tools/training-ui-screenshot.sh
# Writes the stats file and logs under target/training-ui/. Needs Node.js/npm and Chromium (CHROMIUM).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${EPOCHS:-10}"
UI_PORT="${UI_PORT:-9000}"
# shellcheck source=tools/knobs.sh
. tools/knobs.sh
knob_count EPOCHS "$EPOCHS" 1
knob_port UI_PORT "$UI_PORT"
OUT=target/training-ui
STATS="$OUT/deep-lstm.dl4j"
mkdir -p "$OUT"
die() { printf 'error: %s\n' "$1" >&2; exit 1; }

echo "== build"
{ mvn -q -B ${MVN_ARGS:-} test-compile &&
  mvn -q -B ${MVN_ARGS:-} dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt"; } > "$OUT/build.log" 2>&1 \
  || { cat "$OUT/build.log" >&2; die "the build failed (log in $OUT/build.log)"; }

echo "== training $EPOCHS epochs with a StatsListener into $STATS"
OMP_NUM_THREADS=1 java -Xmx3g -Djava.awt.headless=true \
  -cp "target/classes:target/test-classes:$(cat "$OUT/classpath.txt")" org.deeprnn.train.TrainingUiRun "$EPOCHS" "$STATS"

echo "== DL4J's UI on port $UI_PORT"
UI_LOG="$OUT/ui.log"
MVN_ARGS="-o" bash tools/training-ui.sh "$STATS" --port "$UI_PORT" > "$UI_LOG" 2>&1 &
UI=$!
stop_ui() { kill -TERM "$UI" 2>/dev/null || true; wait "$UI" 2>/dev/null || true; }
trap stop_ui EXIT
for _ in $(seq 1 600); do
  grep -q "^DL4J training UI" "$UI_LOG" && break
  kill -0 "$UI" 2>/dev/null || { cat "$UI_LOG" >&2; die "tools/training-ui.sh ended before the UI ran"; }
  sleep 0.5
done
grep -q "^DL4J training UI" "$UI_LOG" || { cat "$UI_LOG" >&2; die "the UI did not start within 300 s"; }

echo "== screenshot in headless Chromium"
NPM_DIR=target/browser-npm
bash tools/npm-ci.sh tools/browser "$NPM_DIR"
cp tools/browser/*.mjs "$NPM_DIR/"  # beside node_modules, where Node's module lookup finds puppeteer-core
node "$NPM_DIR/training-ui-shot.mjs" "http://localhost:$UI_PORT" images/dl4j-training-ui.png
