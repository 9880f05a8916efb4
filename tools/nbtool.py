"""Notebook helper for tools/run-chapters.sh.

Run it with a Python that has Jupyter's nbclient, nbconvert and jupyter_client (on Debian and
Ubuntu: /usr/bin/python3 after `apt-get install jupyter-nbconvert jupyter-client python3-nbclient`).

Sub-commands:
  check            exit 0 when this Python has everything the other sub-commands need
  data-dir         print the user's Jupyter data directory
  kernel-check     say whether a kernel exists and which Java kernel it is (IJava, JJava, rapaio)
  install-kernel   write (or replace) this project's rapaio-jupyter-kernel kernelspec
  execute          run one notebook headlessly, scrub it and save it
  site             the HTML site: chapter pages, contents, KaTeX (tools/site/build.py)
"""

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time

from nbscrub import scrub  # tools/nbscrub.py

MARKER = ".deep-rnn-tooling"
MARKER_TEXT = "Created by tools/run-chapters.sh of the deep-rnn-dl4j project; it replaces this kernel on each run.\n"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


# ---------------------------------------------------------------------------------------- check

def cmd_check(_args):
    try:
        import jupyter_client  # noqa: F401
        import jupyter_core  # noqa: F401
        import nbclient  # noqa: F401
        import nbconvert  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as e:
        print(f"missing: {e.name}", file=sys.stderr)
        return 1
    return 0


def cmd_data_dir(_args):
    from jupyter_core.paths import jupyter_data_dir
    print(jupyter_data_dir())
    return 0


