#!/usr/bin/env python3
"""Print the single-page HTML edition of the book to PDF with headless Chromium.

`make pdf` first builds ``_build/singlehtml`` (Jupyter Book's ``singlehtml``
builder: the whole book as one page), then runs this script. It serves that
folder on 127.0.0.1 (no request leaves the machine), opens it in Chromium,
waits until every image has loaded, MathJax has typeset every formula and
Mermaid has drawn every diagram, and prints it with ``page.pdf()``: A4, page
numbers in the footer. Chinese text needs a CJK font that Chromium can use
(Debian: ``fonts-noto-cjk``; .ci/run installs it).

Usage: python scripts/build_pdf.py [--chromium PATH] SRC_DIR OUT.pdf
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from site_tools import CHROMIUM_FLAGS, QuietHandler, serve

TIMEOUT_MS = 180_000

# Print layout: no navigation chrome, no "show code" toggles, code that wraps.
PRINT_CSS = """
@media print {
  .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article,
  .bd-footer, .bd-footer-article, .prev-next-area, .header-article-items,
  #pst-back-to-top, .toggle-details__summary .tooltip { display: none !important; }
  .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
  .bd-container, .bd-page-width { max-width: 100% !important; }
  pre { white-space: pre-wrap !important; overflow-wrap: anywhere; font-size: 8.5pt !important; }
  details { display: block; }
  section > h1 { break-before: page; }
  img, figure, svg, .cell_output { break-inside: avoid; }
}
.pdf-tex { display: inline-block; width: 0; height: 0; overflow: visible; white-space: nowrap;
           color: transparent; font: normal 1px sans-serif; line-height: 0; vertical-align: top; }
"""

WAIT_JS = """
async () => {
  document.querySelectorAll('img[loading="lazy"]').forEach(i => { i.loading = 'eager'; });
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  let tex = 0;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    // MathJax draws formulas with its own fonts, which leave no text in a PDF:
    // add each formula's TeX as invisible text, so the PDF can be searched and copied.
    for (const item of MathJax.startup.document.math) {
      if (!item.typesetRoot) continue;
      const span = document.createElement('span');
      span.className = 'pdf-tex';
      span.textContent = ' ' + item.math.trim() + ' ';
      (item.typesetRoot.closest('.math') || item.typesetRoot).after(span);  // .math clips
      tex += 1;
    }
  }
  const deadline = Date.now() + 120000;
  const pending = () => {
    const imgs = Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0));
    const diagrams = Array.from(document.querySelectorAll('pre.mermaid, div.mermaid'))
      .filter(d => !d.querySelector('svg'));
    return imgs.length + diagrams.length;
  };
  while (pending() > 0 && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 200));
  }
  return {
    pending: pending(),
    math: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror').length,
    tex: tex,
    rawMath: Array.from(document.querySelectorAll('.math'))
      .filter(e => !e.querySelector('mjx-container')).length,
    images: document.images.length,
  };
}
"""


class _SingleHtmlHandler(QuietHandler):
    """Serve the build folder. The singlehtml builder writes some links relative to a
    chapter's folder (``book/_images/x.png``, ``book/_static/…``) while the files sit at
    the top (``_images/``, ``_static/``): a missing file is looked up there."""

    def translate_path(self, path):
        local = Path(super().translate_path(path))
        if not local.exists():
            parts = local.relative_to(Path(self.directory).resolve()).parts
            for i, part in enumerate(parts):
                if part in ("_images", "_static"):
                    candidate = Path(self.directory).resolve().joinpath(*parts[i:])
                    if candidate.exists():
                        return str(candidate)
        return str(local)


def _has_cjk_font() -> bool | None:
    """True/False if fontconfig can tell whether a CJK font is installed, None if it cannot."""
    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True)
    return bool(out.stdout.strip())


def build_pdf(src: Path, out: Path, chromium: str) -> dict:
    """Print ``src/index.html`` to ``out``; return what was waited for (counts)."""
    from playwright.sync_api import sync_playwright

    if not (src / "index.html").is_file():
        raise FileNotFoundError(f"{src}/index.html not found: build it with "
                                "`jupyter-book build . --builder singlehtml` (make pdf does)")
    if _has_cjk_font() is False:
        raise RuntimeError(
            "no CJK font for Chromium: Chinese text would print as boxes. "
            "Install one, e.g. `sudo apt-get install fonts-noto-cjk` (.ci/run does this)"
        )
    external: list[str] = []
    with serve(src, _SingleHtmlHandler) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        local = (base, "data:", "blob:")
        page.on("request", lambda r: r.url.startswith(local) or external.append(r.url))
        page.goto(base + "index.html", wait_until="networkidle", timeout=TIMEOUT_MS)
        page.add_style_tag(content=PRINT_CSS)
        info = page.evaluate(WAIT_JS)
        if info["pending"]:
            raise RuntimeError(f"{info['pending']} images or diagrams did not finish loading")
        if info["rawMath"]:
            raise RuntimeError(f"{info['rawMath']} formulas were not typeset by MathJax")
        if info["tex"] != info["math"]:
            raise RuntimeError(f"{info['math']} formulas on the page "
                               f"but MathJax typeset {info['tex']}")
        if info["mathErrors"]:
            raise RuntimeError(f"MathJax reported {info['mathErrors']} TeX errors")
        page.emulate_media(media="print")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(out), format="A4", print_background=True,
            margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            display_header_footer=True, header_template="<span></span>",
            footer_template=('<div style="font-size:8px;width:100%;text-align:center;">'
                             '<span class="pageNumber"></span> / '
                             '<span class="totalPages"></span></div>'),
        )
        browser.close()
    if external:
        raise RuntimeError(f"the page asked for other hosts while printing: {external[:5]}")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="folder of the singlehtml build (has index.html)")
    parser.add_argument("out", type=Path, help="the PDF to write")
    parser.add_argument(
        "--chromium", help="browser executable (default: scripts/find_browser.py's choice)"
    )
    args = parser.parse_args(argv)
    chromium = args.chromium
    if not chromium:
        from find_browser import BrowserNotFound, find_browser

        try:
            chromium = find_browser()
        except BrowserNotFound as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    start = time.perf_counter()
    try:
        info = build_pdf(args.src, args.out, chromium)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    size = args.out.stat().st_size / 1e6
    print(f"pdf: {args.out} ({size:.1f} MB, {info['math']} formulas, {info['images']} images, "
          f"printed in {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
