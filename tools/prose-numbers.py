"""Lists the numbers in a notebook's markdown that no cell of the same notebook prints.

    python3 tools/prose-numbers.py notebooks/04-deep-rnn-time-series.ipynb

Every number in the prose should be printed by a cell (derived figures computed and printed) or be
a constant visible in the code. A number counts as backed when the same token (digits, decimal
point and thousands commas as written) appears in a cell's output or in a code cell's source.
Numbers inside LaTeX ($...$) are reported separately: they are usually indices and exponents.
Exit status 1 when some number is unbacked, so the check can run in a script.
"""

import json
import re
import sys

NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
MATH = re.compile(r"\$[^$]+\$")


def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def tokens(s):
    found = set()
    for m in NUMBER.finditer(s):
        t = m.group(0)
        found.add(t)
        found.add(t.replace(",", ""))
    return found


def main(path):
    nb = json.load(open(path, encoding="utf-8"))
    backed = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        backed |= tokens(text(cell["source"]))
        for out in cell.get("outputs", []):
            backed |= tokens(text(out.get("text", "")))
            backed |= tokens(text(out.get("data", {}).get("text/plain", "")))
    missing = 0
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for line_no, line in enumerate(text(cell["source"]).splitlines(), 1):
            math_spans = [m.span() for m in MATH.finditer(line)]
            for m in NUMBER.finditer(line):
                t = m.group(0)
                if t in backed or t.replace(",", "") in backed:
                    continue
                in_math = any(a <= m.start() < b for a, b in math_spans)
                missing += 0 if in_math else 1
                kind = "math" if in_math else "UNBACKED"
                print(f"cell {index} line {line_no}: {kind} {t}: {line.strip()[:110]}")
    print(f"{missing} unbacked number(s) outside math", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
