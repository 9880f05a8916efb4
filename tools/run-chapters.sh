#!/usr/bin/env bash
# Runs every chapter notebook of notebooks/ on a Java kernel and builds the HTML site.
#
#   bash tools/run-chapters.sh                   # all notebooks, full size
#   RUN_MODE=quick bash tools/run-chapters.sh    # small and fast (CI, smoke tests)
#   bash tools/run-chapters.sh 02 03             # only notebooks whose names start with 02 or 03
#   bash tools/run-chapters.sh --setup-only      # install Jupyter and the kernel, run nothing
#                                                # (with JUPYTER_KERNEL: prepare the classpath and
#                                                # print the kernel.json lines that kernel needs)
#   bash tools/run-chapters.sh --site-only       # rebuild site/ from notebooks/, execute nothing
#                                                # (its PDF too where a Chromium is found: CHROMIUM
#                                                # or chromium on PATH)
#   bash tools/run-chapters.sh --notebook        # set up, then open the chapters in the Notebook
#                                                # UI (tools/open-chapters.sh runs this)
#
# The site (site/index.html) is built from the notebooks in notebooks/, that is the committed
# full-run outputs: after a full run, or with --site-only; a quick run leaves it as it is.
#
# Knobs (environment variables):
#   RUN_MODE=full|quick     full (default): the executed notebooks replace those in notebooks/;
#                           quick: they go to target/quick-notebooks/, committed outputs stay as
#                           they are. The kernel sees it as DEEPRNN_MODE.
#   BACKEND=cpu|cuda        ND4J backend on the kernel's classpath (Maven profile), default cpu
#   CELL_TIMEOUT=seconds    per-cell limit; default 600 (quick) or 7200 (full); 0 = none
#   STARTUP_TIMEOUT=seconds how long a kernel may take to start, default 300
#   KERNEL_JVM_OPTS="..."   JVM options of the kernel, default "-Xmx6g -Djava.awt.headless=true";
#                           with JUPYTER_KERNEL they reach JJava as JJAVA_JVM_OPTS, and are
#                           refused for IJava (its JVM options live in its kernel.json's argv)
#   KERNEL_NAME=name        name of the kernelspec this script installs, default deep-rnn-java
#   JUPYTER_KERNEL=name     use an already installed kernel instead of installing
#                           rapaio-jupyter-kernel: IJava (1.3.0) or JJava (1.0-a6 and later), both
#                           named "java" by default. For this run it gets IJAVA_CLASSPATH or
#                           JJAVA_CLASSPATH, OMP_NUM_THREADS=1 and, for JJava, JJAVA_JVM_OPTS;
#                           environment.md lists what each needs in its kernel.json
#   RJK_VERSION=x.y.z       rapaio-jupyter-kernel version, default 3.0.1
#   JUPYTER_PYTHON=path     a Python 3 with nbclient and nbconvert, if not /usr/bin/python3
#   NOTEBOOK_PORT=port      --notebook: the server's port, default the first free one from 8888
#   NOTEBOOK_DIR=folder     --notebook: the folder the server opens, default notebooks/
# The kernels inherit this environment (D2L_DATA_MIRROR, for one); they run in notebooks/, with
# D2L_DATA_DIR set to the project's data/ unless it is set already.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd -P)"
trap 'echo; echo "interrupted" >&2; exit 130' INT

RUN_MODE="${RUN_MODE:-full}"
BACKEND="${BACKEND:-cpu}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-300}"
KERNEL_JVM_OPTS_SET="${KERNEL_JVM_OPTS:-}"
KERNEL_JVM_OPTS="${KERNEL_JVM_OPTS:--Xmx6g -Djava.awt.headless=true}"
KERNEL_NAME="${KERNEL_NAME:-deep-rnn-java}"
KERNEL_DISPLAY_NAME="Java (Deep RNN, DL4J)"
RJK_VERSION="${RJK_VERSION:-3.0.1}"
JUPYTER_KERNEL="${JUPYTER_KERNEL:-}"
APT_PACKAGES=(jupyter-nbconvert jupyter-client python3-nbclient)

