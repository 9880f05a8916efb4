"""tools/nbexecute.py through `nbtool.py execute`, on IPython's kernel (python3-ipykernel, which
the Notebook UI's packages bring): what the saved copy holds and what the failure line says when a
cell fails, runs past its limit, kills its kernel, or the run gets SIGINT or SIGTERM."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import nbformat

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
STALE = "output of an earlier run\n"


def code(source, stale=False):
    cell = nbformat.v4.new_code_cell(source)
    if stale:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=STALE)]
        cell.execution_count = 9
    return cell


class ExecuteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        try:
            import ipykernel  # noqa: F401
        except ImportError:
            raise AssertionError("these tests need IPython's kernel in this Python: apt-get install python3-ipykernel "
                                 "(the Notebook UI's jupyter-notebook brings it)") from None
        cls.tmp = tempfile.TemporaryDirectory(prefix="nbexecute-test-")
        kernels = os.path.join(cls.tmp.name, "jupyter", "kernels")
        for name, argv in (("py", [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]),
                           ("broken", [sys.executable, "-c", "import sys; print('no such class', file=sys.stderr); sys.exit(7)"])):
            os.makedirs(os.path.join(kernels, name))
            with open(os.path.join(kernels, name, "kernel.json"), "w") as f:
                json.dump({"argv": argv, "display_name": name, "language": "python"}, f)
        cls.env = {**os.environ, "JUPYTER_PATH": os.path.dirname(kernels), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def start(self, cells, *extra, kernel="py"):
        folder = tempfile.mkdtemp(dir=self.tmp.name)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("# A test")] + cells
        path = os.path.join(folder, "t.ipynb")
        nbformat.write(nb, path)
        self.out, self.failed = os.path.join(folder, "out.ipynb"), os.path.join(folder, "failed.ipynb")
        self.log = os.path.join(folder, "kernel.log")
        cmd = [sys.executable, os.path.join(TOOLS, "nbtool.py"), "execute", path, "--kernel", kernel,
               "--cwd", folder, "--out", self.out, "--failed-out", self.failed, "--kernel-log", self.log,
               "--startup-timeout", "60", *extra]
        return subprocess.Popen(cmd, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run_to_end(self, cells, *extra, kernel="py"):
        proc = self.start(cells, *extra, kernel=kernel)
        out, err = proc.communicate(timeout=120)
        return proc.returncode, out, err

    def saved(self, path):
        return nbformat.read(path, as_version=4).cells

    def failure_line(self, err):
        return next(line for line in err.splitlines() if line.startswith("FAILED: "))

    def assert_stopped_at(self, cells, index, ename, evalue_start):
        errors = [o for o in cells[index].outputs if o.output_type == "error"]
        self.assertEqual(1, len(errors), cells[index].outputs)
        self.assertEqual(ename, errors[0].ename)
        self.assertTrue(errors[0].evalue.startswith(evalue_start), errors[0].evalue)
        for cell in cells[index + 1:]:
            self.assertEqual(([], None), (cell.outputs, cell.execution_count), "a cell below the stop kept outputs")

    def test_a_complete_run_replaces_every_earlier_output(self):
        rc, out, _ = self.run_to_end([code("print('one')", stale=True), code("print('two')", stale=True)])
        self.assertEqual(0, rc)
        self.assertIn("kernel ready after", out)
        cells = self.saved(self.out)
        self.assertEqual(["one\n", "two\n"], [c.outputs[0].text for c in cells[1:]])
        self.assertEqual("deep-rnn-java", nbformat.read(self.out, as_version=4).metadata.kernelspec.name)
        self.assertFalse(os.path.exists(self.failed))

    def test_a_cell_error_keeps_what_ran_and_clears_what_did_not(self):
        rc, _, err = self.run_to_end([code("print('one')"), code("raise ValueError('boom')"), code("print(3)", stale=True)])
        self.assertEqual(1, rc)
        self.assertRegex(self.failure_line(err), r"^FAILED: t\.ipynb \(cell error\) in cell 3 of 4 after \d+ s: ValueError: boom$")
        cells = self.saved(self.failed)
        self.assertEqual("one\n", cells[1].outputs[0].text)
        self.assert_stopped_at(cells, 2, "ValueError", "boom")
        self.assertFalse(os.path.exists(self.out))

    def test_a_cell_past_its_limit(self):
        rc, _, err = self.run_to_end([code("import time; time.sleep(60)"), code("print(2)", stale=True)],
                                     "--cell-timeout", "2")
        self.assertEqual(1, rc)
        self.assertIn("(timeout) in cell 2 of 3", self.failure_line(err))
        self.assertIn("CellTimeout: this cell ran longer than the 2 s limit (CELL_TIMEOUT)", self.failure_line(err))
        self.assert_stopped_at(self.saved(self.failed), 1, "CellTimeout", "this cell ran longer than the 2 s limit")

    def test_a_kernel_that_dies_in_a_cell(self):
        rc, _, err = self.run_to_end([code("import os; os._exit(3)"), code("print(2)", stale=True)])
        self.assertEqual(1, rc)
        self.assertIn("(kernel died) in cell 2 of 3", self.failure_line(err))
        self.assertIn("KernelDied: the kernel process ended (exit status 3) while this cell ran", self.failure_line(err))
        self.assert_stopped_at(self.saved(self.failed), 1, "KernelDied", "the kernel process ended (exit status 3)")

    def test_a_kernel_that_never_starts(self):
        rc, _, err = self.run_to_end([code("print(1)", stale=True)], kernel="broken")
        self.assertEqual(1, rc)
        self.assertRegex(self.failure_line(err), r"^FAILED: t\.ipynb \(kernel did not start\) in cell 2 of 2 after \d+ s: "
                                                 r"KernelStart: RuntimeError: Kernel died before replying to kernel_info")
        self.assertIn("no such class", err, "the kernel's log must be shown")
        self.assert_stopped_at(self.saved(self.failed), 1, "KernelStart", "RuntimeError: Kernel died")

    def interrupted(self, signum):
        proc = self.start([code("print('one')"), code("import time\nprint('two', flush=True)\ntime.sleep(60)"),
                           code("print(3)", stale=True)])
        deadline = time.monotonic() + 60
        while "kernel ready" not in proc.stdout.readline() and time.monotonic() < deadline:
            pass
        time.sleep(3)  # the second cell is sleeping by now
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        cells = self.saved(self.failed)
        self.assertEqual("one\n", cells[1].outputs[0].text)
        self.assertEqual("two\n", cells[2].outputs[0].text, "the stopped cell keeps what it printed")
        return proc.returncode, err, cells

    def test_sigint_leaves_an_error_cell_where_it_stopped(self):
        rc, err, cells = self.interrupted(signal.SIGINT)
        self.assertEqual(130, rc)
        self.assertIn("(interrupted) in cell 3 of 4", self.failure_line(err))
        self.assertIn("Interrupted: SIGINT (Ctrl-C) stopped the run while this cell ran; the cells below did not run",
                      self.failure_line(err))
        self.assert_stopped_at(cells, 2, "Interrupted", "SIGINT (Ctrl-C) stopped the run while this cell ran")

    def test_sigterm_too(self):
        rc, err, cells = self.interrupted(signal.SIGTERM)
        self.assertEqual(143, rc)
        self.assert_stopped_at(cells, 2, "Interrupted", "SIGTERM stopped the run while this cell ran")

    def test_bad_arguments_are_refused_before_a_kernel_starts(self):
        rc, _, err = self.run_to_end([code("print(1)")], "--cell-timeout", "-1")
        self.assertEqual(2, rc)
        self.assertIn("argument --cell-timeout: '-1' is not a whole number of seconds from 0 up", err)
        rc, _, err = self.run_to_end([code("print(1)")], kernel="nosuch")
        self.assertEqual((2, "error: no Jupyter kernel named 'nosuch' (jupyter kernelspec list shows them)"),
                         (rc, err.strip()))


if __name__ == "__main__":
    unittest.main()
