"""Alt text for the charts a code cell draws, derived from the cell's Java source.

The notebooks emit charts as image/png outputs; what a chart shows is written in the cell that draws it:
`new LineChart(title, xAxis, yAxis, ...)`, a comparison's `.chart(title, yAxis, ...)` (x axis: epoch),
and `ChartGrid.of(columns, ...)` for panels side by side. A title built with `+` keeps its string
literals and reads the computed parts as "…".
"""

import re

CONSTRUCTORS = (
    (re.compile(r"\bnew\s+LineChart\s*\("), lambda args: (args[0], args[1] if len(args) > 1 else None,
                                                          args[2] if len(args) > 2 else None)),
    (re.compile(r"\.chart\s*\("), lambda args: (args[0], '"epoch"', args[1] if len(args) > 1 else None)),
)
GRID = re.compile(r"\bChartGrid\s*\.\s*of\s*\(\s*(\d+)")
LOOP = re.compile(r"\bfor\s*\(")


def call_arguments(src, start):
    """The top-level arguments of the call whose '(' is at src[start - 1], as source strings."""
    return split_top_level(src, start, ",")


def split_top_level(src, start, separator):
    """src from start split at each separator outside strings and brackets, up to an unmatched closing bracket."""
    pieces, depth, i, begin = [], 0, start, start
    while i < len(src):
        c = src[i]
        if c == '"':
            i = skip_string(src, i)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif c == separator and depth == 0:
            pieces.append(src[begin:i].strip())
            begin = i + 1
        i += 1
    pieces.append(src[begin:i].strip())
    return pieces


def skip_string(src, i):
    i += 1
    while i < len(src) and src[i] != '"':
        i += 2 if src[i] == "\\" else 1
    return i + 1


def spoken(expression):
    """A Java string expression as text: literals kept, each computed operand as "…"; None if it has no literal."""
    if expression is None:
        return None
    parts, literal = [], False
    pieces = split_top_level(expression, 0, "+")
    for piece in pieces:
        m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', piece)
        if m:
            literal = True
            parts.append(m.group(1).encode().decode("unicode_escape").encode("latin-1").decode("utf-8"))
        else:
            parts.append("…")
    return re.sub(r"\s+", " ", "".join(parts)).strip() if literal else None


def charts_in(source):
    """[(title, x axis, y axis)] for every chart the source constructs, in source order."""
    found = []
    for pattern, pick in CONSTRUCTORS:
        for m in pattern.finditer(source):
            args = call_arguments(source, m.end())
            if args and args[0]:
                title, x, y = pick(args)
                found.append((m.start(), spoken(title), spoken(x), spoken(y)))
    return [f[1:] for f in sorted(found)]


def describe(title, x, y):
    axes = f"{y} against {x}" if x and y else (y or x)
    if title and axes:
        return f"{title} ({axes})"
    return title or axes or "a line chart"


def chart_alt(source, section):
    """What the chart a cell draws shows, for the img's alt attribute; section names the place as a fallback."""
    charts = charts_in(source)
    grid = GRID.search(source)
    if not charts:
        return f"Chart drawn by a code cell of the section \u201c{section}\u201d"
    if grid is None and len(charts) == 1:
        return "Line chart: " + describe(*charts[0]) + "."
    columns = int(grid.group(1)) if grid else len(charts)
    if len(charts) == 1 and LOOP.search(source):  # one constructor in a loop draws every panel
        title, x, y = charts[0]
        one = describe(title if title else None, x, y)
        return f"Charts side by side, {columns} to a row, one per setting: {one}."
    return f"{len(charts)} charts side by side, {columns} to a row: " + "; ".join(describe(*c) for c in charts) + "."
