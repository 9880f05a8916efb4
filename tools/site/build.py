"""The HTML site of the chapters: tools/nbtool.py site (tools/run-chapters.sh runs it).

One page per notebook (nbconvert's basic template for the cells, layout.py's page around them:
sidebar, search box, previous/next, downloads, how to run it) and a contents page. Every asset is
inside the site folder, so it works opened from disk and from any web server: KaTeX renders the
TeX when a page loads; figures the notebooks link to are copied into images/, output images are
embedded by nbconvert with alt text from the cell that drew them (alttext.py); the search index is
built here with MiniSearch (searchdocs.py, search-index.mjs); the notebooks are copied and zipped;
with a Chromium, the book is printed to one PDF (pdf.mjs). The npm packages are pinned in
package.json beside this file.
"""

import html
import json
import os
import re
import shutil
import subprocess
import zipfile

import alttext
import layout
import searchdocs

HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
ID_ATTR = re.compile(r'\sid="([^"]*)"')
LOCAL_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]+)(")')
ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
OUTPUT_IMG = re.compile(r'<img\s+(src="data:image/png;base64,([^"]+)")')
DARK_CODE_STYLE = "github-dark"

KATEX_FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")

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


def chart_alts(nb):
    """{base64 PNG of an output: its alt text}, from the source of the cell that drew it."""
    alts, section = {}, "the beginning"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for m in re.finditer(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", cell.source, re.M):
                section = re.sub(r"[*`$\\]", "", m.group(1))
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                png = out.get("data", {}).get("image/png")
                if png:
                    alts[re.sub(r"\s", "", png)] = alttext.chart_alt(cell.source, section)
    return alts


def describe_images(body, alts, name):
    """Give every output image its alt text; an image without one is an error, not a silent gap."""
    def fix(m):
        alt = alts.get(re.sub(r"\s", "", m.group(2)))
        if alt is None:
            raise SystemExit(f"error: an image output of {name} has no alt text (no cell drew it)")
        return f'<img alt="{html.escape(alt)}" {m.group(1)}'
    return OUTPUT_IMG.sub(fix, body)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def copy_assets(out_dir, node_modules):
    """The page's stylesheet (with the code colours of both themes), its scripts and MiniSearch."""
    from pygments.formatters import HtmlFormatter
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")
    dest = os.path.join(out_dir, "assets")
    minisearch = os.path.join(node_modules, "minisearch", "dist", "umd", "index.js")
    if not os.path.isfile(minisearch):
        raise SystemExit(f"error: MiniSearch missing in {node_modules} (npm ci in tools/site's package folder installs it)")
    shutil.copyfile(minisearch, os.path.join(dest, "minisearch.js"))
    for f in ("site.js", "render-math.js"):
        shutil.copyfile(os.path.join(here, f), os.path.join(dest, f))
    with open(os.path.join(here, "site.css"), encoding="utf-8") as f:
        css = f.read()
    dark = HtmlFormatter(style=DARK_CODE_STYLE).get_style_defs(".highlight")
    write(os.path.join(dest, "site.css"),
          css + HtmlFormatter(style="default").get_style_defs(".highlight") + "\n"
          + "@media screen and (prefers-color-scheme: dark) {\n" + dark + "\n}\n")


def downloads(chapters, out_dir):
    """Each notebook as it is in notebooks/, and all of them in one zip (fixed dates: same input, same zip)."""
    folder = os.path.join(out_dir, "notebooks")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with zipfile.ZipFile(os.path.join(out_dir, layout.ZIP_NAME), "w", zipfile.ZIP_DEFLATED) as z:
        for ch in chapters:
            shutil.copyfile(ch["path"], os.path.join(folder, ch["file"]))
            with open(ch["path"], "rb") as f:
                z.writestr(zipfile.ZipInfo("notebooks/" + ch["file"], date_time=(1980, 1, 1, 0, 0, 0)), f.read(),
                           zipfile.ZIP_DEFLATED)


def keep_fonts(out_dir, used):
    """Drop the KaTeX fonts no formula of the book loaded (a browser fetches a font only for a glyph it draws)."""
    folder = os.path.join(out_dir, "assets", "katex", "fonts")
    fonts = os.listdir(folder)
    missing = sorted(set(used) - set(fonts))
    if missing:
        raise SystemExit(f"error: the book loaded KaTeX fonts that are not in the site: {', '.join(missing)}")
    for f in fonts:
        if f not in used:
            os.remove(os.path.join(folder, f))
    print(f"KaTeX fonts: {len(used)} of {len(fonts)} kept, the others no formula uses")


def run_node(script, *args):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), script)
    done = subprocess.run(["node", path, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"error: {script} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def build(notebook_paths, out_dir, katex_dist, site_title, title_of, chromium=None):
    """The site in out_dir; with chromium (a browser's path) also the book as one PDF, printed from the site."""
    import nbformat
    from nbconvert import HTMLExporter

    if not notebook_paths:
        raise SystemExit("error: no notebooks to build the site from")
    node_modules = os.path.dirname(os.path.dirname(os.path.abspath(katex_dist)))  # .../node_modules/katex/dist
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):  # generated: drop pages of removed notebooks, old images and downloads
        path = os.path.join(out_dir, old)
        if old.endswith((".html", ".zip", ".pdf")):
            os.remove(path)
        elif old == "images":
            shutil.rmtree(path)
    copy_katex(katex_dist, out_dir)
    copy_assets(out_dir, node_modules)

    exporter = HTMLExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True)
    chapters = []
    for path in notebook_paths:
        nb = nbformat.read(path, as_version=4)
        if not nb.metadata.get("language_info"):  # never executed: still highlight it as Java
            nb.metadata["language_info"] = {"name": "java", "pygments_lexer": "java"}
        stem = os.path.splitext(os.path.basename(path))[0]
        body, _ = exporter.from_notebook_node(nb)
        body, heads = sections(body)
        body = localise_images(body, os.path.dirname(os.path.abspath(path)), out_dir)
        body = describe_images(body, chart_alts(nb), os.path.basename(path))
        chapters.append({"page": stem + ".html", "title": title_of(nb, stem), "body": body, "sections": heads,
                         "file": os.path.basename(path), "path": path})

    pdf = chromium is not None
    for i, ch in enumerate(chapters):
        prev_link = (chapters[i - 1]["page"], chapters[i - 1]["title"]) if i > 0 else None
        next_link = (chapters[i + 1]["page"], chapters[i + 1]["title"]) if i + 1 < len(chapters) else None
        write(os.path.join(out_dir, ch["page"]),
              layout.page(ch["title"], site_title, ch["body"], chapters, ch, prev_link, next_link, pdf))
    intro = ("The chapters with the outputs of their committed full run. Search them with the box above; "
             "each page links its notebook and says how to run it yourself.")
    write(os.path.join(out_dir, "index.html"),
          layout.page("Contents", site_title, layout.contents(chapters, site_title, intro), chapters, None, None,
                      (chapters[0]["page"], chapters[0]["title"]), pdf))
    downloads(chapters, out_dir)

    docs = [d for ch in chapters for d in searchdocs.documents(layout.plain(ch["title"]), ch["page"], ch["body"])]
    docs_file = os.path.join(out_dir, "assets", "search-documents.json")
    write(docs_file, json.dumps(docs))
    try:
        run_node("search-index.mjs", node_modules, docs_file, os.path.join(out_dir, "assets", "search-index.js"))
    finally:
        os.remove(docs_file)

    if pdf:
        book = os.path.join(out_dir, "book.html")
        write(book, layout.book(chapters, site_title))
        try:
            printed = run_node("pdf.mjs", node_modules, chromium, book, os.path.join(out_dir, layout.PDF_NAME))
        finally:
            os.remove(book)
        print(printed.splitlines()[0])
        keep_fonts(out_dir, printed.splitlines()[-1].split(":", 1)[1].split())
    return len(chapters)
