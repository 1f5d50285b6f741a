"""Exercises (chapters 2-6): every solution's code runs, and the number it computes
is the number the solution states as its answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import toc_files

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "book").glob("ch*/exercises.md"))
SOLUTION = re.compile(r"^(:{3,})\{solution\}\s+(\S+)\n(.*?)^\1\s*$", re.S | re.M)
ANSWER = re.compile(r"\*\*答案：([-+0-9.eE]+)")


def _solutions():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for _, label, body in SOLUTION.findall(text):
            yield pytest.param(page, label, body, id=label)


def test_chapters_2_to_6_have_two_to_four_exercises_each():
    for chapter in ("ch02", "ch03", "ch04", "ch05", "ch06"):
        pages = [p for p in PAGES if p.parent.name.startswith(chapter)]
        assert len(pages) == 1, f"{chapter}: expected one exercises.md, found {pages}"
        text = pages[0].read_text(encoding="utf-8")
        n = len(re.findall(r"^```\{exercise\}", text, flags=re.M))
        assert 2 <= n <= 4, f"{pages[0]}: {n} exercises"
        labels = re.findall(r"^:label:\s*(\S+)", text, flags=re.M)
        solved = re.findall(r"^:{3,}\{solution\}\s+(\S+)", text, flags=re.M)
        assert sorted(labels) == sorted(solved), f"{pages[0]}: every exercise needs one solution"
        assert f"book/{pages[0].parent.name}/exercises" in toc_files(), (
            f"{pages[0]} is not in _toc.yml"
        )


def test_solutions_are_hidden_until_opened():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for _, label, body in SOLUTION.findall(text):
            assert ":class: dropdown" in body.splitlines()[0], f"{label}: solution not folded"


@pytest.mark.parametrize("page, label, body", list(_solutions()))
def test_solution_code_computes_the_stated_answer(page, label, body):
    blocks = re.findall(r"```python\n(.*?)```", body, flags=re.S)
    stated = ANSWER.search(body)
    if not blocks:
        assert stated is None, f"{label}: states an answer but has no code computing it"
        return
    namespace: dict = {}
    exec(compile("\n".join(blocks), f"{page.name}:{label}", "exec"), namespace)  # noqa: S102
    assert stated is not None, f"{label}: code but no '**答案：…**'"
    assert "answer" in namespace, f"{label}: the code must set `answer`"
    assert float(namespace["answer"]) == pytest.approx(float(stated.group(1)), rel=1e-3), label