NB_DIR="$ROOT/notebooks"
LIB_DIR="$ROOT/target/notebook-lib/$BACKEND"
KERNEL_JAR_DIR="$ROOT/target/notebook-kernel"
QUICK_DIR="$ROOT/target/quick-notebooks"
FAILED_DIR="$ROOT/target/failed-notebooks"
LOG_DIR="$ROOT/target/notebook-logs"
SITE_DIR="$ROOT/site"
TOOL="$ROOT/tools/nbtool.py"

say() { printf '== %s\n' "$*"; }
die() { printf 'error: %s\n' "$1" >&2; exit "${2:-1}"; }

SETUP_ONLY=0
SITE_ONLY=0
NOTEBOOK_UI=0
SELECT=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --setup-only) SETUP_ONLY=1 ;;
    --site-only) SITE_ONLY=1 ;;
    --notebook) NOTEBOOK_UI=1 ;;
    -*) die "unknown option $arg (try --help)" 2 ;;
    *) SELECT+=("$arg") ;;
  esac
done

case "$RUN_MODE" in
  full) CELL_TIMEOUT="${CELL_TIMEOUT:-7200}"; OUT_DIR="$NB_DIR" ;;
  quick) CELL_TIMEOUT="${CELL_TIMEOUT:-600}"; OUT_DIR="$QUICK_DIR" ;;
  *) die "RUN_MODE must be full or quick, not '$RUN_MODE'" 2 ;;
esac
case "$BACKEND" in
  cpu|cuda) ;;
  *) die "BACKEND must be cpu or cuda, not '$BACKEND'" 2 ;;
esac

# ---------------------------------------------------------------- which notebooks
NOTEBOOKS=()
if [ -d "$NB_DIR" ]; then
  while IFS= read -r -d '' f; do NOTEBOOKS+=("$f"); done \
    < <(find "$NB_DIR" -maxdepth 1 -name '*.ipynb' ! -name '.*' -print0 | LC_ALL=C sort -z)
fi
if [ "${#SELECT[@]}" -gt 0 ]; then
  chosen=()
  for s in "${SELECT[@]}"; do
    base="$(basename "$s")"
    hit=0
    for f in "${NOTEBOOKS[@]+"${NOTEBOOKS[@]}"}"; do
      case "$(basename "$f")" in "$base"|"$base".ipynb|"$base"*) chosen+=("$f"); hit=1 ;; esac
    done
    [ "$hit" = 1 ] || die "no notebook in notebooks/ matches '$s'" 2
  done
  NOTEBOOKS=("${chosen[@]}")
fi
[ $((SETUP_ONLY + SITE_ONLY + NOTEBOOK_UI)) -le 1 ] || die "--setup-only, --site-only and --notebook exclude each other" 2
if [ "$NOTEBOOK_UI" = 1 ] && [ "${#SELECT[@]}" -gt 0 ]; then
  die "--notebook opens the whole folder; leave out the notebook names" 2
fi
if [ "${#NOTEBOOKS[@]}" -eq 0 ] && [ "$SETUP_ONLY" = 0 ] && [ "$NOTEBOOK_UI" = 0 ]; then
  say "no notebooks in notebooks/ (expected files such as notebooks/01-deep-rnn.ipynb): nothing to run"
  exit 0
fi

T_SETUP=$SECONDS

