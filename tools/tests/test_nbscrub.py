"""tools/nbscrub.py: what a saved notebook keeps of a kernel's outputs and metadata."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import nbformat  # noqa: E402  (the Jupyter Python's; .ci/run runs these tests with it)
from nbscrub import KERNELSPEC, drop_image_text, merge_streams, scrub, stable_kernelspec  # noqa: E402

# what IJava 1.3.0 and JJava 1.0-a7 send beside an image: the BufferedImage's whole toString
IJAVA_TEXT = ("BufferedImage@4a2dcb34: type = 1 DirectColorModel: rmask=ff0000 gmask=ff00 bmask=ff amask=0 "
              "IntegerInterleavedRaster: width = 640 height = 360 #Bands = 3 xOff = 0 yOff = 0 dataOffset[0] 0")


def display(data):
    return nbformat.v4.new_output("display_data", data=data)


class DropImageTextTest(unittest.TestCase):
    def test_the_java_kernels_to_string_beside_an_image_goes(self):
        data = {"image/png": "iVBORw0KGgo=", "text/plain": IJAVA_TEXT}
        drop_image_text(data)
        self.assertEqual({"image/png": "iVBORw0KGgo="}, data)

    def test_any_text_beside_any_image_goes(self):
        data = {"image/svg+xml": "<svg/>", "text/plain": ["java.awt.image.BufferedImage@1b2c3d"]}
        drop_image_text(data)
        self.assertEqual({"image/svg+xml": "<svg/>"}, data)

    def test_text_without_an_image_stays(self):
        data = {"text/plain": "BufferedImage@4a2dcb34: type = 1", "text/html": "<b>x</b>"}
        drop_image_text(data)
        self.assertEqual({"text/plain": "BufferedImage@4a2dcb34: type = 1", "text/html": "<b>x</b>"}, data)


class ScrubTest(unittest.TestCase):
    def notebook(self, *outputs):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = list(outputs)
        cell.metadata["execution"] = {"iopub.status.busy": "2026-12-08T01:00:00"}
        nb.cells = [cell]
        nb.metadata["papermill"] = {"x": 1}
        return nb

    def test_paths_are_replaced_longest_first_in_streams_errors_and_text(self):
        nb = self.notebook(
            nbformat.v4.new_output("stream", name="stdout", text="/home/u/p/data and /home/u/x\n"),
            nbformat.v4.new_output("error", ename="E", evalue="at /home/u/p/a", traceback=["/home/u/p/b"]),
            nbformat.v4.new_output("execute_result", data={"text/plain": "/home/u/p"}, execution_count=1))
        scrub(nb, ["/home/u=~", "/home/u/p=<project>"])
        outs = nb.cells[0].outputs
        self.assertEqual("<project>/data and ~/x\n", outs[0].text)
        self.assertEqual(("at <project>/a", ["<project>/b"]), (outs[1].evalue, outs[1].traceback))
        self.assertEqual("<project>", outs[2].data["text/plain"])

    def test_image_twins_and_per_run_metadata_go(self):
        nb = self.notebook(display({"image/png": "AAAA", "text/plain": IJAVA_TEXT}))
        scrub(nb, [])
        self.assertEqual({"image/png": "AAAA"}, dict(nb.cells[0].outputs[0].data))
        self.assertNotIn("execution", nb.cells[0].metadata)
        self.assertNotIn("papermill", nb.metadata)

    def test_consecutive_prints_become_one_output(self):
        merged = merge_streams([nbformat.v4.new_output("stream", name="stdout", text="a\n"),
                                nbformat.v4.new_output("stream", name="stdout", text=["b\n", "c\n"]),
                                nbformat.v4.new_output("stream", name="stderr", text="d\n")])
        self.assertEqual([("stdout", "a\nb\nc\n"), ("stderr", "d\n")], [(o.name, o.text) for o in merged])


class StableKernelspecTest(unittest.TestCase):
    def test_whichever_kernel_ran_it_the_notebook_names_the_projects_kernelspec(self):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "java", "display_name": "Java (IJava)", "language": "java"}
        stable_kernelspec(nb)
        self.assertEqual({"name": "deep-rnn-java", "display_name": "Java (Deep RNN, DL4J)", "language": "java"},
                         dict(nb.metadata["kernelspec"]))
        nb.metadata["kernelspec"]["name"] = "changed"
        self.assertEqual("deep-rnn-java", KERNELSPEC["name"], "the constant must not be shared with a notebook")


if __name__ == "__main__":
    unittest.main()
