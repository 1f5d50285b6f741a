"""Reference labels in the style the text cites: author and year.

The reference list is labelled "Hinton and Salakhutdinov, 2006", not [1]-[17]:
the pybtex style ``authoryear`` that ``bibtex_default_style`` names in
``_config.yml`` (sphinxcontrib-bibtex 2.7, pybtex's plugin registry).
"""

from __future__ import annotations

import pybtex.plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


class AuthorYearLabels(BaseLabelStyle):
    """Labels as sphinxcontrib-bibtex's ``author_year`` cites in the text:
    "Kramer, 1991", "Kingma and Ba, 2015", "Vincent et al., 2008"; a second
    entry with the same label gets "a"/"b" after the year."""

    def format_labels(self, sorted_entries):
        labels = [self._label(entry) for entry in sorted_entries]
        for label in set(labels):
            clashes = [i for i, other in enumerate(labels) if other == label]
            if len(clashes) > 1:
                for suffix, i in zip("abcdefghijklmnopqrstuvwxyz", clashes):
                    labels[i] = label + suffix
        return iter(labels)

    @staticmethod
    def _label(entry) -> str:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []

        def last(person) -> str:
            names = [*person.rich_prelast_names, *person.rich_last_names]
            return " ".join(name.render_as("text") for name in names)

        if not persons:
            who = entry.fields.get("key") or entry.key
        elif len(persons) == 1:
            who = last(persons[0])
        elif len(persons) == 2:
            who = f"{last(persons[0])} and {last(persons[1])}"
        else:
            who = f"{last(persons[0])} et al."
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearStyle(PlainStyle):
    """pybtex's ``plain`` formatting with :class:`AuthorYearLabels`."""

    default_label_style = "authoryear"


def setup(app):
    # Before sphinxcontrib-bibtex formats the bibliography (it looks the style up by name).
    pybtex.plugin.register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