# ---------------------------------------------------------------- 1. Jupyter (nbclient + nbconvert)
apt_install() {  # Debian packages, through sudo when not root; returns 1 where there is no apt
  [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing: $*. As root, run:
  apt-get update && apt-get install -y --no-install-recommends $*
then run this script again."
    sudo=(sudo)
  fi
  say "installing Debian packages: $*"
  local t0=$SECONDS log
  log="$(mktemp)"
  { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
  } > "$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "apt-get failed (output above)."; }
  rm -f "$log"
  say "apt install took $((SECONDS - t0)) s"
}
find_python() {
  local c
  for c in "${JUPYTER_PYTHON:-}" /usr/bin/python3 "$(command -v python3 2>/dev/null || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && "$c" "$TOOL" check >/dev/null 2>&1 && { echo "$c"; return 0; }
  done
  return 1
}
if ! PY="$(find_python)"; then
  apt_install "${APT_PACKAGES[@]}" || die "Jupyter's nbclient and nbconvert are missing and this is not a Debian/Ubuntu system. Install them, e.g.
  python3 -m pip install --user nbclient nbconvert jupyter_client
(or 'brew install jupyterlab' on macOS), then run this script again; set JUPYTER_PYTHON=/path/to/python3
if that Python is not the python3 on PATH." 2
  PY="$(find_python)" || die "the Debian packages are installed but /usr/bin/python3 still cannot import nbclient/nbconvert."
fi
if [ "$NOTEBOOK_UI" = 1 ] && ! "$PY" -c 'import notebook.notebookapp' >/dev/null 2>&1; then
  apt_install jupyter-notebook || die "the classic Jupyter Notebook (version 6) is missing and this is not a Debian/Ubuntu system. Install it, e.g.
  python3 -m pip install --user 'notebook<7'
(macOS: brew install python, then that line), then run this script again." 2
  "$PY" -c 'import notebook.notebookapp' >/dev/null 2>&1 || die "jupyter-notebook is installed but $PY cannot import it; set JUPYTER_PYTHON."
fi
say "jupyter python: $PY"

# ---------------------------------------------------------------- the site only
build_site() {  # site/ from the notebooks in notebooks/ (the committed full-run outputs)
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm || die "the site bundles KaTeX from npm, and npm is missing. Install Node.js and npm
(e.g. brew install node), then run this script again." 2
  fi
  bash "$ROOT/tools/npm-ci.sh" "$ROOT/tools/site" "$ROOT/target/site-npm" || die "installing KaTeX from npm failed"
  local all=()
  while IFS= read -r -d '' f; do all+=("$f"); done \
    < <(find "$NB_DIR" -maxdepth 1 -name '*.ipynb' ! -name '.*' -print0 | LC_ALL=C sort -z)
  # the book as a PDF is printed with a Chromium where there is one (tools/browser-tests.sh installs it)
  local chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
  local pdf=() out
  [ -n "$chromium" ] && pdf=(--chromium "$chromium")
  out="$("$PY" "$TOOL" site --out "$SITE_DIR" --katex "$ROOT/target/site-npm/node_modules/katex/dist" "${pdf[@]}" "${all[@]}")" \
    || die "building the HTML site failed"
  say "site: ${SITE_DIR#"$ROOT"/}/index.html (${#all[@]} chapters, from notebooks/)"
  if [ -n "$chromium" ]; then
    say "site: $(grep '^PDF: ' <<< "$out" | sed 's/^PDF: //') (printed with $chromium); $(grep '^KaTeX fonts: ' <<< "$out")"
  else
    say "site: no PDF of the book (no Chromium found: install chromium, or set CHROMIUM=/path/to/it; the pages link none, and all KaTeX fonts stay)"
  fi
}
if [ "$SITE_ONLY" = 1 ]; then
  build_site
  exit 0
fi

# ---------------------------------------------------------------- 2. JDK and Maven
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  JAVA="$(command -v java)"
else
  die "no 'java' found. Install a JDK 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jdk) and put it on PATH or set JAVA_HOME."
fi
JAVA_SPEC="$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
JAVA_MAJOR="${JAVA_SPEC%%.*}"
if ! [[ "$JAVA_MAJOR" =~ ^[0-9]+$ ]] || [ "$JAVA_MAJOR" -lt 17 ] || [ "$JAVA_SPEC" = "1" ]; then
  die "$JAVA is Java '${JAVA_SPEC:-unknown}'; the notebooks need a JDK 17 or newer (set JAVA_HOME to one)."
fi
if ! "$JAVA" --list-modules 2>/dev/null | grep -q '^jdk\.jshell@'; then
  die "$JAVA has no jdk.jshell module (a JRE?); the Java kernel needs a full JDK 17 or newer."
fi
command -v mvn >/dev/null 2>&1 || die "no 'mvn' found. Install Maven 3.8 or newer (Debian/Ubuntu: apt-get install maven)."
say "java: $JAVA (Java $JAVA_SPEC); maven: $(command -v mvn)"

# ---------------------------------------------------------------- an installed kernel (JUPYTER_KERNEL)
# checked before the Maven step, so that a wrong name fails at once
if [ -n "$JUPYTER_KERNEL" ]; then
  KINFO="$("$PY" "$TOOL" kernel-check "$JUPYTER_KERNEL")" || exit 2
  IFS=$'\t' read -r JK_KIND JK_DISPLAY JK_DIR JK_HAS_OPTS <<< "$KINFO"
  case "$JK_KIND" in
    jjava) ;;
    ijava)
      [ -z "${KERNEL_JVM_OPTS_SET:-}" ] || die "KERNEL_JVM_OPTS cannot reach IJava: its JVM options are the argv entries before -jar in
  $JK_DIR/kernel.json
