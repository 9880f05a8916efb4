"""Unit tests of tools/prose-numbers.py: python3 -m unittest discover -s tools/tests"""

import importlib.util
import json
import os
import tempfile
import unittest

_PATH = os.path.join(os.path.dirname(__file__), "..", "prose-numbers.py")
_SPEC = importlib.util.spec_from_file_location("prose_numbers", _PATH)
pn = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(pn)


def unbacked(markdown, printed=""):
    return [(kind, number) for kind, number, _ in pn.check_cell(markdown, pn.tokens(printed))]


class BackingTest(unittest.TestCase):
    def test_a_printed_number_backs_the_prose_as_written_or_without_commas(self):
        self.assertEqual([], unbacked("The model holds 824,348 parameters.", "params: 824348"))
        self.assertEqual([], unbacked("perplexity 1.032 at the end", "epoch 500 perplexity 1.032"))

    def test_a_number_no_cell_prints_is_unbacked(self):
        self.assertEqual([("UNBACKED", "3.21")], unbacked("It took 3.21 s per epoch.", "0.15 s per epoch"))

    def test_an_integer_is_backed_by_its_value_printed_with_zero_decimals(self):
        self.assertEqual([], unbacked("from epoch 132 to 160", "(132.000–160.000, 3 seeds)"))
        self.assertEqual([("UNBACKED", "132")], unbacked("epoch 132", "132.5"))

    def test_printed_ratios_and_scientific_notation_back_the_same_digits(self):
        printed = pn.printed_tokens("speed 2.4x; largest difference 2.20e-01; gradient 3.61e-16; norm 4.79e+06")
        self.assertTrue({"2.4", "0.220"} <= printed, printed)
        self.assertNotIn("4790000", printed)
        self.assertNotIn("0.22", printed)

    def test_rounding_is_not_backing(self):
        self.assertEqual([("UNBACKED", "1.03")], unbacked("ends at 1.03", "perplexity 1.032"))


class RuleTest(unittest.TestCase):
    def test_math_and_inline_code_are_skipped(self):
        self.assertEqual([], unbacked("$W_{xh}^{(2)}$ is $256 \\times 256$ and `hiddenUnits(32)` sets it"))
        self.assertEqual([], unbacked("product $\\begin{pmatrix}1&2\\end{pmatrix}\n= \\begin{pmatrix}19&22\\end{pmatrix}$."))
        self.assertEqual([], unbacked("$$\nH_t^{(1)} = 3\n$$"))

    def test_list_numbers_open_a_line_only(self):
        self.assertEqual([], unbacked("1. Train it.\n  12. Again."))
        self.assertEqual([("UNBACKED", "7")], unbacked("we saw 7. Then"))

    def test_references_to_notebooks_sections_exercises_issues_cells(self):
        self.assertEqual([], unbacked("see notebook 6, notebooks 3, 5 and 6, Section 10.3, exercises 1 and 2,"
                                      " issue 9888, cells 4-7 and chapter 9"))
        self.assertEqual([("UNBACKED", "5")], unbacked("it took 5 notebooks"))

    def test_years_closing_a_citation_but_not_other_four_digit_numbers(self):
        self.assertEqual([], unbacked("(Ba, Kiros and Hinton, 2016) and Graves (2013)"))
        self.assertEqual([("UNBACKED", "2016")], unbacked("2016 windows"))

    def test_versions_after_a_product_name(self):
        self.assertEqual([], unbacked("d2l 0.17, section 9.3, and d2l 1.0 on CUDA 11.6 with cuDNN 8.3, Java 17"))
        self.assertEqual([("UNBACKED", "8.3")], unbacked("a speed-up of 8.3"))

    def test_ordinals_are_not_numbers(self):
        self.assertEqual([], unbacked("d2l's 2nd edition"))


class MarkerTest(unittest.TestCase):
    def test_a_marker_with_a_reason_backs_its_numbers(self):
        self.assertEqual([], unbacked("Try dropout 0.2 and 0.3.\n<!-- unprinted 0.2 0.3: rates the exercise proposes -->"))
        self.assertEqual([], unbacked("about 2,400 words <!-- unprinted 2,400: counted by hand -->"))

    def test_a_marker_without_a_reason_is_an_error(self):
        problems = unbacked("Try 0.2.\n<!-- unprinted 0.2: -->")
        self.assertIn(("MARKER", ""), problems)
        self.assertIn(("UNBACKED", "0.2"), problems)

    def test_a_stale_marker_is_an_error(self):
        self.assertEqual([("MARKER", "0.5")], unbacked("Try 0.2.\n<!-- unprinted 0.2 0.5: proposed -->"))
        self.assertEqual([("MARKER", "1.5")], unbacked("below 1.5 <!-- unprinted 1.5: threshold -->", "firstEpochBelow(1.5)"))


class NotebookTest(unittest.TestCase):
    def test_outputs_and_code_back_the_markdown_and_the_exit_status_says_so(self):
        nb = {"cells": [
            {"cell_type": "code", "source": ["int hidden = 256;"], "outputs": [{"text": ["loss 0.082\n"]}]},
            {"cell_type": "markdown", "source": ["256 units reach 0.082, not 0.08."]},
        ]}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "n.ipynb")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(nb, f)
            self.assertEqual(1, pn.check(path))
            nb["cells"][1]["source"] = ["256 units reach 0.082."]
            with open(path, "w", encoding="utf-8") as f:
                json.dump(nb, f)
            self.assertEqual(0, pn.check(path))


if __name__ == "__main__":
    unittest.main()