def cmd_kernel_check(args):
    """Print kind, display name, folder and whether its env sets JJAVA_JVM_OPTS, tab-separated."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    ksm = KernelSpecManager()
    try:
        spec = ksm.get_kernel_spec(args.name)
    except NoSuchKernel:
        names = ", ".join(sorted(ksm.find_kernel_specs())) or "none"
        print(f"error: JUPYTER_KERNEL={args.name}: Jupyter has no kernel of that name (installed: {names}).\n"
              f"       'jupyter kernelspec list' shows them with their folders.", file=sys.stderr)
        return 2
    argv = " ".join(spec.argv).lower()
    kind = next((k for k in ("jjava", "ijava", "rapaio") if k in argv), "other")
    opts = "yes" if "JJAVA_JVM_OPTS" in (spec.env or {}) else "no"
    print("\t".join([kind, spec.display_name, spec.resource_dir, opts]))
    return 0


# ------------------------------------------------------------------------------- install-kernel

def cmd_install_kernel(args):
    kernel_dir = os.path.join(args.data_dir, "kernels", args.name)
    marker = os.path.join(kernel_dir, MARKER)
    if os.path.exists(kernel_dir) and not os.path.exists(marker):
        print(f"error: a kernel named '{args.name}' already exists at {kernel_dir} and was not made by "
              f"this script; it is left alone.\n"
              f"       Remove it, or pick another name with KERNEL_NAME=... (or run it as it is with "
              f"JUPYTER_KERNEL={args.name}).", file=sys.stderr)
        return 3
    os.makedirs(kernel_dir, exist_ok=True)
    with open(marker, "w", encoding="utf-8") as f:
        f.write(MARKER_TEXT)

    jar_name = os.path.basename(args.jar)
    target_jar = os.path.join(kernel_dir, jar_name)
    for old in os.listdir(kernel_dir):  # older kernel versions installed here before
        if old.endswith(".jar") and old != jar_name:
            os.remove(os.path.join(kernel_dir, old))
    if not (os.path.exists(target_jar) and _same_file_content(args.jar, target_jar)):
        shutil.copyfile(args.jar, target_jar)
    if args.patch:
        # classes that replace the kernel's own (tools/kernel-patch), ahead of its jar
        patch = os.path.join(kernel_dir, "patch")
        shutil.rmtree(patch, ignore_errors=True)
        shutil.copytree(args.patch, patch)
        jvm = [args.java, *args.jvm_opts.split(), "-cp", os.pathsep.join([patch, target_jar]),
               "org.rapaio.jupyter.kernel.MainApp"]
    else:
        jvm = [args.java, *args.jvm_opts.split(), "-jar", target_jar]
    if args.launcher:
        # the relay of tools/kernel-launcher.py: it restarts a JVM whose socket loop did not start
        launcher = os.path.join(kernel_dir, os.path.basename(args.launcher))
        shutil.copyfile(args.launcher, launcher)
        argv = [args.python or sys.executable, launcher, "{connection_file}", "--", *jvm]
    else:
        argv = [*jvm, "{connection_file}"]

    spec = {
        "argv": argv,
        "display_name": args.display_name,
        "language": "java",
        "interrupt_mode": "message",
        "env": {
            "RJK_CLASSPATH": ";".join(args.classpath),
            "RJK_COMPILER_OPTIONS": "",
            "RJK_INIT_SCRIPT": "",
            "RJK_TIMEOUT_MILLIS": "-1",
            "RJK_MIMA_CACHE": os.path.join(kernel_dir, "mima_cache"),
            # ND4J reads this once when it loads; one thread is fastest on small machines (environment.md, "Threads").
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        },
        "metadata": {"deep_rnn": {"backend": args.backend, "project": args.project}},
    }
    with open(os.path.join(kernel_dir, "kernel.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    print(kernel_dir)
    return 0


def _same_file_content(a, b):
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(1 << 20), fb.read(1 << 20)
            if ca != cb:
                return False
            if not ca:
                return True


# -------------------------------------------------------------------------------------- execute

def cmd_execute(args):
    import atexit
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(args.notebook, as_version=4)
    name = os.path.basename(args.notebook)

    def new_kernel_manager():
        # The run mode (and, for kernels this script did not install, the classpath) is laid over
        # the kernelspec's env for this run only: the kernelspec on disk stays as it was.
        manager = KernelManager(kernel_name=args.kernel)
        env = dict(manager.kernel_spec.env or {})
        for item in args.env:
            key, _, value = item.partition("=")
            env[key] = value
        manager.kernel_spec.env = env
        return manager

    from jupyter_client.kernelspec import NoSuchKernel
    try:
        spec = KernelManager(kernel_name=args.kernel).kernel_spec
    except NoSuchKernel:
        print(f"error: no Jupyter kernel named '{args.kernel}'", file=sys.stderr)
        return 2

    timing = {"start": time.monotonic(), "kernel_ready": None, "cell_start": None, "failed_cell": None}

    def on_cell_execute(**_kw):
        timing["cell_start"] = time.monotonic()

    def on_cell_complete(cell, cell_index, **_kw):
        if cell.cell_type == "code" and timing["cell_start"] is not None:
            took = time.monotonic() - timing["cell_start"]
            timing["cell_start"] = None
            if took >= args.report_cells_over:
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                print(f"    cell {cell_index + 1:>3}: {took:7.1f} s  {first[:70]}", flush=True)

    def on_cell_error(cell_index, **_kw):
        timing["failed_cell"] = cell_index

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.cell_timeout if args.cell_timeout > 0 else None,
        startup_timeout=args.startup_timeout,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": args.cwd}},
        on_cell_execute=on_cell_execute,
        on_cell_complete=on_cell_complete,
        on_cell_error=on_cell_error,
    )

    log = None
    if args.kernel_log:
        os.makedirs(os.path.dirname(os.path.abspath(args.kernel_log)), exist_ok=True)
        log = open(args.kernel_log, "w", encoding="utf-8")
    error = None
    try:
        client.km, client.kc = start_kernel(new_kernel_manager, args, log)
        timing["kernel_ready"] = time.monotonic()
        print(f"    kernel ready after {timing['kernel_ready'] - timing['start']:.1f} s", flush=True)
        client.execute()
    except CellExecutionError as e:
        error = ("error", e)
    except CellTimeoutError as e:
        error = ("timeout", e)
    except DeadKernelError as e:
        error = ("dead kernel", e)
    except Exception as e:  # kernel start-up time-out, missing java, ...
        error = ("kernel", e)
    finally:
        try:
            atexit.unregister(client._cleanup_kernel)  # we stop the kernel ourselves, below
        except Exception:
            pass
        _stop_kernel(client.km, client.kc)
        if log:
            log.close()
    elapsed = time.monotonic() - timing["start"]

    if error is None:
        stray = _error_cells(nb)
        if stray:
            error = ("error output", None)
            timing["failed_cell"] = stray[0]

    scrub(nb, args.scrub)
    if not nb.metadata.get("kernelspec"):
        nb.metadata["kernelspec"] = {"name": args.kernel, "display_name": spec.display_name,
                                     "language": spec.language or "java"}

    out = args.out if error is None else (args.failed_out or args.out)
    _write_notebook(nb, out)

    kernel_start = (timing["kernel_ready"] - timing["start"]) if timing["kernel_ready"] else None
    record = {"seconds": round(elapsed, 1),
              "kernel_start_seconds": round(kernel_start, 1) if kernel_start is not None else None,
              "mode": args.mode, "ok": error is None, "finished": time.strftime("%Y-%m-%d %H:%M"),
              "title": notebook_title(nb, name)}
    if args.timings:
        _merge_timings(args.timings, name, record)

    if error is not None:
        _report_failure(nb, name, error, timing["failed_cell"], out, args.kernel_log)
        return 1
    return 0


def start_kernel(new_kernel_manager, args, log, attempts=5, answer_timeout=60):
    """Start a kernel; return its manager and a client that has had its kernel_info reply.

    rapaio-jupyter-kernel 3.0.1 (and 2.3.0) starts each socket's loop thread before it marks the
    loop as running, so now and then a loop thread finds the flag still false and ends at once,
    silently: the process runs and its ports accept connections, but the shell (or control) socket
    is never read. Here that happened in 16 starts in 50. The project's kernelspec fixes it
    (tools/kernel-patch, tools/kernel-launcher.py, which restarts a silent JVM itself); for any
    other kernel, and as a last resort: wait, up to the start-up limit, until every port of the
    kernel accepts connections (a healthy kernel answers a second or two later, a JVM starting on
    a busy machine much later); a kernel still silent ANSWER_TIMEOUT seconds after that is stopped
    and started afresh, up to ATTEMPTS times."""
    deadline = time.monotonic() + args.startup_timeout
    launch = {"cwd": args.cwd}
    if log:
        launch.update(stdout=log, stderr=log)
    for attempt in range(1, attempts + 1):
        km = new_kernel_manager()
        km.start_kernel(**launch)
        ports = [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port]
        while not all(_port_open(km.ip, p) for p in ports):
            if not km.is_alive():
                _stop_kernel(km, None)
                raise RuntimeError("the kernel process ended during start-up (see its log)")
            if time.monotonic() > deadline:
                _stop_kernel(km, None)
                raise RuntimeError(f"the kernel did not open its ports within {args.startup_timeout} s")
            time.sleep(0.2)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=answer_timeout)
            kc.allow_stdin = False
            return km, kc
        except RuntimeError as e:
            alive = km.is_alive()
            _stop_kernel(km, kc, now=True)
            if not alive:
                raise RuntimeError("the kernel process ended during start-up (see its log)") from e
        except BaseException:  # Ctrl-C: leave no kernel behind
            _stop_kernel(km, kc, now=True)
            raise
        if attempt == attempts or time.monotonic() > deadline:
            break
        print(f"    the kernel did not answer; starting it again ({attempt + 1}/{attempts})", flush=True)
        if log:
            log.write(f"\n---- the kernel did not answer; start {attempt + 1} ----\n")
            log.flush()
    raise RuntimeError(f"the kernel did not answer in {attempt} starts")


def _port_open(host, port):
    import socket
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _stop_kernel(km, kc, now=False):
    if km is None:
        return
    try:
        if kc is not None:
            kc.stop_channels()
    except Exception:
        pass
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=now)
    except Exception:
        try:
            km.shutdown_kernel(now=True)
        except Exception:
            pass


def _error_cells(nb):
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            found.append(i)
    return found


def _report_failure(nb, name, error, failed_index, saved_to, kernel_log):
    kind, exc = error
    bar = "-" * 78
    print(f"\nFAILED: {name} ({kind})", file=sys.stderr)
    if failed_index is None:
        errs = _error_cells(nb)
        failed_index = errs[0] if errs else None
    if failed_index is not None:
        cell = nb.cells[failed_index]
        print(f"{bar}\ncell {failed_index + 1} of {len(nb.cells)}, source:\n{bar}", file=sys.stderr)
        print(cell.source, file=sys.stderr)
        print(f"{bar}\nerror:\n{bar}", file=sys.stderr)
        shown = False
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                print(f"{o.get('ename', '')}: {o.get('evalue', '')}", file=sys.stderr)
                print(ANSI.sub("", "\n".join(o.get("traceback", []))), file=sys.stderr)
                shown = True
            elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                print(ANSI.sub("", o.get("text", "")).rstrip(), file=sys.stderr)
        if not shown and exc is not None:
            print(ANSI.sub("", str(exc)).strip()[-4000:], file=sys.stderr)
    elif exc is not None:
        print(ANSI.sub("", f"{type(exc).__name__}: {exc}").strip()[-4000:], file=sys.stderr)
    if kind in ("kernel", "dead kernel") and kernel_log and os.path.exists(kernel_log):
        with open(kernel_log, encoding="utf-8", errors="replace") as f:
            tail = f.read().splitlines()[-40:]
        print(f"{bar}\nlast lines of the kernel's log ({kernel_log}):\n{bar}", file=sys.stderr)
        print(ANSI.sub("", "\n".join(tail)), file=sys.stderr)
    print(f"{bar}\nthe notebook as far as it ran: {saved_to}", file=sys.stderr)
    if kernel_log:
        print(f"the kernel's log: {kernel_log}", file=sys.stderr)
    print(file=sys.stderr)


def _write_notebook(nb, path):
    import nbformat
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".ipynb", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _merge_timings(path, name, record):
    data = {}
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = {}
    data[name] = record
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)


# ----------------------------------------------------------------------------------------- site

def notebook_title(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m and m.group(1):
                return m.group(1)
    return fallback


def cmd_site(args):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "site"))
    import build  # tools/site/build.py
    n = build.build(args.notebooks, args.out, args.katex, args.title, notebook_title, chromium=args.chromium)
    print(f"{n} chapter pages and a contents page in {args.out}")
    return 0


# ----------------------------------------------------------------------------------------- main

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    sub.add_parser("check")
    sub.add_parser("data-dir")
    kc = sub.add_parser("kernel-check")
    kc.add_argument("name")

    k = sub.add_parser("install-kernel")
    k.add_argument("--data-dir", required=True)
    k.add_argument("--name", required=True)
    k.add_argument("--display-name", required=True)
    k.add_argument("--java", required=True)
    k.add_argument("--jvm-opts", default="")
    k.add_argument("--jar", required=True)
    k.add_argument("--classpath", action="append", default=[])
    k.add_argument("--backend", default="cpu")
    k.add_argument("--project", default="")
    k.add_argument("--launcher", help="tools/kernel-launcher.py, to start the JVM through it")
    k.add_argument("--python", help="the Python that runs the launcher (default: this one)")
    k.add_argument("--patch", help="compiled classes to put before the kernel's jar")

    e = sub.add_parser("execute")
    e.add_argument("notebook")
    e.add_argument("--kernel", required=True)
    e.add_argument("--out", required=True)
    e.add_argument("--failed-out")
    e.add_argument("--cwd", required=True)
    e.add_argument("--mode", default="full")
    e.add_argument("--env", action="append", default=[], help="KEY=VALUE for the kernel's env")
    e.add_argument("--startup-timeout", type=int, default=300)
    e.add_argument("--cell-timeout", type=int, default=600, help="seconds; 0 or less: none")
    e.add_argument("--scrub", action="append", default=[], help="FROM=TO replaced in outputs")
    e.add_argument("--timings")
    e.add_argument("--kernel-log", help="file for the kernel's own stdout and stderr")
    e.add_argument("--report-cells-over", type=float, default=5.0)

    s = sub.add_parser("site")
    s.add_argument("notebooks", nargs="*")
    s.add_argument("--out", required=True)
    s.add_argument("--katex", required=True, help="KaTeX's dist folder (node_modules/katex/dist)")
    s.add_argument("--title", default="Deep Recurrent Neural Networks in Java")
    s.add_argument("--chromium", help="a Chromium to print the book to PDF with (none: no PDF)")

    args = p.parse_args(argv)
    handler = {"check": cmd_check, "data-dir": cmd_data_dir, "kernel-check": cmd_kernel_check, "install-kernel": cmd_install_kernel,
               "execute": cmd_execute, "site": cmd_site}[args.cmd]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
