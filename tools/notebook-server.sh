# The Notebook UI of tools/run-chapters.sh --notebook (tools/open-chapters.sh); sourced by
# run-chapters.sh after its set-up, which defines PY, KERNEL, KERNEL_ENV, RUN_MODE, NB_DIR, ROOT,
# say and die. Not meant to be run by itself.

serve_notebooks() {
  local dir="${NOTEBOOK_DIR:-$NB_DIR}" port token log url pid kv status=0
  dir="$(cd "$dir" && pwd -P)"  # NOTEBOOK_DIR and NOTEBOOK_PORT were checked before the set-up
  if [ -n "${NOTEBOOK_PORT:-}" ]; then
    port="$((10#$NOTEBOOK_PORT))"
  else
    port="$("$PY" -c '
import socket
for p in range(8888, 8988):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            continue
        print(p)
        break
')"
    [ -n "$port" ] || die "no free port between 8888 and 8987; set NOTEBOOK_PORT"
  fi
  token="$("$PY" -c 'import secrets; print(secrets.token_hex(24))')"
  log="$ROOT/target/notebook-server.log"
  mkdir -p "$ROOT/target"

  # the kernels inherit the server's environment, under their kernelspec's env
  export DEEPRNN_MODE="$RUN_MODE"
  for kv in "${KERNEL_ENV[@]+"${KERNEL_ENV[@]}"}"; do export "${kv?}"; done

  # its own session: Ctrl-C reaches this script only, which then stops the server, and the
  # server shuts its kernels down
  local as_root=()  # containers and CI machines run as root, which the server refuses by default
  [ "$(id -u)" -ne 0 ] || as_root=(--allow-root)
  setsid "$PY" -m notebook "${as_root[@]+"${as_root[@]}"}" --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0 \
    --notebook-dir="$dir" --NotebookApp.token="$token" \
    --MappingKernelManager.default_kernel_name="$KERNEL" > "$log" 2>&1 < /dev/null &
  pid=$!
  stop_server() {
    trap - INT TERM
    echo
    say "stopping the Notebook server and its kernels"
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$ROOT/target/notebook-server.url"
  }
  trap 'stop_server; exit 130' INT
  trap 'stop_server; exit 143' TERM

  local i
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; die "the Notebook server ended at start-up (its log: ${log#"$ROOT"/})"; }
    "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
      "http://127.0.0.1:$port/api?token=$token" 2>/dev/null && break
    sleep 0.2
  done
  url="http://127.0.0.1:$port/tree?token=$token"
  echo "$url" > "$ROOT/target/notebook-server.url"
  say "the Notebook server runs on ${dir#"$ROOT"/} with the kernel '$KERNEL' ($RUN_MODE mode); open"
  echo "    $url"
  say "Ctrl-C stops it and its kernels (its log: ${log#"$ROOT"/})"
  wait "$pid" || status=$?
  trap - INT TERM
  rm -f "$ROOT/target/notebook-server.url"
  return "$status"
}
