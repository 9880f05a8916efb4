"""The HTML site of the chapters: tools/nbtool.py site (tools/run-chapters.sh runs it).

One page per notebook (nbconvert's basic template for the cells, a page of our own around them),
a contents page with every chapter's sections, previous/next links, and every asset inside the
site folder: KaTeX (from npm, see package.json beside this file) renders $...$ and $$...$$ when a
page loads, with no network; figures the notebooks link to are copied into images/; output
images are embedded by nbconvert. Nothing points outside the folder, so it works opened from
disk and from any web server.
"""

import html
import os
import re
import shutil

HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
ID_ATTR = re.compile(r'\sid="([^"]*)"')
LOCAL_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]+)(")')
ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)

KATEX_FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")

PAGE_CSS = """
body { font-family: system-ui, sans-serif; line-height: 1.55; margin: 0; color: #1d1d1d; }
main, nav.pager, header.top { max-width: 60em; margin: 0 auto; padding: 0 1.2em; }
header.top { padding-top: 0.8em; font-size: 0.95em; }
nav.pager { display: flex; justify-content: space-between; gap: 1em; padding: 0.8em 1.2em;
  border-top: 1px solid #ddd; border-bottom: 1px solid #ddd; margin: 0.8em auto; }
nav.pager a { text-decoration: none; }
a { color: #0b5cad; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt { display: none; }
.jp-Cell, .cell { margin: 0.6em 0; }
.jp-CodeCell .jp-InputArea, div.input_area { background: #f6f8fa; border: 1px solid #e1e4e8;
  border-radius: 4px; padding: 0.2em 0.8em; overflow-x: auto; }
pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.88em; line-height: 1.4;
  margin: 0.4em 0; white-space: pre; }
.jp-OutputArea pre, div.output_area pre, .output_text pre { padding: 0 0.8em; overflow-x: auto; }
.output_stderr, .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] { background: #fff4f4; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
ol.chapters { list-style: none; padding-left: 1em; }
ol.chapters > li { margin: 0.9em 0; }
ol.chapters ul { margin: 0.2em 0; }
.meta { color: #666; font-size: 0.9em; }
"""

RENDER_JS = """// Renders the TeX of a page with the bundled KaTeX (no network)
document.addEventListener("DOMContentLoaded", function () {
  renderMathInElement(document.body, {
    delimiters: [
      {left: "$$", right: "$$", display: true},
      {left: "\\\\[", right: "\\\\]", display: true},
      {left: "$", right: "$", display: false},
      {left: "\\\\(", right: "\\\\)", display: false}
    ],
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"],
    throwOnError: false
  });
  document.body.setAttribute("data-math", "rendered");
});
"""


def slug(text, taken):
    base = re.sub(r"[^a-z0-9]+", "-", html.unescape(re.sub(r"<[^>]+>", "", text)).lower()).strip("-") or "section"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def sections(body):
    """Give every heading an id; return the body and [(level, id, text)]."""
    taken, found = set(), []

    def fix(m):
        level, attrs, inner = int(m.group(1)), m.group(2), ANCHOR_LINK.sub("", m.group(3))
        ident = slug(inner, taken)  # nbconvert's ids keep spaces' neighbours such as ? and '
        attrs = ID_ATTR.sub("", attrs)
        found.append((level, ident, re.sub(r"<[^>]+>", "", inner).strip()))
        return f'<h{level}{attrs} id="{html.escape(ident)}">{inner}</h{level}>'

    return HEADING.sub(fix, body), found


def localise_images(body, notebook_dir, out_dir):
    """Copy images the markdown links to into out_dir/images and point the page at the copies."""
    def fix(m):
        src = m.group(2)
        if re.match(r"^(data:|[a-z]+://|//)", src, re.I):
            if src.lower().startswith("data:"):
                return m.group(0)
            raise SystemExit(f"error: an image points outside the site: {src}")
        path = os.path.normpath(os.path.join(notebook_dir, html.unescape(src)))
        if not os.path.isfile(path):
            raise SystemExit(f"error: the image {src} of a notebook in {notebook_dir} does not exist")
        os.makedirs(os.path.join(out_dir, "images"), exist_ok=True)
        shutil.copyfile(path, os.path.join(out_dir, "images", os.path.basename(path)))
        return m.group(1) + "images/" + html.escape(os.path.basename(path)) + m.group(3)
    return LOCAL_SRC.sub(fix, body)


