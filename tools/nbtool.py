"""Notebook helper for tools/run-chapters.sh.

Run it with a Python that has Jupyter's nbclient, nbconvert and jupyter_client (on Debian and
Ubuntu: /usr/bin/python3 after `apt-get install jupyter-nbconvert jupyter-client python3-nbclient`).

Sub-commands:
  check            exit 0 when this Python has everything the other sub-commands need
  kernel-check     say whether a kernel exists and which Java kernel it is (IJava, JJava, rapaio)
  install-kernel   write (or replace) this project's rapaio-jupyter-kernel kernelspec
  execute          run one notebook headlessly, scrub it and save it (tools/nbexecute.py)
  site             the HTML site: chapter pages, contents, KaTeX (tools/site/build.py)
"""

import argparse
import json
import os
import re
import shutil
import sys


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
    """The project's kernelspec in KERNELS/NAME (tools/run-chapters.sh: target/jupyter/kernels/
    deep-rnn-java of the clone, found through JUPYTER_PATH): each clone has its own, so a run in
    one clone never repoints another's kernel. Prints its folder."""
    kernel_dir = os.path.join(args.kernels, args.name)
    os.makedirs(kernel_dir, exist_ok=True)
    jar_name = os.path.basename(args.jar)
    target_jar = os.path.join(kernel_dir, jar_name)
    for old in os.listdir(kernel_dir):  # older kernel versions installed here before
        if old.endswith(".jar") and old != jar_name:
            os.remove(os.path.join(kernel_dir, old))
    if not (os.path.exists(target_jar) and _same_file_content(args.jar, target_jar)):
        shutil.copyfile(args.jar, target_jar)
    # classes that replace or wrap the kernel's own (tools/kernel-patch), ahead of its jar
    patch = os.path.join(kernel_dir, "patch")
    shutil.rmtree(patch, ignore_errors=True)
    shutil.copytree(args.patch, patch)
    spec = {
        "argv": [args.java, *args.jvm_opts.split(), "-cp", os.pathsep.join([patch, target_jar]),
                 args.main_class, "{connection_file}"],
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
    from nbexecute import execute  # tools/nbexecute.py
    return execute(args)


def merge_timings(path, name, record):
    """Add one notebook's record to the JSON file of timings (a damaged file starts afresh)."""
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

def seconds(minimum):
    """An argparse type: a whole number of seconds from MINIMUM up."""
    def parse(text):
        if not text.isdigit() or int(text) < minimum:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of seconds from {minimum} up")
        return int(text)
    return parse


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    sub.add_parser("check")
    kc = sub.add_parser("kernel-check")
    kc.add_argument("name")

    k = sub.add_parser("install-kernel")
    k.add_argument("--kernels", required=True, help="the kernels folder to write NAME/kernel.json into")
    k.add_argument("--name", required=True)
    k.add_argument("--display-name", required=True)
    k.add_argument("--java", required=True)
    k.add_argument("--jvm-opts", default="", help="the JVM's options in one word: --jvm-opts=-Xmx4g")
    k.add_argument("--jar", required=True)
    k.add_argument("--patch", required=True, help="compiled classes to put before the kernel's jar")
    k.add_argument("--main-class", required=True)
    k.add_argument("--classpath", action="append", default=[])
    k.add_argument("--backend", default="cpu")
    k.add_argument("--project", default="")

    e = sub.add_parser("execute")
    e.add_argument("notebook")
    e.add_argument("--kernel", required=True)
    e.add_argument("--out", required=True)
    e.add_argument("--failed-out")
    e.add_argument("--cwd", required=True)
    e.add_argument("--mode", default="full")
    e.add_argument("--env", action="append", default=[], help="KEY=VALUE for the kernel's env")
    e.add_argument("--startup-timeout", type=seconds(1), default=300)
    e.add_argument("--cell-timeout", type=seconds(0), default=600, help="seconds; 0: none")
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
    handler = {"check": cmd_check, "kernel-check": cmd_kernel_check, "install-kernel": cmd_install_kernel,
               "execute": cmd_execute, "site": cmd_site}[args.cmd]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
