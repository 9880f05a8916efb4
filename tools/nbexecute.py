"""Runs one notebook headlessly for tools/run-chapters.sh (`nbtool.py execute`) and saves it.

The run goes cell by cell through nbclient's public API (async_start_new_kernel,
async_start_new_kernel_client, async_execute_cell), so that this module knows which cell was
running when the run stopped. Whatever stops it (a cell's error, the cell limit, the kernel
dying, SIGINT or SIGTERM), the saved copy has the outputs of the cells that ran, an error output
in the cell where it stopped, and no outputs below it: every code cell's outputs are cleared
before the run, so nothing of an earlier run can pass for this one.
"""

import asyncio
import os
import signal
import sys
import tempfile
import time

from nbscrub import scrub, stable_kernelspec  # tools/nbscrub.py

# exit status of an interrupted run: the shell's convention, 128 + the signal's number
SIGNAL_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}
SIGNAL_TEXT = {signal.SIGINT: "SIGINT (Ctrl-C)", signal.SIGTERM: "SIGTERM"}
BAR = "-" * 78


class Stop:
    """Why a run ended before its last cell: a kind for the failure line, the error output it
    leaves in the cell that was running, and that cell's index (None: no cell ran)."""

    def __init__(self, kind, ename, evalue, cell_index):
        self.kind, self.ename, self.evalue, self.cell_index = kind, ename, evalue, cell_index


def clear_outputs(nb):
    """Empty every code cell's outputs and execution count, so that a run that stops early leaves
    nothing from an earlier run below the cell where it stopped."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def mark_stopped(nb, stop):
    """Put the stop's error output into the cell that was running (into the first code cell when
    none ran yet), unless the kernel already sent one there."""
    import nbformat
    index = stop.cell_index
    if index is None:
        index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)
        stop.cell_index = index
    if index is None:
        return
    cell = nb.cells[index]
    if not any(o.get("output_type") == "error" for o in cell.outputs):
        cell.outputs.append(nbformat.v4.new_output(
            "error", ename=stop.ename, evalue=stop.evalue, traceback=[f"{stop.ename}: {stop.evalue}"]))


def error_cells(nb):
    """Indices of code cells with an error output, except those tagged raises-exception."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "raises-exception" not in c.metadata.get("tags", [])
            and any(o.get("output_type") == "error" for o in c.get("outputs", []))]


def describe(exc):
    """An exception as one line that is never empty."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else f"{type(exc).__name__} (no message)"


def execute(args):
    """`nbtool.py execute`: returns 0, 1 (the notebook failed), 2 (bad arguments) or 130/143."""
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    name = os.path.basename(args.notebook)
    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except (OSError, ValueError) as e:
        print(f"error: cannot read {args.notebook} as a notebook: {describe(e)}", file=sys.stderr)
        return 2
    km = AsyncKernelManager(kernel_name=args.kernel)
    try:
        # the run mode (and for other kernels the classpath) is laid over the kernelspec's env for
        # this run only; the kernelspec on disk stays as it is
        km.kernel_spec.env = {**(km.kernel_spec.env or {}), **dict(kv.partition("=")[::2] for kv in args.env)}
    except NoSuchKernel:
        print(f"error: no Jupyter kernel named '{args.kernel}' (jupyter kernelspec list shows them)", file=sys.stderr)
        return 2
    clear_outputs(nb)
    client = NotebookClient(nb, km=km, timeout=args.cell_timeout if args.cell_timeout > 0 else None,
                            startup_timeout=args.startup_timeout, allow_errors=False, record_timing=False,
                            resources={"metadata": {"path": args.cwd}})
    started = time.monotonic()
    log = None
    if args.kernel_log:
        os.makedirs(os.path.dirname(os.path.abspath(args.kernel_log)), exist_ok=True)
        log = open(args.kernel_log, "w", encoding="utf-8")
    try:
        stop, kernel_seconds, signum = asyncio.run(_run(client, km, nb, args, log))
    finally:
        if log:
            log.close()
    elapsed = time.monotonic() - started

    if stop is None and error_cells(nb):
        first = error_cells(nb)[0]
        err = next(o for o in nb.cells[first].outputs if o.get("output_type") == "error")
        stop = Stop("cell error", err.get("ename") or "Error", err.get("evalue") or "(no message)", first)
    if stop is not None:
        mark_stopped(nb, stop)
    scrub(nb, args.scrub)
    stable_kernelspec(nb)
    out = args.out if stop is None else (args.failed_out or args.out)
    write_notebook(nb, out)
    if args.timings:
        from nbtool import merge_timings, notebook_title
        merge_timings(args.timings, name, {
            "seconds": round(elapsed, 1),
            "kernel_start_seconds": round(kernel_seconds, 1) if kernel_seconds is not None else None,
            "mode": args.mode, "ok": stop is None, "finished": time.strftime("%Y-%m-%d %H:%M"),
            "title": notebook_title(nb, name)})
    if stop is None:
        return 0
    report_failure(nb, name, stop, elapsed, out, args.kernel_log)
    return SIGNAL_STATUS.get(signum, 1)


async def _run(client, km, nb, args, log):
    """Start the kernel, run the code cells in order, stop the kernel. Returns the Stop (None when
    every cell ran), the seconds the kernel took to answer (None: it did not) and the signal that
    stopped the run (None: none did)."""
    from jupyter_core.utils import ensure_async
    from nbclient.exceptions import DeadKernelError
    main = asyncio.current_task()
    loop = asyncio.get_running_loop()
    got, finishing = [], []

    def on_signal(signum):
        # the first signal stops the run; a second (Ctrl-C's, forwarded by the shell) changes
        # nothing, and neither does one that comes while the kernel is being stopped anyway
        if not got and not finishing:
            got.append(signum)
            main.cancel()

    for s in SIGNAL_STATUS:
        loop.add_signal_handler(s, on_signal, s)
    running, kernel_seconds, stop = None, None, None
    try:
        launched = time.monotonic()
        launch = {"cwd": args.cwd}
        if log:
            launch.update(stdout=log, stderr=log)
        await client.async_start_new_kernel(**launch)
        await client.async_start_new_kernel_client()
        kernel_seconds = time.monotonic() - launched
        print(f"    kernel ready after {kernel_seconds:.1f} s", flush=True)
        info = await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
        if info and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for count, index in enumerate(code, start=1):
            running = index
            t0 = time.monotonic()
            await client.async_execute_cell(nb.cells[index], index, execution_count=count)
            took = time.monotonic() - t0
            if took >= args.report_cells_over:
                first = next((ln for ln in nb.cells[index].source.splitlines() if ln.strip()), "")
                print(f"    cell {index + 1:>3}: {took:7.1f} s  {first[:70]}", flush=True)
        running = None
    except (asyncio.CancelledError, Exception) as e:
        status = await _exit_status(km) if isinstance(e, DeadKernelError) else None
        stop = _stop_for(e, got[0] if got else None, running, status, args)
    finally:
        finishing.append(True)
        await _shutdown(client, km, now=stop is not None)
        for s in SIGNAL_STATUS:
            loop.remove_signal_handler(s)
    return stop, kernel_seconds, (got[0] if got else None)


def _stop_for(e, signum, running, exit_status, args):
    """The Stop for exception E raised while cell RUNNING ran (None: before the first one)."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    below = "; the cells below did not run"
    log = f"; its log: {args.kernel_log}" if args.kernel_log else ""
    if signum is not None:  # nbclient turns the cancellation into a DeadKernelError: the signal decides
        where = "while this cell ran" if running is not None else "before the first cell ran"
        return Stop("interrupted", "Interrupted", f"{SIGNAL_TEXT[signum]} stopped the run {where}{below}", running)
    if isinstance(e, CellExecutionError):
        return Stop("cell error", e.ename or type(e).__name__, e.evalue or "(no message)", running)
    if isinstance(e, CellTimeoutError):
        return Stop("timeout", "CellTimeout", f"this cell ran longer than the {args.cell_timeout} s limit "
                    f"(CELL_TIMEOUT); the kernel was stopped{below}", running)
    if isinstance(e, DeadKernelError):
        status = f" (exit status {exit_status})" if exit_status is not None else ""
        return Stop("kernel died", "KernelDied", f"the kernel process ended{status} while this cell ran{log}{below}",
                    running)
    if running is None:
        return Stop("kernel did not start", "KernelStart", f"{describe(e)}{log}", None)
    return Stop("error", type(e).__name__, f"{describe(e)}{below}", running)


