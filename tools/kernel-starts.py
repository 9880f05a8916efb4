"""Start a Jupyter kernel N times and report how often, and how fast, it answers.

    python3 tools/kernel-starts.py [--kernel deep-rnn-java] [--starts 50] [--timeout 30]

Each start is what a front-end does: launch the kernel from its kernelspec, then ask it for
kernel_info on the shell channel (again every second, as jupyter_client does; only once with
--once, as the Notebook server does), once it answers there ask on the control channel (where interrupts go), again every second
until it answers, and ping its heartbeat. A start counts as answered when all three replied
within --timeout seconds of the launch; the time to answer is that of the last of the three.
Asking control again matters: rapaio-jupyter-kernel 3.0.1 keeps the id of the request it is
answering in one field that the shell and control threads share, so a control reply written
while the shell thread still answers earlier kernel_info requests can carry the wrong parent;
the next request is answered. A socket whose loop thread never started never answers at all.
One line per start, then the failures, the median and the maximum. Exit status 1 when any start
failed.

Run it with the Python that has jupyter_client (on Debian: /usr/bin/python3). The kernel is looked
up in this clone's target/jupyter (where tools/run-chapters.sh --setup-only installs the project's
kernel), then in the usual Jupyter paths (JUPYTER_PATH, JUPYTER_DATA_DIR).
"""

import argparse
import os
import queue
import signal
import statistics
import sys
import tempfile
import time


def one_start(kernel, timeout, cwd, log_path, once=False):
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel)
    t0 = time.monotonic()
    with open(log_path or os.devnull, "a") as out:
        km.start_kernel(cwd=cwd, stdout=out, stderr=out)
    kc = km.client()
    kc.start_channels()
    answered = {}
    hb = _hb_socket(km)
    try:
        control_ids = set()
        next_shell = next_control = 0.0
        while time.monotonic() - t0 < timeout and len(answered) < 3:
            now = time.monotonic()
            if "shell" not in answered and now >= next_shell:
                kc.kernel_info()
                next_shell = float("inf") if once else now + 1.0
            if "shell" in answered and "control" not in answered and now >= next_control:
                request = kc.session.msg("kernel_info_request")
                control_ids.add(request["header"]["msg_id"])
                kc.control_channel.send(request)
                next_control = now + 1.0
            for get in (kc.get_shell_msg, kc.get_control_msg):
                try:
                    msg = get(timeout=0.05)
                except queue.Empty:
                    continue
                # rapaio-jupyter-kernel sends its replies to control requests on the shell socket
                if msg["parent_header"].get("msg_id") in control_ids:
                    answered.setdefault("control", time.monotonic() - t0)
                elif msg["msg_type"] == "kernel_info_reply" and "shell" not in answered:
                    answered["shell"] = time.monotonic() - t0
            if "hb" not in answered and hb.poll(0):
                if hb.recv() == b"ping":
                    answered["hb"] = time.monotonic() - t0
                else:
                    hb.send(b"ping")
            if not km.is_alive():
                break
    finally:
        hb.close()
        kc.stop_channels()
        try:
            km.shutdown_kernel(now=True)
        except Exception:
            pass
    ok = len(answered) == 3
    return ok, (max(answered.values()) if ok else None), answered


def _hb_socket(km):
    """A heartbeat socket of our own, with one ping sent (jupyter_client's hb channel pings only
    after a first beat period)."""
    import zmq
    s = zmq.Context.instance().socket(zmq.REQ)
    s.linger = 0
    s.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
    s.send(b"ping")
    return s


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kernel", default="deep-rnn-java", help="kernelspec name (default deep-rnn-java)")
    p.add_argument("--starts", type=int, default=50, help="number of starts (default 50)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds a start may take to answer before it counts as failed (default 30: a "
                        "JVM on a busy machine can take 10; a socket that is never read never answers)")
    p.add_argument("--once", action="store_true",
                   help="ask on shell only once, as the Notebook server does: a kernel that drops a request "
                        "arriving before its handlers are registered then fails the start")
    p.add_argument("--quiet", action="store_true", help="only the summary line")
    p.add_argument("--kernel-log", help="append the kernels' own output to this file")
    args = p.parse_args(argv)
    if args.starts < 1 or args.timeout <= 0:
        p.error("--starts must be at least 1 and --timeout positive")

    # the project's kernel lives in the clone (tools/run-chapters.sh): first in Jupyter's search path
    clone = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "jupyter")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([os.path.abspath(clone), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        print(f"error: no Jupyter kernel named '{args.kernel}' (install it with "
              f"bash tools/run-chapters.sh --setup-only, or list kernels with jupyter kernelspec list)",
              file=sys.stderr)
        return 2

    # SIGTERM ends the run like Ctrl-C, through the finally that stops the kernel just started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    times, failures = [], 0
    with tempfile.TemporaryDirectory(prefix="kernel-starts-") as cwd:
        for i in range(1, args.starts + 1):
            if args.kernel_log:
                with open(args.kernel_log, "a") as f:
                    f.write(f"\n---- start {i} ----\n")
            ok, took, parts = one_start(args.kernel, args.timeout, cwd, args.kernel_log, args.once)
            if ok:
                times.append(took)
            else:
                failures += 1
            if not args.quiet:
                got = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(parts.items())) or "nothing"
                print(f"start {i:3d}: {'ok    ' if ok else 'FAILED'} {got}", flush=True)
    line = f"{args.kernel}: {failures} of {args.starts} starts failed to answer within {args.timeout:g} s"
    if times:
        line += f"; time to answer: median {statistics.median(times):.1f} s, max {max(times):.1f} s"
    print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
