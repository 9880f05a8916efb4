#!/usr/bin/env bash
# Opens the chapters interactively: the set-up of tools/run-chapters.sh (JDK and Maven checks,
# Jupyter with the classic Notebook UI from Debian's packages where apt is available, the
# helpers' classes and jars, the kernel "Java (Deep RNN, DL4J)"), then a Notebook server on
# notebooks/ with that kernel; it prints the URL to open. Ctrl-C stops the server and its kernels.
#
#   bash tools/open-chapters.sh
#   RUN_MODE=quick bash tools/open-chapters.sh     # the notebooks read DEEPRNN_MODE=quick
#   BACKEND=cuda bash tools/open-chapters.sh        # CUDA backend on the kernel's classpath
#   JUPYTER_KERNEL=java bash tools/open-chapters.sh # an installed IJava or JJava instead
#
# Every knob of tools/run-chapters.sh applies (bash tools/run-chapters.sh --help), and
# NOTEBOOK_PORT (default: the first free port from 8888).
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "error: tools/open-chapters.sh takes no arguments (try --help)" >&2; exit 2 ;;
esac
exec bash "$(dirname "$0")/run-chapters.sh" --notebook