async def _exit_status(km):
    try:
        return await km.provisioner.poll() if km.provisioner is not None else None
    except Exception:
        return None


async def _shutdown(client, km, now):
    """Stop the client's channels and the kernel (public API); quietly when it is gone already."""
    if client.kc is not None:
        try:
            client.kc.stop_channels()
        except Exception:
            pass
    try:
        if km.has_kernel:
            await km.shutdown_kernel(now=now)
    except Exception:
        try:
            await km.shutdown_kernel(now=True)
        except Exception:
            pass


def report_failure(nb, name, stop, elapsed, saved_to, kernel_log):
    """One line saying what happened, then the cell, its error and (for kernel trouble) the log."""
    where = f" in cell {stop.cell_index + 1} of {len(nb.cells)}" if stop.cell_index is not None else ""
    out = sys.stderr
    print(f"\nFAILED: {name} ({stop.kind}){where} after {elapsed:.0f} s: {stop.ename}: {stop.evalue}", file=out)
    if stop.cell_index is not None:
        cell = nb.cells[stop.cell_index]
        print(f"{BAR}\ncell {stop.cell_index + 1}, source:\n{BAR}\n{cell.source}", file=out)
        shown = [o for o in cell.outputs if o.get("output_type") == "error"
                 or (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        if shown:
            print(f"{BAR}\nits error:\n{BAR}", file=out)
        for o in shown:
            if o.get("output_type") == "error":
                print(_plain("\n".join(o.get("traceback", [])) or f"{o.get('ename')}: {o.get('evalue')}"), file=out)
            else:
                print(_plain(o.get("text", "")).rstrip(), file=out)
    if stop.kind in ("kernel died", "kernel did not start") and kernel_log and os.path.exists(kernel_log):
        with open(kernel_log, encoding="utf-8", errors="replace") as f:
            tail = f.read().splitlines()[-40:]
        print(f"{BAR}\nlast lines of the kernel's log ({kernel_log}):\n{BAR}\n" + _plain("\n".join(tail)), file=out)
    print(f"{BAR}\nthe notebook as far as it ran: {saved_to}", file=out)
    if kernel_log:
        print(f"the kernel's log: {kernel_log}", file=out)
    print(file=out)


def _plain(text):
    import re
    return re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]", "", text)


def write_notebook(nb, path):
    """Write through a temporary file in the same folder, so that a stopped write leaves the old file."""
    import nbformat
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".ipynb", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
