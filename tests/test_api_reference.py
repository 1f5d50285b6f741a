"""The API reference covers the whole library, and the chapter <-> API links work."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import autoencoder_lib

from .conftest import _load_apiref, toc_files

ROOT = Path(__file__).resolve().parent.parent
apiref = _load_apiref()


def _public_modules() -> list[str]:
    modules = pkgutil.iter_modules(autoencoder_lib.__path__)
    return sorted(m.name for m in modules if not m.name.startswith("_"))


def test_every_public_module_has_an_api_page_in_the_toc():
    listed = set(toc_files())
    missing = [m for m in _public_modules() if f"book/api/{m}" not in listed]
    assert not missing, f"modules without a page under book/api/ listed in _toc.yml: {missing}"
    for module in _public_modules():
        page = (ROOT / "book" / "api" / f"{module}.md").read_text(encoding="utf-8")
        assert f".. automodule:: autoencoder_lib.{module}" in page, module


def test_api_index_links_every_module_page():
    index = (ROOT / "book" / "api" / "index.md").read_text(encoding="utf-8")
    missing = [m for m in _public_modules() if f"]({m}.md)" not in index]
    assert not missing, f"book/api/index.md does not link: {missing}"


def test_used_functions_finds_module_and_function_imports():
    code = (
        "from autoencoder_lib import data, metrics as M\n"
        "from autoencoder_lib.plotting import plot_history\n"
        "x = data.load_fashion_mnist('test')\n"
        "err = M.psnr(x, x)\n"
        "plot_history(h)\n"
        "y = other.data.load(x)\n"  # an attribute of something else is not ours
        "metrics.ssim(x, x)\n"       # imported under another name: not a call of ours
    )
    assert apiref.used_functions(code) == [
        "autoencoder_lib.data.load_fashion_mnist",
        "autoencoder_lib.metrics.psnr",
        "autoencoder_lib.plotting.plot_history",
    ]


def test_used_functions_reads_multi_line_imports_and_skips_ipython_lines():
    code = (
        "%matplotlib inline\n"
        "from autoencoder_lib import (\n"
        "    data,\n"
        "    noise as N,\n"
        ")\n"
        "import autoencoder_lib.metrics as met\n"
        "from autoencoder_lib.tables import (\n"
        "    markdown_table,\n"
        ")\n"
        "!ls\n"
        "x = data.load_digits()\n"
        "for s in (0.1, 0.2):\n"
        "    y = N.add_gaussian_noise(x, s)\n"
        "    met.psnr(x, y)\n"
        "markdown_table([[1]], ['a'])\n"
    )
    assert apiref.used_functions(code) == [
        "autoencoder_lib.data.load_digits",
        "autoencoder_lib.metrics.psnr",
        "autoencoder_lib.noise.add_gaussian_noise",
        "autoencoder_lib.tables.markdown_table",
    ]


def test_section_map_resolves_files_and_headings():
    mapping = apiref.section_map(ROOT)
    assert mapping["5"] == "book/ch05_practice/index"
    assert mapping["5.6"] == "book/ch05_practice/5_6_denoising"
    # a heading inside the page
    assert mapping["2.5"] == "book/ch02_core_concepts/first_autoencoder"