def copy_katex(katex_dist, out_dir):
    missing = [f for f in KATEX_FILES if not os.path.isfile(os.path.join(katex_dist, f))]
    if missing:
        raise SystemExit(f"error: KaTeX's {', '.join(missing)} missing in {katex_dist} "
                         f"(npm ci in tools/site's package folder installs it)")
    dest = os.path.join(out_dir, "assets", "katex")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(os.path.join(dest, "contrib"))
    for f in KATEX_FILES:
        shutil.copyfile(os.path.join(katex_dist, f), os.path.join(dest, f))
    shutil.copytree(os.path.join(katex_dist, "fonts"), os.path.join(dest, "fonts"),
                    ignore=shutil.ignore_patterns("*.ttf", "*.woff"))  # woff2 is enough for browsers


def title_html(title):
    """A notebook title is markdown: *x* and `x` are the only markup the titles use."""
    text = html.escape(title)
    text = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def plain(title):
    return re.sub(r"[*`]", "", title)


def page(title, site_title, body, prev_link, next_link):
    def link(target, arrow_left):
        if target is None:
            return "<span></span>"
        href, text = target
        label = f"&larr; {title_html(text)}" if arrow_left else f"{title_html(text)} &rarr;"
        rel = "prev" if arrow_left else "next"
        return f'<a rel="{rel}" href="{html.escape(href)}">{label}</a>'

    pager = (f'<nav class="pager">{link(prev_link, True)}'
             f'<a href="index.html">Contents</a>{link(next_link, False)}</nav>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(plain(title))} &middot; {html.escape(site_title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/site.css">
<script defer src="assets/katex/katex.min.js"></script>
<script defer src="assets/katex/contrib/auto-render.min.js"></script>
<script defer src="assets/render-math.js"></script>
</head>
<body>
<header class="top"><a href="index.html">{html.escape(site_title)}</a></header>
{pager}
<main>
{body}
</main>
{pager}
</body>
</html>
"""


def build(notebook_paths, out_dir, katex_dist, site_title, title_of):
    import nbformat
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter

    if not notebook_paths:
        raise SystemExit("error: no notebooks to build the site from")
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):  # generated: drop pages of removed notebooks and old images
        path = os.path.join(out_dir, old)
        if old.endswith(".html"):
            os.remove(path)
        elif old == "images":
            shutil.rmtree(path)
    copy_katex(katex_dist, out_dir)
    with open(os.path.join(out_dir, "assets", "site.css"), "w", encoding="utf-8") as f:
        f.write(PAGE_CSS.lstrip() + HtmlFormatter(style="default").get_style_defs(".highlight") + "\n")
    with open(os.path.join(out_dir, "assets", "render-math.js"), "w", encoding="utf-8") as f:
        f.write(RENDER_JS)

    exporter = HTMLExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True)
    chapters = []
    for path in notebook_paths:
        nb = nbformat.read(path, as_version=4)
        if not nb.metadata.get("language_info"):  # never executed: still highlight it as Java
            nb.metadata["language_info"] = {"name": "java", "pygments_lexer": "java"}
        stem = os.path.splitext(os.path.basename(path))[0]
        title = title_of(nb, stem)
        body, _ = exporter.from_notebook_node(nb)
        body, heads = sections(body)
        body = localise_images(body, os.path.dirname(os.path.abspath(path)), out_dir)
        chapters.append({"page": stem + ".html", "title": title, "body": body, "sections": heads,
                         "file": os.path.basename(path)})

    for i, ch in enumerate(chapters):
        prev_link = (chapters[i - 1]["page"], chapters[i - 1]["title"]) if i > 0 else None
        next_link = (chapters[i + 1]["page"], chapters[i + 1]["title"]) if i + 1 < len(chapters) else None
        with open(os.path.join(out_dir, ch["page"]), "w", encoding="utf-8") as f:
            f.write(page(ch["title"], site_title, ch["body"], prev_link, next_link))

    items = []
    for ch in chapters:
        subs = "".join(f'<li><a href="{html.escape(ch["page"])}#{html.escape(ident)}">{html.escape(text)}</a></li>'
                       for level, ident, text in ch["sections"] if level == 2)
        items.append(f'<li><a href="{html.escape(ch["page"])}">{title_html(ch["title"])}</a>'
                     f' <span class="meta">{html.escape(ch["file"])}</span>'
                     + (f"<ul>{subs}</ul>" if subs else "") + "</li>")
    contents = (f"<h1>{html.escape(site_title)}</h1>\n<p>The chapters with the outputs of their committed "
                f"full run; open a notebook in Jupyter to run it yourself.</p>\n"
                f'<ol class="chapters">\n' + "\n".join(items) + "\n</ol>")
    first = (chapters[0]["page"], chapters[0]["title"])
    with open(os.path.join(out_dir, "index.html"), "w", encoding="utf-8") as f:
        f.write(page("Contents", site_title, contents, None, first))
    return len(chapters)