Put them there (for example \"-Xmx6g\", \"-Djava.awt.headless=true\") and run without KERNEL_JVM_OPTS." 2 ;;
    *)
      [ -z "${KERNEL_JVM_OPTS_SET:-}" ] || die "KERNEL_JVM_OPTS: '$JUPYTER_KERNEL' is neither IJava nor JJava, so the runner does not know
where its JVM options go; set them in $JK_DIR/kernel.json and run without KERNEL_JVM_OPTS." 2 ;;
  esac
fi

# ---------------------------------------------------------------- 3. project classes and classpath
PROFILE="-P$BACKEND"
say "building classes and the $BACKEND classpath (mvn $PROFILE compile dependency:copy-dependencies)"
t0=$SECONDS
mkdir -p "$LIB_DIR"
MVN_LOG="$ROOT/target/notebook-maven.log"
mvn_quiet() {  # Maven's output goes to a log, shown only when Maven fails
  mvn -q -B -ntp "$@" > "$MVN_LOG" 2>&1 || { cat "$MVN_LOG" >&2; return 1; }
}
mvn_quiet "$PROFILE" -DskipTests compile \
  dependency:copy-dependencies dependency:build-classpath \
  -DincludeScope=runtime -DoutputDirectory="$LIB_DIR" -Dmdep.outputFile="$LIB_DIR.classpath" \
  || die "the Maven build failed (output above)."
