"""Scrubbing executed notebooks before they are saved (used by tools/nbexecute.py)."""

# The kernelspec every saved notebook names, whichever kernel ran it (the project's, IJava or
# JJava): each clone installs its own kernel under this name (tools/run-chapters.sh), so the
# committed notebooks stay the same from clone to clone.
KERNELSPEC = {"name": "deep-rnn-java", "display_name": "Java (Deep RNN, DL4J)", "language": "java"}


def drop_image_text(data):
    """Drop the text/plain beside an image: the Java kernels send the image object's toString
    there (IJava and JJava: "BufferedImage@4a2dcb34: type = 1 DirectColorModel: ..."), which
    changes on every run and says nothing the image does not show."""
    if any(m.startswith("image/") for m in data):
        data.pop("text/plain", None)


def stable_kernelspec(nb):
    """Name the project's kernelspec in the notebook's metadata (KERNELSPEC)."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)


def scrub(nb, replacements):
    """Replace machine paths in outputs (replacements: "FROM=TO", longest FROM first) and drop
    metadata that changes on every run."""
    pairs = []
    for item in replacements:
        src, _, dst = item.partition("=")
        if src and src != "/":
            pairs.append((src, dst))
    pairs.sort(key=lambda p: len(p[0]), reverse=True)

    def fix(text):
        for src, dst in pairs:
            text = text.replace(src, dst)
        return text

    def fix_value(value):
        if isinstance(value, str):
            return fix(value)
        if isinstance(value, list):
            return [fix_value(v) for v in value]
        return value

    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell["outputs"] = merge_streams(cell.get("outputs", []))
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                out["text"] = fix_value(out.get("text", ""))
            elif kind == "error":
                out["evalue"] = fix_value(out.get("evalue", ""))
                out["traceback"] = fix_value(out.get("traceback", []))
            elif kind in ("execute_result", "display_data"):
                data = out.get("data", {})
                drop_image_text(data)
                for mime in list(data):
                    if mime.startswith("text/") or mime in ("application/json", "image/svg+xml"):
                        data[mime] = fix_value(data[mime])
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)


def merge_streams(outputs):
    """Join consecutive stdout (or stderr) outputs into one: the Java kernel sends every print call
    as its own message, which nbconvert's HTML would show as separate blocks."""
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            prev["text"] = _text(prev.get("text", "")) + _text(out.get("text", ""))
        else:
            merged.append(out)
    return merged


def _text(value):
    return "".join(value) if isinstance(value, list) else value
