#!/usr/bin/env bash
# Opens DL4J's training UI (its own UIServer) on a stats file that a run wrote with StatsListener and
# FileStatsStorage, prints the address (DL4J's default port 9000) and serves until Ctrl-C.
#   bash tools/training-ui.sh target/stats/deep-lstm.dl4j
#   bash tools/training-ui.sh <stats file> --port 9001
# Builds the library first (Maven); extra Maven flags: MVN_ARGS="-o" for offline.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -ge 1 ] || { echo "usage: bash tools/training-ui.sh <stats file> [--port N]" >&2; exit 2; }
case "$1" in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
# shellcheck source=tools/knobs.sh
. tools/knobs.sh
[ "$#" -eq 1 ] || { [ "$#" -eq 3 ] && [ "$2" = --port ]; } \
  || knob_fail "usage: bash tools/training-ui.sh <stats file> [--port N]"
[ "$#" -eq 1 ] || knob_port --port "$3"
[ -f "$1" ] || { echo "error: no stats file $1 (a run writes one through StatsListener + FileStatsStorage)" >&2; exit 1; }
[ -r "$1" ] || { echo "error: $1 is not readable" >&2; exit 1; }

mkdir -p target/training-ui
build_log=target/training-ui/build.log
if ! { mvn -q -B ${MVN_ARGS:-} compile &&
       mvn -q -B ${MVN_ARGS:-} dependency:build-classpath -Dmdep.outputFile=target/training-ui/classpath.txt; } > "$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "training-ui: the build failed (log above, also in $build_log)" >&2
  exit 1
fi
# exec: Ctrl-C reaches the JVM itself, whose shutdown hook (DL4J's) stops the server; nothing stays behind
exec java -Xmx1g -Djava.awt.headless=true -cp "target/classes:$(cat target/training-ui/classpath.txt)" \
  org.deeprnn.train.TrainingUi "$@"
