"""The knobs of tools/run-chapters.sh (and so tools/open-chapters.sh): a wrong value ends the
script with one line on stderr before anything is set up (no Jupyter, no Maven, no kernel)."""

import os
import shutil
import socket
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SETUP_STARTED = "== jupyter python"  # the first line of the set-up


def run(args=(), root=ROOT, **env):
    full = {k: v for k, v in os.environ.items()
            if k not in ("RUN_MODE", "BACKEND", "CELL_TIMEOUT", "STARTUP_TIMEOUT", "KERNEL_JVM_OPTS", "KERNEL_NAME",
                         "JUPYTER_KERNEL", "JUPYTER_PYTHON", "RJK_VERSION", "NOTEBOOK_PORT", "NOTEBOOK_DIR",
                         "D2L_DATA_MIRROR", "D2L_DATA_DIR", "OMP_NUM_THREADS")}
    full.update(env)
    proc = subprocess.run(["bash", os.path.join(root, "tools", "run-chapters.sh"), *args], env=full,
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


class KnobTest(unittest.TestCase):
    def refused(self, expected, args=(), root=ROOT, **env):
        rc, out, err = run(args, root, **env)
        self.assertEqual((2, expected + "\n"), (rc, err), f"stdout was: {out}")
        self.assertNotIn(SETUP_STARTED, out, "the set-up started before the knob was checked")

    def test_cell_limit(self):
        self.refused("error: CELL_TIMEOUT='-1' is not a cell limit (0 = none): give a whole number of seconds from 0 "
                     "(for example CELL_TIMEOUT=600)", CELL_TIMEOUT="-1")
        self.refused("error: CELL_TIMEOUT='abc' is not a cell limit (0 = none): give a whole number of seconds from 0 "
                     "(for example CELL_TIMEOUT=600)", CELL_TIMEOUT="abc")
        self.refused("error: CELL_TIMEOUT='1.5' is not a cell limit (0 = none): give a whole number of seconds from 0 "
                     "(for example CELL_TIMEOUT=600)", CELL_TIMEOUT="1.5")

    def test_start_up_limit(self):
        self.refused("error: STARTUP_TIMEOUT='0' is not a kernel start-up limit: give a whole number of seconds from 1 "
                     "(for example STARTUP_TIMEOUT=600)", STARTUP_TIMEOUT="0")

    def test_modes_and_names(self):
        self.refused("error: RUN_MODE='fast' is not one of: full quick", RUN_MODE="fast")
        self.refused("error: BACKEND='gpu' is not one of: cpu cuda", BACKEND="gpu")
        self.refused("error: OMP_NUM_THREADS='0' is not a whole number from 1 up", OMP_NUM_THREADS="0")
        self.refused("error: RJK_VERSION='3.0.1;x' is not a version number such as 3.0.1", RJK_VERSION="3.0.1;x")
        self.refused("error: JUPYTER_KERNEL='my java' is not a kernel name ('jupyter kernelspec list' shows them)",
                     JUPYTER_KERNEL="my java")
        self.refused("error: KERNEL_NAME='mine' is no longer read: each clone installs its own kernel 'deep-rnn-java' "
                     "in target/jupyter/kernels/; unset KERNEL_NAME", KERNEL_NAME="mine")

    def test_notebook_names(self):
        self.refused("error: an empty notebook name would match every notebook; leave it out to run them all",
                     args=["01", ""])
        self.refused("error: no notebook in notebooks/ matches '99' (give the start of a name, such as 03)", args=["99"])
        self.refused("error: no notebook in notebooks/ matches '0*' (give the start of a name, such as 03)", args=["0*"])

    def test_folders_and_programs(self):
        self.refused("error: JUPYTER_PYTHON='/no/such/python' is not an executable file; give the path of a Python 3 "
                     "that has nbclient and nbconvert", JUPYTER_PYTHON="/no/such/python")
        self.refused("error: D2L_DATA_MIRROR='/no/such/folder' is not a folder; give the folder that holds the offline "
                     "copies, or unset it", D2L_DATA_MIRROR="/no/such/folder")
        self.refused(f"error: D2L_DATA_DIR='{__file__}' is not a folder; give a folder for the downloaded data, or "
                     f"unset it for data/", D2L_DATA_DIR=__file__)

    def test_notebook_ui_port_and_folder(self):
        ui = ["--notebook"]
        self.refused("error: NOTEBOOK_PORT='88x' is not a port number: give one from 1024 to 65535", ui, NOTEBOOK_PORT="88x")
        self.refused("error: NOTEBOOK_PORT='70000' is not a port number: give one from 1024 to 65535", ui,
                     NOTEBOOK_PORT="70000")
        self.refused("error: NOTEBOOK_DIR='/no/such/folder' is not a folder", ui, NOTEBOOK_DIR="/no/such/folder")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            self.refused(f"error: NOTEBOOK_PORT={port}: something already listens on 127.0.0.1:{port}; give a free port",
                         ui, NOTEBOOK_PORT=str(port))

    def test_jvm_options(self):
        self.refused("error: KERNEL_JVM_OPTS: 'Xmx4g' is not a JVM option (each option starts with '-'; separate them "
                     "with spaces, e.g. KERNEL_JVM_OPTS=\"-Xmx4g -Djava.awt.headless=true\")", KERNEL_JVM_OPTS="Xmx4g")
        self.refused("error: KERNEL_JVM_OPTS: '-cp' is set by the kernelspec itself; give only memory and "
                     "system-property options such as -Xmx4g", KERNEL_JVM_OPTS="-cp /tmp")
        rc, out, err = run(KERNEL_JVM_OPTS="-Xmx4gg")
        self.assertEqual(2, rc)
        self.assertRegex(err, r"^error: KERNEL_JVM_OPTS='-Xmx4gg': \S*java does not start with these options: "
                              r"Invalid maximum heap size: -Xmx4gg\n$")
        self.assertNotIn(SETUP_STARTED, out)

    def test_a_single_jvm_option_passes(self):
        # the next check (a Python without nbclient) stops the script: the option itself was accepted
        with tempfile.TemporaryDirectory() as tmp:
            fake = os.path.join(tmp, "python3")
            with open(fake, "w") as f:
                f.write("#!/bin/sh\necho 'missing: nbclient' >&2\nexit 1\n")
            os.chmod(fake, 0o755)
            rc, out, err = run(KERNEL_JVM_OPTS="-Xmx4g", JUPYTER_PYTHON=fake)
        self.assertEqual((2, f"error: JUPYTER_PYTHON={fake} cannot import Jupyter's nbclient and nbconvert (missing: "
                             f"nbclient); install them into that Python, or unset JUPYTER_PYTHON\n"), (rc, err))

    def test_a_project_path_that_a_class_path_cannot_hold(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = os.path.join(tmp, "deep:rnn")
            os.makedirs(os.path.join(root, "tools"))
            for f in ("run-chapters.sh", "knobs.sh"):
                shutil.copy(os.path.join(ROOT, "tools", f), os.path.join(root, "tools"))
            self.refused(f"error: the project's path ({root}) holds ':', ';' or a line break, which a Java class path "
                         f"cannot; move or clone the project to a path without them", root=root)


class OtherScriptsTest(unittest.TestCase):
    def script(self, name, *args, **env):
        proc = subprocess.run(["bash", os.path.join(ROOT, "tools", name), *args], env={**os.environ, **env},
                              capture_output=True, text=True, timeout=60)
        return proc.returncode, proc.stdout, proc.stderr

    def test_training_ui_port_and_usage(self):
        self.assertEqual((2, "", "error: --port='abc' is not a port number: give one from 1024 to 65535\n"),
                         self.script("training-ui.sh", "stats.dl4j", "--port", "abc"))
        self.assertEqual((2, "", "error: usage: bash tools/training-ui.sh <stats file> [--port N]\n"),
                         self.script("training-ui.sh", "stats.dl4j", "--port"))

    def test_training_ui_screenshot_knobs(self):
        self.assertEqual((2, "", "error: EPOCHS='ten' is not a whole number from 1 up\n"),
                         self.script("training-ui-screenshot.sh", EPOCHS="ten"))
        self.assertEqual((2, "", "error: UI_PORT='0' is not a port number: give one from 1024 to 65535\n"),
                         self.script("training-ui-screenshot.sh", UI_PORT="0"))


if __name__ == "__main__":
    unittest.main()
