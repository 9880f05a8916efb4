"""Start rapaio-jupyter-kernel so that it always answers: a small relay in front of the JVM.

    python3 kernel-launcher.py CONNECTION_FILE -- java [options] -jar rapaio-jupyter-kernel.jar

tools/nbtool.py install-kernel copies this file into the kernelspec's folder and puts it in the
kernelspec's argv; Jupyter (the Notebook server, nbclient, tools/run-chapters.sh) then starts it
like any kernel.

Why: rapaio-jupyter-kernel 3.0.1 starts each socket's loop thread before it sets the loop's
"running" flag (LoopThread.start calls Thread.start first), so now and then a thread finds the
flag still false and ends at once. The JVM keeps running and its ports accept connections, but
the shell, control or heartbeat socket is never read again: a front-end waits at "connecting"
for ever, or interrupts do nothing. tools/kernel-starts.py counts such starts.

What this does: it binds the ports of CONNECTION_FILE itself and starts the JVM on ports of its
own (COMMAND gets a second connection file as its last argument). Before it forwards anything,
it asks the JVM for kernel_info on the shell and the control socket and pings its heartbeat;
when a socket stays silent for GRACE seconds while its port is open, it stops the JVM and starts
it again (at most ATTEMPTS times). Only a kernel that answered on all three gets the front-end's
messages, which wait in the relay's sockets meanwhile, so none is lost. Then it relays every
message unchanged (the HMAC signature stays valid, both sides share the key) until the JVM
ends, and ends with the JVM's exit status. SIGTERM stops the JVM; on Linux the JVM also dies
with the relay if the relay is killed.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

CHANNELS = ("shell", "control", "stdin", "hb")


def log(text):
    print(f"kernel-launcher: {text}", file=sys.stderr, flush=True)


def _die_with_parent():
    """Runs in the child before exec: on Linux, SIGKILL the JVM when the relay dies."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def port_open(ip, port):
    try:
        with socket.create_connection((ip, port), timeout=0.5):
            return True
    except OSError:
        return False


def free_ports(ip, n):
    held = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind((ip, 0))
            held.append(s)
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


