"""The documents the site's search indexes: one per section of a chapter page (headings, prose and
code; cell outputs are left out, they are numbers and logs rather than what a reader looks for)."""

import re
from html.parser import HTMLParser

# the classes nbconvert gives a cell's outputs (its classic template, then its JupyterLab one)
OUTPUT_CLASSES = {"output_wrapper", "jp-Cell-outputWrapper", "jp-OutputArea"}
HEADINGS = {"h1", "h2", "h3", "h4"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class SectionText(HTMLParser):
    """Collects the text of a page body per heading, skipping outputs, scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = [{"id": "", "title": "", "text": []}]
        self.open = []  # the tags open at this point
        self.skip_from = None  # how many tags were open outside the element whose content is skipped
        self.heading = None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        if self.skip_from is None and (tag in ("script", "style")
                                       or OUTPUT_CLASSES & set((attrs.get("class") or "").split())):
            self.skip_from = len(self.open)
        self.open.append(tag)
        if tag in HEADINGS and attrs.get("id") and self.skip_from is None:
            self.heading = {"id": attrs["id"], "title": [], "text": []}
            self.sections.append(self.heading)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.open:
            return
        while self.open.pop() != tag:  # an element closed implicitly, such as an unclosed <p>
            pass
        if self.skip_from is not None and len(self.open) <= self.skip_from:
            self.skip_from = None
        if tag in HEADINGS:
            self.heading = None
        if tag in ("p", "pre", "li", "div", "tr", "br"):
            self.sections[-1]["text"].append("\n")

    def handle_data(self, data):
        if self.skip_from is not None:
            return
        if self.heading is not None:
            self.heading["title"].append(data)
        else:
            self.sections[-1]["text"].append(data)


def clean(parts):
    text = "".join(parts)
    return re.sub(r"[ \t]+", " ", re.sub(r"\s*\n\s*", "\n", text)).strip()


def documents(chapter_title, page, body):
    """[{id, chapter, section, page, text}] for the sections of one page; the id is page#anchor."""
    parser = SectionText()
    parser.feed(body)
    parser.close()
    docs = []
    for s in parser.sections:
        section = clean(s["title"]) if s["id"] else chapter_title
        text = clean(s["text"])
        if not s["id"] and not text:
            continue
        docs.append({"id": f"{page}#{s['id']}" if s["id"] else page, "chapter": chapter_title,
                     "section": section, "text": text})
    return docs
