"""Checks that every number in a notebook's prose is one a cell prints (or a constant in its code).

    python3 tools/prose-numbers.py notebooks/*.ipynb

A number in a markdown cell is backed when the same token (digits, decimal point and thousands commas
as written) appears in a cell's output or in a code cell's source; a printed N.000 backs N, a printed
"2.4x" backs 2.4 and a printed 2.20e-01 backs 0.220 (the same significant digits). These are not claims and are skipped by rule:

  * math ($...$ and $$...$$): indices, exponents and shapes of the equations;
  * inline code (`...`): names and constants the reader types;
  * list numbers: "3. " opening a line;
  * references: a number (or a list "3, 5 and 6", a range "1-3", a dotted "10.3") after notebook,
    section, exercise, issue, cell, chapter, figure or table (any case, singular or plural);
  * versions: a number after d2l, CUDA, cuDNN, JDK, Java, Python, DL4J, ND4J, version or release;
  * years of citations: 1800-2099 closing a parenthesis, as in "(Ba, Kiros and Hinton, 2016)".

Any other number a cell does not print needs a marker in the same markdown cell saying why:

    <!-- unprinted 0.2 0.3: dropout rates the exercise proposes -->

(the numbers as written, separated by spaces, then a colon and the reason). A marker without a reason,
for a number that is not in the cell's prose, or for a number a cell does print is an error too, so
markers cannot go stale. Exit status 1 when anything is unbacked or a marker is wrong.
"""

import json
import re
import sys

NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<!\$)\$[^$]+\$(?!\$)")
CODE = re.compile(r"`[^`\n]+`")
COMMENT = re.compile(r"<!--.*?-->", re.S)
LIST_NUMBER = re.compile(r"^[ \t]*(\d+)\.(?=[ \t])", re.M)
_NUM = r"\d+(?:\.\d+)*"
REFERENCE = re.compile(
    r"\b(?:notebooks?|sections?|exercises?|issues?|cells?|chapters?|figures?|tables?)\s+"
    + _NUM + r"(?:(?:[ \t]*,[ \t]*|[ \t]+(?:and|or|to)[ \t]+|[ \t]*[-–][ \t]*)" + _NUM + r")*",
    re.I)
VERSION = re.compile(r"\b(?:d2l|CUDA|cuDNN|JDK|Java|Python|DL4J|ND4J|version|release)\s+" + _NUM, re.I)
YEAR = re.compile(r"(?<![\w.])(?:1[89]\d\d|20\d\d)(?=\))")
MARKER = re.compile(r"<!--\s*unprinted\b(.*?)-->", re.S)
MARKER_BODY = re.compile(r"^\s*((?:\d[\d,.]*\s*)+):(.*)$", re.S)


def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def tokens(s):
    """Every number token in s, as written and without thousands commas; N.000 also gives N."""
    found = set()
    for m in NUMBER.finditer(s):
        t = m.group(0)
        plain = t.replace(",", "")
        found.update((t, plain))
        if re.fullmatch(r"\d+\.0+", plain):
            found.add(plain.split(".")[0])
    return found


PRINTED_TIMES = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)x\b")
PRINTED_SCIENTIFIC = re.compile(r"(?<![\w.])(\d)\.(\d+)e([+-]\d+)\b")


def printed_tokens(s):
    """tokens(s), plus "2.4" from a printed "2.4x" and "0.220" from a printed "2.20e-01" (same significant digits)."""
    found = tokens(s)
    found.update(m.group(1) for m in PRINTED_TIMES.finditer(s))
    for m in PRINTED_SCIENTIFIC.finditer(s):
        exponent = int(m.group(3))
        decimals = len(m.group(2)) - exponent
        if decimals >= 0:
            found.add(f"{float(m.group(0)):.{decimals}f}")
    return found


def backed_tokens(nb):
    """The numbers a notebook's code cells contain or print."""
    backed = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        backed |= tokens(text(cell["source"]))
        for out in cell.get("outputs", []):
            backed |= printed_tokens(text(out.get("text", "")))
            backed |= printed_tokens(text(out.get("data", {}).get("text/plain", "")))
    return backed


def skipped_spans(source):
    """Character ranges of the markdown that hold no claims: math, code, comments, list numbers, references, versions, years."""
    spans = []
    for pattern in (DISPLAY_MATH, INLINE_MATH, CODE, COMMENT, REFERENCE, VERSION, YEAR):
        spans += [m.span() for m in pattern.finditer(source)]
    spans += [m.span(1) for m in LIST_NUMBER.finditer(source)]
    return spans


def markers(source):
    """The marker numbers of one cell with their reasons, and the errors of malformed markers."""
    marked, errors = {}, []
    for m in MARKER.finditer(source):
        body = MARKER_BODY.match(m.group(1))
        if not body or not body.group(2).strip():
            errors.append(f"marker without numbers or reason: {m.group(0)!r}; write <!-- unprinted 1.5 2: why -->")
            continue
        for number in body.group(1).split():
            marked[number] = body.group(2).strip()
    return marked, errors


def check_cell(source, backed):
    """Problems of one markdown cell as (kind, number, line) tuples; kind is UNBACKED or MARKER."""
    spans = skipped_spans(source)
    marked, errors = markers(source)
    problems = [("MARKER", "", e) for e in errors]
    in_prose = set()
    for m in NUMBER.finditer(source):
        if any(a <= m.start() < b for a, b in spans):
            continue
        t = m.group(0)
        in_prose.add(t)
        if t in backed or t.replace(",", "") in backed or t in marked:
            continue
        line = source[source.rfind("\n", 0, m.start()) + 1:].split("\n", 1)[0]
        problems.append(("UNBACKED", t, line.strip()[:110]))
    for number in marked:
        if number not in in_prose:
            problems.append(("MARKER", number, "marked as unprinted but not in this cell's prose; drop it from the marker"))
        elif number in backed or number.replace(",", "") in backed:
            problems.append(("MARKER", number, "marked as unprinted but a cell prints it; drop it from the marker"))
    return problems


def check(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    backed = backed_tokens(nb)
    count = 0
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for kind, number, detail in check_cell(text(cell["source"]), backed):
            print(f"{path}: cell {index}: {kind} {number}: {detail}")
            count += 1
    return count


def main(paths):
    if not paths:
        print("usage: python3 tools/prose-numbers.py NOTEBOOK.ipynb...", file=sys.stderr)
        return 2
    total = sum(check(p) for p in paths)
    print(f"{total} problem(s) in {len(paths)} notebook(s)", file=sys.stderr)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
