"""Parse rendered pages the way a browser would, to check links, marks and escaping."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page:
    elements: list[Element] = field(default_factory=list)
    ids: dict[str, Element] = field(default_factory=dict)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """Elements of ``tag`` whose attributes contain the given values (class matches one word)."""
        out = []
        for e in self.elements:
            if e.tag != tag:
                continue
            ok = True
            for name, value in attrs.items():
                name = name.rstrip("_")
                have = e.attrs.get(name, "")
                ok = ok and (value in have.split() if name == "class" else have == value)
            if ok:
                out.append(e)
        return out


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.page.elements.append(element)
        if "id" in element.attrs:
            self.page.ids[element.attrs["id"]] = element
        if tag not in ("br", "img", "input", "meta", "link"):
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.page.elements.append(element)
        if "id" in element.attrs:
            self.page.ids[element.attrs["id"]] = element

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def parse(html: str) -> Page:
    """The page's elements with their attributes and text content."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def marked_text(page: Page, article_id: str, start: int, end: int) -> str:
    """The text of the marks of one article that lie inside [start, end), in order."""
    box = page.ids.get(f"art-{article_id}")
    assert box is not None, f"article {article_id} text is not on the page"
    index = page.elements.index(box)
    parts = []
    for element in page.elements[index + 1 :]:
        if element.tag == "div":
            break
        if (
            element.tag == "mark"
            and start <= int(element.attrs["data-s"])
            and int(element.attrs["data-e"]) <= end
        ):
            parts.append(element.text)
    return "".join(parts)


def unsafe_markup(page: Page, allowed_scripts: int) -> list[str]:
    """Everything on the page that could run script: handlers, javascript: URLs, extra scripts."""
    problems = []
    scripts = page.find("script")
    if len(scripts) > allowed_scripts:
        problems.append(f"{len(scripts)} script elements")
    for e in page.elements:
        for name, value in e.attrs.items():
            if name.startswith("on"):
                problems.append(f"<{e.tag} {name}=...>")
            if name in ("href", "src", "action", "xlink:href") and value.strip().lower().startswith(
                "javascript:"
            ):
                problems.append(f"<{e.tag} {name}={value}>")
        if e.tag in ("img", "iframe", "object", "embed"):
            problems.append(f"<{e.tag}>")
    return problems