# drop jars left from an earlier dependency set, so that two versions never share the classpath
tr ':' '\n' < "$LIB_DIR.classpath" | sed 's#.*/##' | LC_ALL=C sort > "$LIB_DIR.expected"
for jar in "$LIB_DIR"/*.jar; do
  [ -e "$jar" ] || continue
  grep -qxF "$(basename "$jar")" "$LIB_DIR.expected" || rm -f "$jar"
done
say "classpath: target/classes + $(find "$LIB_DIR" -name '*.jar' | wc -l) jars in ${LIB_DIR#"$ROOT"/} ($((SECONDS - t0)) s)"

CP_RJK="$ROOT/target/classes;$LIB_DIR/*.jar"
CP_IJAVA="$ROOT/target/classes:$LIB_DIR/*.jar"

# ---------------------------------------------------------------- 4. the kernel
if [ -z "$JUPYTER_KERNEL" ]; then
  KERNEL_JAR="$KERNEL_JAR_DIR/rapaio-jupyter-kernel-$RJK_VERSION.jar"
  if [ ! -s "$KERNEL_JAR" ]; then
    say "fetching rapaio-jupyter-kernel $RJK_VERSION"
    mvn_quiet dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION" \
      -DoutputDirectory="$KERNEL_JAR_DIR" || die "could not fetch io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION"
  fi
  # rapaio 3.0.1 can start with a socket that is never read; tools/kernel-patch fixes the class
  PATCH_DIR="$KERNEL_JAR_DIR/patch"
  rm -rf "$PATCH_DIR"
  javac_out="$("${JAVA%/java}/javac" --release 17 -nowarn -d "$PATCH_DIR" \
      $(find "$ROOT/tools/kernel-patch" -name '*.java') 2>&1)" || die "compiling tools/kernel-patch failed: $javac_out"
  DATA_DIR="$("$PY" "$TOOL" data-dir)"
  KERNEL_DIR="$("$PY" "$TOOL" install-kernel --data-dir "$DATA_DIR" --name "$KERNEL_NAME" \
      --display-name "$KERNEL_DISPLAY_NAME" --java "$JAVA" --jvm-opts "$KERNEL_JVM_OPTS" \
      --jar "$KERNEL_JAR" --classpath "$ROOT/target/classes" --classpath "$LIB_DIR/*.jar" \
      --backend "$BACKEND" --project "$ROOT" --launcher "$ROOT/tools/kernel-launcher.py" --python "$PY" --patch "$PATCH_DIR")" || exit $?
  KERNEL="$KERNEL_NAME"
  say "kernel '$KERNEL' (rapaio-jupyter-kernel $RJK_VERSION) installed in $KERNEL_DIR"
  KERNEL_ENV=()
else
  KERNEL="$JUPYTER_KERNEL"
  KERNEL_DISPLAY_NAME="$JK_DISPLAY"
  # what this run lays over the kernelspec's env (ND4J reads OMP_NUM_THREADS once: environment.md)
  KERNEL_ENV=("IJAVA_CLASSPATH=$CP_IJAVA" "JJAVA_CLASSPATH=$CP_IJAVA" "RJK_CLASSPATH=$CP_RJK"
              "OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}")
  # JJava's kernel JVM takes its options from JJAVA_JVM_OPTS; argv options reach only its launcher
  if [ "$JK_KIND" = jjava ] && { [ -n "$KERNEL_JVM_OPTS_SET" ] || [ "$JK_HAS_OPTS" = no ]; }; then
    KERNEL_ENV+=("JJAVA_JVM_OPTS=$KERNEL_JVM_OPTS")
  fi
  say "using the installed kernel '$KERNEL' ($JK_KIND, \"$JK_DISPLAY\"); for this run it gets: ${KERNEL_ENV[*]%%=*}"
fi
say "set-up took $((SECONDS - T_SETUP)) s"

if [ "$SETUP_ONLY" = 1 ]; then
  if [ -z "$JUPYTER_KERNEL" ]; then
    say "set-up only: open the notebooks with the kernel \"$KERNEL_DISPLAY_NAME\" ($KERNEL), e.g. bash tools/open-chapters.sh"
  else
    say "set-up only: the classpath is ready. To open the notebooks with \"$JK_DISPLAY\" outside this script, put"
    case "$JK_KIND" in
      ijava) echo "    \"IJAVA_CLASSPATH\": \"$CP_IJAVA\"," ;;
      jjava) echo "    \"JJAVA_CLASSPATH\": \"$CP_IJAVA\","
             echo "    \"JJAVA_JVM_OPTS\": \"$KERNEL_JVM_OPTS\"," ;;
      *)     echo "    \"IJAVA_CLASSPATH\": \"$CP_IJAVA\", \"JJAVA_CLASSPATH\": \"$CP_IJAVA\"," ;;
    esac
    echo "    \"OMP_NUM_THREADS\": \"1\""
    echo "  into the \"env\" object of $JK_DIR/kernel.json (or run bash tools/open-chapters.sh with JUPYTER_KERNEL=$KERNEL)."
    [ "$JK_KIND" = ijava ] && echo "  IJava's JVM options (-Xmx6g -Djava.awt.headless=true) go into that file's argv, before -jar."
  fi
  exit 0
fi

# the kernel runs in notebooks/; data/ stays at the project root unless D2L_DATA_DIR says otherwise
export D2L_DATA_DIR="${D2L_DATA_DIR:-$ROOT/data}"

# ---------------------------------------------------------------- the Notebook UI (--notebook)
if [ "$NOTEBOOK_UI" = 1 ]; then
  # shellcheck source=tools/notebook-server.sh
  . "$ROOT/tools/notebook-server.sh"
  serve_notebooks  # returns when the server has stopped
  exit $?
fi

# ---------------------------------------------------------------- 5. execute
KERNEL_ARGS=(--env "DEEPRNN_MODE=$RUN_MODE")
for kv in "${KERNEL_ENV[@]+"${KERNEL_ENV[@]}"}"; do KERNEL_ARGS+=(--env "$kv"); done
SCRUB=(--scrub "$ROOT=<project>")
[ -n "${HOME:-}" ] && [ "$HOME" != "/" ] && SCRUB+=(--scrub "$HOME=~")
TIMINGS="$ROOT/target/notebook-timings-$RUN_MODE.json"

mkdir -p "$OUT_DIR" "$LOG_DIR"
say "running ${#NOTEBOOKS[@]} notebook(s) in $RUN_MODE mode on kernel '$KERNEL' (cell limit ${CELL_TIMEOUT}s, kernel start-up limit ${STARTUP_TIMEOUT}s)"
FAILED=()
SUMMARY=()
for nb in "${NOTEBOOKS[@]}"; do
  name="$(basename "$nb")"
  if [ "$RUN_MODE" = full ]; then failed_out="$FAILED_DIR/$name"; else failed_out="$OUT_DIR/$name"; fi
  say "$name"
  t0=$SECONDS
  if "$PY" "$TOOL" execute "$nb" --kernel "$KERNEL" --mode "$RUN_MODE" --cwd "$NB_DIR" \
      --out "$OUT_DIR/$name" --failed-out "$failed_out" \
      --startup-timeout "$STARTUP_TIMEOUT" --cell-timeout "$CELL_TIMEOUT" \
      --kernel-log "$LOG_DIR/${name%.ipynb}.log" \
      "${KERNEL_ARGS[@]}" "${SCRUB[@]}" --timings "$TIMINGS"; then
    SUMMARY+=("$(printf '  ok      %6d s  %s' "$((SECONDS - t0))" "$name")")
  else
    FAILED+=("$name")
    SUMMARY+=("$(printf '  FAILED  %6d s  %s' "$((SECONDS - t0))" "$name")")
  fi
done

# ---------------------------------------------------------------- 6. the site
# from notebooks/ after a full run (failed notebooks keep their last good outputs there); never
# from quick outputs, whose numbers the prose does not quote
if [ "$RUN_MODE" = full ]; then
  build_site
  SITE_NOTE="${SITE_DIR#"$ROOT"/}/index.html"
else
  SITE_NOTE="not rebuilt from quick outputs (bash tools/run-chapters.sh --site-only builds it from notebooks/)"
fi

echo
say "summary ($RUN_MODE mode, backend $BACKEND)"
printf '%s\n' "${SUMMARY[@]}"
echo "  executed notebooks: ${OUT_DIR#"$ROOT"/}/"
echo "  HTML site:          $SITE_NOTE"
if [ "${#FAILED[@]}" -gt 0 ]; then
  if [ "$RUN_MODE" = full ]; then
    where="${FAILED_DIR#"$ROOT"/}/ (notebooks/ keeps their last good outputs)"
  else
    where="${OUT_DIR#"$ROOT"/}/"
  fi
  echo "  failed:             ${FAILED[*]}; as far as they ran: $where"
fi
echo "notebooks: $(( ${#NOTEBOOKS[@]} - ${#FAILED[@]} )) passed, ${#FAILED[@]} failed"
[ "${#FAILED[@]}" -eq 0 ]
