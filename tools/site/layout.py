"""The HTML around a chapter's cells: header with search, sidebar, previous/next, downloads and the
commands that run the notebook; and the one-page book the PDF is printed from."""

import html
import re

ZIP_NAME = "deep-rnn-notebooks.zip"
PDF_NAME = "deep-rnn-book.pdf"


def title_html(title):
    """A notebook title is markdown: *x* and `x` are the only markup the titles use."""
    text = html.escape(title)
    text = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def plain(title):
    return re.sub(r"[*`]", "", title)


def head(title, site_title, scripts=True):
    js = ("""<script defer src="assets/site.js"></script>\n""" if scripts else "")
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
{js}</head>
"""


def header(site_title):
    return f"""<a class="skip" href="#content">Skip to the text</a>
<header class="top">
<button type="button" class="menu-button" aria-controls="sidebar" aria-expanded="false">Contents</button>
<a class="site-title" href="index.html">{html.escape(site_title)}</a>
<form class="search" role="search" action="#">
<label class="visually-hidden" for="search-box">Search the chapters</label>
<input id="search-box" type="search" placeholder="Search the chapters" autocomplete="off" aria-controls="search-results">
<div id="search-results" class="search-results" aria-live="polite" hidden></div>
</form>
</header>
"""


def sidebar(chapters, current):
    """Every chapter; under the current one its sections (h2, and h3 beneath them)."""
    items = []
    for ch in chapters:
        here = ch is current
        attrs = ""
        if here:  # the chapter's own link stands for its h1 while no section is in view
            attrs = ' aria-current="page"' + (f' data-section="{html.escape(ch["sections"][0][1])}"' if ch["sections"] else "")
        link = f'<a href="{html.escape(ch["page"])}"{attrs}>{title_html(ch["title"])}</a>'
        subs = section_list(ch["sections"]) if here else ""
        items.append(f"<li>{link}{subs}</li>")
    contents_attr = ' aria-current="page"' if current is None else ""
    return (f'<nav class="sidebar" id="sidebar" aria-label="Chapters and sections">\n'
            f'<a href="index.html"{contents_attr}>Contents</a>\n'
            f'<ol>{"".join(items)}</ol>\n</nav>\n')


def section_list(sections):
    """The h2 sections as a list, each with its h3 sections in a list beneath it."""
    tree = []
    for level, ident, text in sections:
        if level == 2 or (level == 3 and not tree):
            tree.append((ident, text, []))
        elif level == 3:
            tree[-1][2].append((ident, text))

    def entry(ident, text):
        return f'<a href="#{html.escape(ident)}" data-section="{html.escape(ident)}">{html.escape(text)}</a>'
    items = "".join(f"<li>{entry(i, t)}" + (f"<ul>{''.join(f'<li>{entry(*c)}</li>' for c in kids)}</ul>" if kids else "")
                    + "</li>" for i, t, kids in tree)
    return f"<ul>{items}</ul>" if items else ""


def pager(prev_link, next_link, where, to_contents=True):
    def link(target, rel):
        if target is None:
            return "<span></span>"
        href, text = target
        label = f"&larr; {title_html(text)}" if rel == "prev" else f"{title_html(text)} &rarr;"
        return f'<a rel="{rel}" href="{html.escape(href)}">{label}</a>'
    label = "Previous and next chapter" + (" (end of page)" if where == "bottom" else "")
    contents = '<a href="index.html">Contents</a>' if to_contents else ""
    return (f'<nav class="pager {where}" aria-label="{label}">{link(prev_link, "prev")}'
            f'{contents}{link(next_link, "next")}</nav>\n')


def tools(notebook_file, pdf):
    """Downloads, and for a chapter the commands that run it (README's two commands)."""
    links = []
    if notebook_file:
        links.append(f'<a href="notebooks/{html.escape(notebook_file)}" download>This notebook (.ipynb)</a>')
    links.append(f'<a href="{ZIP_NAME}" download>All notebooks (.zip)</a>')
    if pdf:
        links.append(f'<a href="{PDF_NAME}">The book (PDF)</a>')
    out = f'<div class="page-tools"><span>Download:</span> {" ".join(links)}'
    if notebook_file:
        prefix = html.escape(notebook_file.split("-")[0])
        name = html.escape(notebook_file)
        out += f"""
<details><summary>Run this notebook yourself</summary>
<p>In a clone of the repository, with JDK 17+ and Maven (the scripts install Jupyter and the Java kernel):</p>
<pre>bash tools/open-chapters.sh      # the Notebook UI: open notebooks/{name} at the URL it prints
bash tools/run-chapters.sh {prefix}    # or execute it from the command line (RUN_MODE=quick: a few epochs)</pre>
</details>"""
    return out + "</div>\n"


def page(title, site_title, body, chapters, current, prev_link, next_link, pdf):
    """A page of the site: a chapter (current is its entry in chapters) or the contents (current None)."""
    notebook_file = current["file"] if current else None
    return (head(title, site_title) + "<body>\n" + header(site_title) + '<div class="layout">\n'
            + sidebar(chapters, current) + '<main id="content">\n' + pager(prev_link, next_link, "top", current is not None)
            + tools(notebook_file, pdf) + body + "\n" + pager(prev_link, next_link, "bottom", current is not None)
            + "</main>\n</div>\n</body>\n</html>\n")


def contents(chapters, site_title, intro, link=lambda ch, ident: ch["page"] + ("#" + ident if ident else "")):
    """The contents: every chapter with its h2 sections; link(chapter, section id or None) is the href."""
    items = []
    for ch in chapters:
        subs = "".join(f'<li><a href="{html.escape(link(ch, ident))}">{html.escape(text)}</a></li>'
                       for level, ident, text in ch["sections"] if level == 2)
        items.append(f'<li><a href="{html.escape(link(ch, None))}">{title_html(ch["title"])}</a>'
                     f' <span class="meta">{html.escape(ch["file"])}</span>'
                     + (f"<ul>{subs}</ul>" if subs else "") + "</li>")
    return (f"<h1>{html.escape(site_title)}</h1>\n<p>{intro}</p>\n"
            f'<ol class="chapters">\n' + "\n".join(items) + "\n</ol>")


def book(chapters, site_title):
    """Every chapter on one page, ids prefixed per chapter so they stay unique, for printing to PDF."""
    parts = []
    for n, ch in enumerate(chapters, 1):
        prefix = f"c{n}-"
        body = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{prefix}{m.group(1)}"', ch["body"])
        body = re.sub(r'\shref="#([^"]+)"', lambda m: f' href="#{prefix}{m.group(1)}"', body)
        parts.append(f'<section class="book-chapter" id="chapter-{n}">\n{body}\n</section>')
    number = {ch["page"]: n for n, ch in enumerate(chapters, 1)}
    toc = contents(chapters, site_title, "The chapters with the outputs of their committed full run.",
                   lambda ch, ident: f"#c{number[ch['page']]}-{ident}" if ident else f"#chapter-{number[ch['page']]}")
    toc = toc.replace("<h1>", '<h1 class="book-title">', 1)
    return (head("The book", site_title, scripts=False) + '<body>\n<main id="content">\n' + toc + "\n"
            + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")
