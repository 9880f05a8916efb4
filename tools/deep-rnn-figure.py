"""Writes images/deep-rnn.svg, the chapter's picture of a deep RNN unrolled over four time steps.

    python3 tools/deep-rnn-figure.py

Layers 1, 2 and L are drawn; the vertical ellipsis between layer 2 and layer L stands for layers 3 to L - 1,
so the picture reads as L layers, not three.
"""

import os

W, H = 640, 500
BOX_W, BOX_H = 74, 40
COLUMNS = [(155.0, "t-1"), (285.0, "t"), (415.0, "t+1"), (545.0, "t+2")]
# row name, top y, fill, label, superscript
ROWS = [
    ("output", 22.0, "#fde2c8", "O", None),
    ("layer L", 106.0, "#cfe3f7", "H", "(L)"),
    ("layer 2", 260.0, "#cfe3f7", "H", "(2)"),
    ("layer 1", 344.0, "#cfe3f7", "H", "(1)"),
    ("input", 428.0, "#dcefd6", "X", None),
]
LINE = 'stroke="#444" stroke-width="1.5"'


def box(cx, top, fill, letter, sup, sub):
    x = cx - BOX_W / 2
    if sup:
        label = (f'<tspan font-style="italic">{letter}</tspan><tspan font-size="11" dy="-7">{sup}</tspan>'
                 f'<tspan font-size="11" dy="12" dx="-14">{sub}</tspan>')
    else:
        label = f'<tspan font-style="italic">{letter}</tspan><tspan font-size="11" dy="5" dx="0">{sub}</tspan>'
    return (f'<rect x="{x}" y="{top}" width="{BOX_W}" height="{BOX_H}" rx="7" fill="{fill}" stroke="#555" stroke-width="1.2"/>'
            f'<text x="{cx}" y="{top + 25}" text-anchor="middle">{label}</text>')


def arrow(x1, y1, x2, y2, dashed=False, head=True):
    dash = ' stroke-dasharray="5,4"' if dashed else ""
    end = ' marker-end="url(#arrow)"' if head else ""
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" {LINE}{dash}{end}/>'


def figure():
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="Helvetica, Arial, sans-serif" font-size="15">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>',
           f'<rect width="{W}" height="{H}" fill="white"/>']
    tops = {name: top for name, top, *_ in ROWS}
    hidden = ["layer L", "layer 2", "layer 1"]
    for i, (cx, sub) in enumerate(COLUMNS):
        for name, top, fill, letter, sup in ROWS:
            out.append(box(cx, top, fill, letter, sup, sub))
        # upward arrows: input -> 1 -> 2, L -> output; 2 -> ... -> L through the ellipsis
        out.append(arrow(cx, tops["input"], cx, tops["layer 1"] + BOX_H + 2))
        out.append(arrow(cx, tops["layer 1"], cx, tops["layer 2"] + BOX_H + 2))
        gap_top, gap_bottom = tops["layer L"] + BOX_H, tops["layer 2"]
        middle = (gap_top + gap_bottom) / 2
        out.append(arrow(cx, gap_bottom, cx, middle + 22, head=False))
        out.append(f'<text x="{cx}" y="{middle + 9}" text-anchor="middle" font-size="22" fill="#444">&#8942;</text>')
        out.append(arrow(cx, middle - 20, cx, gap_top + 2))
        out.append(arrow(cx, tops["layer L"], cx, tops["output"] + BOX_H + 2))
        if i + 1 < len(COLUMNS):
            for name in hidden:
                y = tops[name] + BOX_H / 2
                out.append(arrow(cx + BOX_W / 2, y, COLUMNS[i + 1][0] - BOX_W / 2 - 2, y))
    first, last = COLUMNS[0][0] - BOX_W / 2, COLUMNS[-1][0] + BOX_W / 2
    for name in hidden:
        y = tops[name] + BOX_H / 2
        out.append(arrow(98, y, first - 2, y, dashed=True))
        out.append(arrow(last, y, 628, y, dashed=True))
    for name, top, *_ in ROWS:
        out.append(f'<text x="12" y="{top + 25}" fill="#333" font-size="13">{name}</text>')
    middle = (tops["layer L"] + BOX_H + tops["layer 2"]) / 2
    out.append(f'<text x="12" y="{middle - 2}" fill="#333" font-size="13">layers</text>')
    out.append(f'<text x="12" y="{middle + 14}" fill="#333" font-size="13">3 … L−1</text>')
    out.append(f'<text x="626" y="{H - 6}" text-anchor="end" fill="#666" font-size="11">only the top layer feeds the output; '
               'dashed: state from the previous / to the next step</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "images", "deep-rnn.svg")
    with open(path, "w", encoding="utf-8") as f:
        f.write(figure())
