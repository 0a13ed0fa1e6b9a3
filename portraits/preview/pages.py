"""The pages the preview serves besides the portrait: a build error (escaped text, the ``.qmd``
line and an excerpt around it), the page shown while the first build runs, the page that shows
several territories side by side (one frame each, each reloading by itself), and the script
added to every portrait page that reloads it when a newer version is served."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

from portraits.preview.failures import PreviewError

# Injected before </body>: reload when the server has a newer page than this one (`since` is the
# version of this page, so a change made while the page was loading is not missed), and a badge
# shown while a rebuild runs.
RELOAD_SCRIPT = """<div id="portraits-preview-status" role="status" aria-live="polite" hidden
  style="position:fixed;top:.5rem;right:.5rem;z-index:1000;padding:.3rem .7rem;border-radius:.3rem;
  background:#1a1a1a;color:#fff;font:600 14px/1.4 system-ui,sans-serif;opacity:.85">Rebuilding…</div>
<script id="portraits-preview">
(function () {
  var source = new EventSource("/events?%ssince=%d");
  var badge = document.getElementById("portraits-preview-status");
  source.addEventListener("building", function (e) { badge.hidden = e.data !== "1"; });
  source.addEventListener("reload", function () { source.close(); window.location.reload(); });
})();
</script>
"""


@dataclasses.dataclass
class Version:
    """What the server serves now."""

    generation: int
    page: bytes
    ok: bool
    error: str | None = None
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    changes: list[str] = dataclasses.field(default_factory=list)
    published: float = 0.0     # time.time() when it was published


_PAGE_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; color: #a40000; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: .75rem; overflow-x: auto; font-size: .85rem; }
.excerpt .hit { background: #ffe3e3; display: inline-block; width: 100%; }
.where { font-weight: 600; }
"""


def _excerpt(text: str, line: int, around: int = 4) -> str:
    lines = text.splitlines()
    start, end = max(1, line - around), min(len(lines), line + around)
    rows = []
    for n in range(start, end + 1):
        row = html.escape(f"{n:>5} | {lines[n - 1]}")
        rows.append(f'<span class="hit">{row}</span>' if n == line else row)
    return "\n".join(rows)


def error_page(error: PreviewError, *, template: Path, territory: str, text: str = "") -> str:
    """A page for the browser: escaped text, where it happened, the reload script added later."""
    parts = [f"<h1>The portrait of {html.escape(territory)} could not be built</h1>",
             f"<p class=\"kind\">{html.escape(error.kind.capitalize())} error in "
             f"<code>{html.escape(str(template))}</code></p>"]
    if error.qmd_line:
        label = f"{error.label}, " if error.label else ""
        parts.append(f'<p class="where">{html.escape(template.name)}, line {error.qmd_line}'
                     + (f" ({html.escape(label)}cell {error.cell_index} of the executed notebook)"
                        if error.cell_index is not None else "")
                     + "</p>")
    elif error.cell_index is not None:
        parts.append(f'<p class="where">cell {error.cell_index} of the executed notebook</p>')
    parts.append(f'<pre class="message">{html.escape(error.message)}</pre>')
    if error.qmd_line and text:
        parts.append(f'<pre class="excerpt">{_excerpt(text, error.qmd_line)}</pre>')
    elif error.source:
        parts.append(f'<pre class="source">{html.escape(error.source)}</pre>')
    if error.details:
        parts.append(f'<details open><summary>Traceback</summary><pre class="traceback">'
                     f"{html.escape(error.details)}</pre></details>")
    parts.append("<p>Fix the file and save it: this page reloads by itself.</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Error: {html.escape(territory)}</title><style>{_PAGE_STYLE}</style></head>\n"
            f"<body><main id=\"preview-error\">\n{''.join(parts)}\n</main></body></html>\n")


def waiting_page(territory: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Building {html.escape(territory)}…</title><style>{_PAGE_STYLE}</style></head>\n"
            f"<body><main><p>Building the portrait of {html.escape(territory)}…</p></main></body></html>\n")


def inject_reload(page: str, generation: int, territory: str | None = None) -> bytes:
    """``page`` with the reload script; ``territory`` names the pane whose versions it follows
    (None: the only one)."""
    script = RELOAD_SCRIPT % (f"territory={territory}&" if territory else "", generation)
    at = page.rfind("</body>")
    page = page[:at] + script + page[at:] if at >= 0 else page + script
    return page.encode("utf-8")


_PANES_STYLE = """
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; }
#preview-panes { display: grid; grid-template-columns: repeat(COLUMNS, minmax(24rem, 1fr)); height: 100vh; overflow-x: auto; }
.pane { display: flex; flex-direction: column; min-width: 0; border-right: 1px solid #ccc; }
.pane h2 { margin: 0; padding: .3rem .6rem; font-size: .9rem; background: #f2f2f2; border-bottom: 1px solid #ccc; }
.pane h2 a { font-weight: 400; margin-left: .5rem; }
.pane iframe { flex: 1; border: 0; width: 100%; }
"""


def panes_page(panes: list[tuple[str, str]]) -> str:
    """Territories side by side: ``(id, name)`` each, a frame on ``/t/ID/`` that reloads by
    itself when its portrait is rebuilt (an error shows in its frame only)."""
    esc = html.escape
    style = _PANES_STYLE.replace("COLUMNS", str(len(panes)))
    frames = "".join(
        f'<section class="pane" data-territory="{esc(tid)}"><h2>{esc(tid)} · {esc(name)}'
        f'<a href="/t/{esc(tid)}/" target="_blank">open alone</a></h2>'
        f'<iframe src="/t/{esc(tid)}/" title="{esc(tid)} · {esc(name)}"></iframe></section>'
        for tid, name in panes)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Preview: {esc(', '.join(t for t, _ in panes))}</title>"
            f"<style>{style}</style></head>\n"
            f'<body><main id="preview-panes">{frames}</main></body></html>\n')
