#!/usr/bin/env bash
# Tries the project's known bad inputs (issue 22's list and their kin) and prints one line per case:
#   case | outcome | message
# outcome is one of: clear error (the message holds the words the case asks for), correct (a wrong
# input handled correctly), unclear (an error without those words), silent (no error where one was
# due, or a wrong result), crash (the process died, or hung past its limit).
#
#   bash tools/bad-inputs.sh                  # library cases, then the script cases
#   bash tools/bad-inputs.sh --library-only   # the Java cases only (about half a minute)
#   bash tools/bad-inputs.sh --scripts-only   # the run-chapters.sh / training-ui.sh cases only
#
# The library cases are org.deeprnn.badinput.LibraryCases (src/test), run by BadInputs; the script
# cases call tools/run-chapters.sh --setup-only with bad knobs (nothing is executed; kernels go to
# target/bad-inputs/jupyter-data, not to your Jupyter folder) and tools/training-ui.sh on a text file.
# Maven runs offline unless MVN_ARGS says otherwise. Ends with the count per outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd -P)"
OUT="$ROOT/target/bad-inputs"
MVN_ARGS="${MVN_ARGS:--o}"
LIBRARY=1
SCRIPTS=1
case "${1:-}" in
  "") ;;
  --library-only) SCRIPTS=0 ;;
  --scripts-only) LIBRARY=0 ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "error: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
LINES="$OUT/lines.txt"
: > "$LINES"

line() {  # case outcome message
  local msg
  msg="$(printf '%s' "$3" | tr '\n' ' ' | sed 's/  */ /g; s/^ //; s/ $//')"
  [ "${#msg}" -le 300 ] || msg="${msg:0:297}..."
  printf '%-44s | %-11s | %s\n' "$1" "$2" "$msg" | tee -a "$LINES"
}

if [ "$LIBRARY" = 1 ]; then
  if ! { mvn -q -B $MVN_ARGS test-compile &&
         mvn -q -B $MVN_ARGS dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt"; } > "$OUT/build.log" 2>&1; then
    cat "$OUT/build.log" >&2
    echo "bad-inputs: the build failed (log above, also in $OUT/build.log)" >&2
    exit 1
  fi
  java -Xmx2g -cp "target/test-classes:target/classes:$(cat "$OUT/classpath.txt")" org.deeprnn.badinput.BadInputs \
    2> "$OUT/library-stderr.log" | grep --line-buffered ' | ' | tee -a "$LINES" || true
fi

# Runs a script in its own process group with a time limit; sets RC and TEXT (stdout and stderr).
run_script() {  # limit_seconds command...
  local limit="$1" pid waited=0
  shift
  setsid "$@" > "$OUT/script.log" 2>&1 < /dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$limit" ]; do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    sleep 2
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    RC=timeout
  else
    RC=0
    wait "$pid" || RC=$?
  fi
  TEXT="$(grep -v '^\s*$' "$OUT/script.log" | tail -n 3 || true)"
}

# An error is due: clear when the script failed and its last lines hold every word (case-insensitive).
expect_error() {  # case words...
  local name="$1" w ok=1
  shift
  if [ "$RC" = timeout ]; then line "$name" "silent" "still running after its limit: $TEXT"; return; fi
  if [ "$RC" = 0 ]; then line "$name" "silent" "exit 0: $TEXT"; return; fi
  for w in "$@"; do grep -qiF -- "$w" <<< "$TEXT" || ok=0; done
  if grep -qiE 'usage:|error: argument|traceback|\(null\)' <<< "$TEXT"; then ok=0; fi
  [ "$ok" = 1 ] && line "$name" "clear error" "$TEXT" || line "$name" "unclear" "exit $RC: $TEXT"
}

if [ "$SCRIPTS" = 1 ]; then
  export JUPYTER_DATA_DIR="$OUT/jupyter-data"
  setup() { run_script 300 env RUN_MODE=quick "$@" bash tools/run-chapters.sh --setup-only; }
  setup CELL_TIMEOUT=-1;   expect_error "run-chapters CELL_TIMEOUT=-1" CELL_TIMEOUT -1
  setup CELL_TIMEOUT=abc;  expect_error "run-chapters CELL_TIMEOUT=abc" CELL_TIMEOUT abc
  setup KERNEL_JVM_OPTS=-Xmx4g
  if [ "$RC" = 0 ]; then line "run-chapters KERNEL_JVM_OPTS=-Xmx4g" "correct" "accepted: $TEXT"
  elif grep -qiE 'usage:|error: argument' <<< "$TEXT"; then line "run-chapters KERNEL_JVM_OPTS=-Xmx4g" "unclear" "exit $RC: $TEXT"
  else line "run-chapters KERNEL_JVM_OPTS=-Xmx4g" "crash" "exit $RC: $TEXT"; fi
  run_script 300 env RUN_MODE=quick bash tools/run-chapters.sh --setup-only ""
  expect_error "run-chapters empty notebook prefix" "empty"
  printf 'step,loss\n1,2.5\n' > "$OUT/not-stats.csv"
  run_script 180 env MVN_ARGS="$MVN_ARGS" bash tools/training-ui.sh "$OUT/not-stats.csv"
  expect_error "training-ui.sh on a non-stats file" "not-stats.csv" "stats"
  run_script 180 env MVN_ARGS="$MVN_ARGS" bash tools/training-ui.sh "$OUT/not-stats.csv" --port abc
  expect_error "training-ui.sh --port abc" "port" "abc"
fi

echo
printf 'cases: %d;' "$(wc -l < "$LINES")"
for o in "clear error" "correct" "unclear" "silent" "crash"; do
  printf ' %s %d;' "$o" "$(grep -c "| $o *|" "$LINES" || true)"
done
echo
