"""The readable export's page: headings, fields and values in words (`Doc`), and a saved plan or card with all
its versions and drafts (`tools_part`); bot/render/export.py puts the parts in the order of the menu."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from bot.domain.forms import CARD_PART_NAMES, CARD_STEPS, PART_NAMES, PHASE_NAMES, STEPS
from bot.domain.plans import PHASES
from bot.domain.safetyplans import HOME, HOME_PART_NAMES, SAFETY, SAFETY_PART_NAMES
from bot.i18n import Translator
from bot.render.export_words import (
    COLUMNS,
    NAME_FIELDS,
    Row,
    scalar,
    value_text,
)
from bot.render.fonts import GREY, drawable, unadorned
from bot.render.pdf import Pdf
from bot.render.text import made_with_words

PART_NAMES_OF = {SAFETY: SAFETY_PART_NAMES, HOME: HOME_PART_NAMES}  # the safety plans' parts (CARD_PART_NAMES else)

# --- the document ---------------------------------------------------------------------------------------------


class Doc:
    def __init__(self, t: Translator) -> None:
        self.t = t
        title = t.gettext("Your data in Houvast")
        self.pdf = Pdf(title, title, t.locale)
        self.pdf.add_page()

    def text(self, value: object, *, size: float = Pdf.BODY, bold: bool = False, indent: float = 0,
             gap: float = 0, grey: bool = False) -> None:
        text = drawable(str(value)).strip()
        if not text:
            return
        pdf = self.pdf
        left = pdf.l_margin
        # A hanging indent that also holds when one long value runs over a page break.
        pdf.set_left_margin(left + indent)
        pdf.set_x(left + indent)
        pdf.paragraph(text, size=size, bold=bold, colour=GREY if grey else (20, 20, 20))
        pdf.set_left_margin(left)
        pdf.set_x(left)
        if gap:
            pdf.ln(gap)

    def section(self, title: str, intro: str | None = None) -> None:
        self.pdf.ln(3)
        self.pdf.heading(drawable(title))
        if intro:
            self.text(intro, grey=True, size=9.5)
        self.pdf.ln(1)

    def fields(self, table: str, row: Row, *, indent: float = 0, skip: tuple[str, ...] = ()) -> None:
        """Every labelled field with a value, "Label: value"; empty fields say nothing."""
        t = self.t
        for key, value in row.items():
            if key in skip or value in (None, "", [], {}):
                continue
            label = COLUMNS.get(table, {}).get(key, NAME_FIELDS.get(key, "?"))
            if label is None:
                continue
            if label == "?":  # a column added later without a label: still shown, never lost
                label = key.replace("_", " ")
            else:
                label = t.gettext(label)
            self.text(f"{label}: {value_text(t, table, key, value)}", indent=indent)

    def empty(self) -> None:
        self.text(self.t.gettext("Nothing."), grey=True)


def _tool_doc(doc: Doc, kind: str, content: Any, indent: float) -> None:
    """A saved signaleringsplan or crisis card, with the same headings as in the chat."""
    t = doc.t
    if not isinstance(content, dict) or not content:
        doc.text(t.gettext("Empty."), indent=indent, grey=True)
        return
    if kind == "signaleringsplan":
        for phase in PHASES:
            part = content.get(phase.value) or {}
            if not part:
                continue
            doc.text(unadorned(t.gettext(PHASE_NAMES[phase])), bold=True, indent=indent)
            for key, items in part.items():
                _tool_items(doc, t.gettext(PART_NAMES.get(key, key)), items, indent + 5)
        return
    names = PART_NAMES_OF.get(kind, CARD_PART_NAMES)
    for key, value in content.items():
        heading = t.gettext(names[key]) if key in names else key
        if key == "made_with" and isinstance(value, str):  # "Met mijn begeleider": "Gemaakt met: mijn begeleider"
            alone, who = made_with_words(t, value)
            value = t.gettext("by me") if alone else who
        _tool_items(doc, heading, value, indent)


def _tool_items(doc: Doc, heading: str, value: Any, indent: float) -> None:
    t = doc.t
    if isinstance(value, list):
        doc.text(heading, bold=True, indent=indent)
        for item in value:
            if isinstance(item, dict):
                item = ", ".join(str(item[k]) for k in ("name", "relation", "phone") if item.get(k))
            doc.text(f"• {item}", indent=indent + 5)
    else:
        doc.text(f"{heading}: {scalar(t, value)}", indent=indent)


def _step_name(t: Translator, kind: str, index: Any) -> str:
    steps = STEPS.get(kind, CARD_STEPS)  # type: ignore[call-overload]
    if not isinstance(index, int) or not 0 <= index < len(steps):
        return scalar(t, index)
    step = steps[index]
    if step.label:
        return t.gettext(step.label)
    name = t.gettext(PART_NAMES.get(step.path[-1], "")) if kind == "signaleringsplan" \
        else t.gettext(CARD_PART_NAMES[step.path[-1]])
    if step.phase is not None:
        name = f"{unadorned(t.gettext(PHASE_NAMES[step.phase])).split(':')[0]}: {name}"
    return name


def by_key(rows: list[Row], key: str) -> dict[Any, list[Row]]:
    grouped: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.get(key)].append(row)
    return grouped


def tools_part(doc: Doc, tables: dict[str, list[Row]], kind: str, title: str, intro: str) -> None:
    t = doc.t
    versions = [r for r in tables.get("tool_versions", []) if r.get("kind") == kind]
    drafts = [r for r in tables.get("tool_drafts", []) if r.get("kind") == kind]
    proposals = [r for r in tables.get("tool_proposals", []) if r.get("kind") == kind]
    doc.section(title, intro)
    if not (versions or drafts or proposals):
        doc.empty()
    for row in versions:
        doc.text(
            t.gettext("Version {n}, saved on {day}").format(n=row.get("version"), day=scalar(t, row.get("saved_at"))),
            bold=True,
        )
        if row.get("saved_by_name"):
            doc.text(f"{t.gettext(NAME_FIELDS['saved_by_name'])}: {row['saved_by_name']}")
        _tool_doc(doc, kind, row.get("content"), 5)
        doc.pdf.ln(2)
    for row in drafts:
        doc.text(t.gettext("Still being filled in, changed on {day}").format(day=scalar(t, row.get("updated_at"))),
                 bold=True)
        doc.text(f"{t.gettext(COLUMNS['tool_drafts']['step'])}: {_step_name(t, kind, row.get('step'))}")
        _tool_doc(doc, kind, row.get("content"), 5)
        doc.pdf.ln(2)
    for row in proposals:
        doc.text(t.gettext("Proposed answer for: {part}").format(part=_step_name(t, kind, row.get("step"))), bold=True)
        doc.fields("tool_proposals", row, indent=5, skip=("step",))
        doc.pdf.ln(1)