class Inner:
    """One start of the JVM, its connection file and the relay's sockets towards it."""

    def __init__(self, outer, command, workdir, attempt):
        # the JVM first: the relay's own imports and sockets get ready while it boots
        self.info_path = os.path.join(workdir, f"inner-{attempt}.json")
        names = ("shell", "iopub", "stdin", "control", "hb")
        self.info = {f"{n}_port": p for n, p in zip(names, free_ports(outer["ip"], len(names)))}
        self.info.update(ip=outer["ip"], key=outer["key"], transport="tcp",
                         signature_scheme=outer["signature_scheme"], kernel_name=outer.get("kernel_name", ""))
        with open(self.info_path, "w", encoding="utf-8") as f:
            json.dump(self.info, f)
        self.proc = subprocess.Popen([*command, self.info_path],
                                     preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        self.sockets = {}

    def connect(self, ctx):
        import zmq
        identity = uuid.uuid4().hex.encode()  # one identity for shell, control and stdin: rapaio
        self.sockets = {}                     # answers control requests on its shell socket
        for name in CHANNELS:
            s = ctx.socket(zmq.DEALER)
            s.linger = 0
            if name != "hb":
                s.setsockopt(zmq.IDENTITY, identity)
            s.connect(self.url(name))
            self.sockets[name] = s
        iopub = ctx.socket(zmq.SUB)
        iopub.linger = 0
        iopub.setsockopt(zmq.SUBSCRIBE, b"")
        iopub.connect(self.url("iopub"))
        self.sockets["iopub"] = iopub

    def url(self, name):
        return f"{self.info['transport']}://{self.info['ip']}:{self.info[name + '_port']}"

    def port(self, name):
        return self.info[name + "_port"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for s in self.sockets.values():
            s.close()
        try:
            os.remove(self.info_path)
        except OSError:
            pass


def probe(inner, session, grace, ip):
    """Wait until the JVM answers on shell, control and heartbeat. Returns None when it did,
    else a reason to start it again; raises SystemExit with the JVM's status when it ended."""
    import zmq
    shell, control, hb = inner.sockets["shell"], inner.sockets["control"], inner.sockets["hb"]
    poller = zmq.Poller()
    for s in (shell, control, hb, inner.sockets["iopub"]):
        poller.register(s, zmq.POLLIN)
    answered = set()
    open_since = {}
    ctl_id = None
    pending = set()  # our kernel_info requests on shell that have no reply yet
    last_reply = 0.0
    next_shell = next_hb = 0.0
    while True:
        now = time.monotonic()
        status = inner.proc.poll()
        if status is not None:
            log(f"the kernel ended during start-up (exit status {status})")
            raise SystemExit(status or 1)
        if "shell" not in answered and now >= next_shell and "shell" in open_since:
            # only once the port is open: requests sent earlier wait in the socket and arrive
            # all at once; the first may be dropped ("Unhandled message": the shell loop runs
            # before the kernel's handlers are registered), so ask again every half second
            pending.add(session.send(shell, "kernel_info_request")["header"]["msg_id"])
            next_shell = now + 0.5
        if "shell" in answered and ctl_id is None and (not pending or now - last_reply > 0.3):
            # rapaio writes control replies from another thread onto the shell socket: ask once
            # the shell replies are out, else one of two replies written at once can be lost
            ctl_id = session.send(control, "kernel_info_request")["header"]["msg_id"]
            open_since["control"] = now
        if "hb" not in answered and now >= next_hb:
            hb.send_multipart([b"", b"launcher-ping"])
            next_hb = now + 0.25
        for s, flag in poller.poll(100):
            if s is inner.sockets["iopub"]:
                s.recv_multipart()  # status messages of our own requests: not the front-end's business
                continue
            frames = s.recv_multipart()
            if s is hb:
                answered.add("hb")
                continue
            _, msg = session.feed_identities(frames, copy=True)
            msg = session.deserialize(msg, content=False)
            parent = msg["parent_header"].get("msg_id")
            pending.discard(parent)
            last_reply = time.monotonic()
            if ctl_id is not None and parent == ctl_id:
                answered.add("control")
            elif msg["header"]["msg_type"] == "kernel_info_reply" and "shell" not in answered:
                answered.add("shell")
        if answered >= {"shell", "control", "hb"}:
            return None
        now = time.monotonic()
        for name in ("shell", "hb"):
            if name not in answered and name not in open_since and port_open(ip, inner.port(name)):
                open_since[name] = now
        for name, since in open_since.items():
            if name in ("shell", "control", "hb") and name not in answered and now - since > grace:
                return f"its {name} socket stayed silent for {grace:g} s"


def _header(frames, which):
    """The header (which=2) or parent header (3) of a Jupyter message's frames, as a dict."""
    raw = [f.bytes for f in frames]
    try:
        i = raw.index(b"<IDS|MSG>")
        return json.loads(raw[i + which])
    except (ValueError, IndexError):
        return {}


def relay(front, inner, hold_limit=1.0):
    """Forward messages both ways until the JVM ends; return its exit status.

    rapaio writes its replies to control requests from the control thread onto the shell
    socket, which the shell thread writes too; two replies written at once can lose one. So a
    control request waits (at most HOLD_LIMIT seconds) while a kernel_info request on shell,
    which is answered at once, has no reply yet."""
    import zmq
    back = inner.sockets
    pairs = {front[n]: back[n] for n in CHANNELS}
    pairs.update({back[n]: front[n] for n in CHANNELS})
    pairs[back["iopub"]] = front["iopub"]
    poller = zmq.Poller()
    for s in pairs:
        poller.register(s, zmq.POLLIN)
    info_pending = {}  # msg_id of a front-end's kernel_info request on shell -> when sent
    held = []          # (since, frames) of control requests waiting for those replies
    ended = None
    parent = os.getppid()
    while True:
        if os.getppid() != parent:  # the front-end died without stopping us: stop the JVM too
            log("the process that started the kernel is gone; stopping the kernel")
            inner.proc.terminate()
            parent = os.getppid()
        status = inner.proc.poll()
        if status is not None and ended is None:
            ended = time.monotonic()
        events = poller.poll(50 if ended is not None or held else 200)
        now = time.monotonic()
        for s, _ in events:
            frames = s.recv_multipart(copy=False)
            if s is front["shell"]:
                head = _header(frames, 2)
                if head.get("msg_type") == "kernel_info_request":
                    info_pending[head.get("msg_id")] = now
            elif s is back["shell"]:
                info_pending.pop(_header(frames, 3).get("msg_id"), None)
            elif s is front["control"] and (info_pending or held):
                held.append((now, frames))
                continue
            pairs[s].send_multipart(frames, copy=False)
        for msg_id, since in list(info_pending.items()):
            if now - since > hold_limit:
                del info_pending[msg_id]
        while held and (not info_pending or now - held[0][0] > hold_limit):
            back["control"].send_multipart(held.pop(0)[1], copy=False)
        # the JVM ended: pass on its last messages (shutdown_reply, status), then end too
        if ended is not None and (not events or now - ended > 1.0):
            return status


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("connection_file")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- then the kernel's command line")
    p.add_argument("--grace", type=float, default=15.0,
                   help="seconds a socket may stay silent while its port is open (default 15: a JVM "
                        "on a busy machine can take that long; a kernel that lost a loop never answers)")
    p.add_argument("--attempts", type=int, default=5, help="starts of the JVM at most (default 5)")
    args = p.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        p.error("no kernel command given after --")
    missing = [e for e in os.environ.get("RJK_CLASSPATH", "").split(";")
               if e and not os.path.exists(os.path.dirname(e) if "*" in e else e)]
    if missing:
        log(f"the kernel's classpath names {', '.join(missing)}, which does not exist (after "
            f"'mvn clean'?); run bash tools/run-chapters.sh --setup-only in the project to make it again")
        return 2
    with open(args.connection_file, encoding="utf-8") as f:
        outer = json.load(f)
    if outer.get("transport", "tcp") != "tcp":
        p.error("only the tcp transport is supported")

    inner = None

    def stop(signum, _frame):
        if inner is not None and inner.proc.poll() is None:
            inner.proc.terminate()
            try:
                inner.proc.wait(5)
            except subprocess.TimeoutExpired:
                inner.proc.kill()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    # interrupts travel as messages (the kernelspec's interrupt_mode); a SIGINT sent to the whole
    # process group reaches the JVM by itself. A handler, not SIG_IGN, which the JVM would inherit.
    signal.signal(signal.SIGINT, lambda *_: None)

    with tempfile.TemporaryDirectory(prefix="kernel-launcher-") as workdir:
        inner = Inner(outer, command, workdir, 1)
        import zmq
        from jupyter_client.session import Session
        ctx = zmq.Context()
        front = {}
        for name, kind in (("shell", zmq.ROUTER), ("control", zmq.ROUTER), ("stdin", zmq.ROUTER),
                           ("hb", zmq.ROUTER), ("iopub", zmq.PUB)):
            s = ctx.socket(kind)
            s.linger = 1000
            s.bind(f"tcp://{outer['ip']}:{outer[name + '_port']}")
            front[name] = s
        session = Session(key=outer["key"].encode(), signature_scheme=outer["signature_scheme"],
                          username="kernel-launcher")

        try:
            for attempt in range(1, args.attempts + 1):
                if inner is None:
                    inner = Inner(outer, command, workdir, attempt)
                inner.connect(ctx)
                reason = probe(inner, session, args.grace, outer["ip"])
                if reason is None:
                    break
                log(f"start {attempt} of the kernel: {reason}; starting it again")
                inner.stop()
                inner = None
            if inner is None:
                log(f"the kernel did not answer in {args.attempts} starts")
                return 1
            return relay(front, inner)
        finally:
            if inner is not None:
                inner.stop()
            for s in front.values():
                s.close()
            ctx.term()


if __name__ == "__main__":
    sys.exit(main())
