"""The one place that invents records for tests and benchmarks: unspecified fields get neutral values.

Records gain fields while the stages are written; filling the rest by type keeps each test about
the fields it names. Who uses it:

- the provenance, divergences and events tests import ``make``, ``article`` and ``claim``;
- ``tests/ui_store.py`` builds the report and web tests' store from the same helpers;
- ``bench/web_speed.py`` imports ``make``, ``article`` and ``sentences`` (it puts this folder on
  ``sys.path``, as pytest does for the tests), so the benchmark's synthetic store fills fields
  exactly as the tests do.

It stays in ``tests/`` rather than the package because it is test support, not a feature: it
must not ship in the wheel, and the benchmarks are developer tools run from a checkout.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any, TypeVar

from wiretrace.records import Article, Claim, Sentence

T = TypeVar("T")


@functools.cache
def _neutral_values(record_type: type) -> dict[str, Any]:
    """Each field's neutral value by its type: None, (), -1 for a span offset, 0, 0.0, False or ""."""
    hints = typing.get_type_hints(record_type)
    neutral: dict[str, Any] = {}
    for field in dataclasses.fields(record_type):
        hint = hints[field.name]
        if type(None) in typing.get_args(hint):
            neutral[field.name] = None
        elif typing.get_origin(hint) is tuple:
            neutral[field.name] = ()
        elif hint is int:
            # offsets (``start``, ``content_end``...) use -1 for "no span", as the stages do
            neutral[field.name] = -1 if field.name.endswith(("start", "end")) else 0
        elif hint is float:
            neutral[field.name] = 0.0
        elif hint is bool:
            neutral[field.name] = False
        else:
            neutral[field.name] = ""
    return neutral


def make(record_type: type[T], **values: Any) -> T:
    """A record of ``record_type`` with ``values`` and neutral defaults for every other field.

    Values for fields the record does not have (yet, or any more) are ignored, so a test can name
    a field of a stage still being built.
    """
    neutral = _neutral_values(record_type)
    return record_type(**{name: values.get(name, default) for name, default in neutral.items()})


def article(
    article_id: str, text: str, outlet: str | None = None, published: str | None = None, **fields: Any
) -> Article:
    """An article read from ``{article_id}.txt``; ``fields`` sets any other field (title, url...).

    ``fields`` may also override where it was read from (``source_path``, ``source_format``).
    """
    derived = dict(
        article_id=article_id,
        text=text,
        outlet=outlet,
        published=published,
        source_path=f"{article_id}.txt",
        source_format="txt",
    )
    return make(Article, **(derived | fields))


def sentences(record: Article) -> list[Sentence]:
    """The article's text cut at every ". ", each sentence keeping its full stop."""
    text = record.text
    out, start = [], 0
    for index, part in enumerate(text.split(". ")):
        end = start + len(part) + (1 if start + len(part) < len(text) else 0)
        out.append(Sentence(record.article_id, index, start, end, text[start:end], 0))
        start = end + 1
    return out


def claim(
    article_id: str,
    text: str,
    content: str,
    speaker: str = "",
    *,
    via: str = "",
    sourcing: str = "named",
    role: str = "",
    sentence: int = 0,
    cid: str | None = None,
    **fields: Any,
) -> Claim:
    """A claim whose spans are found in ``text`` (content, speaker and via must occur verbatim).

    ``fields`` sets any other field, or overrides a derived one (``cue``, ``quote_kind``...).
    """
    start = text.index(content)
    speaker_start = text.index(speaker) if speaker else -1
    via_start = text.index(via) if via else -1
    derived = dict(
        claim_id=cid or f"{article_id}-{start}",
        article_id=article_id,
        sentence_index=sentence,
        content_start=start,
        content_end=start + len(content),
        content=content,
        speaker_start=speaker_start,
        speaker_end=speaker_start + len(speaker) if speaker else -1,
        speaker=speaker,
        speaker_canonical=speaker,
        speaker_role=role,
        via_outlet=via,
        via_start=via_start,
        via_end=via_start + len(via) if via else -1,
        sourcing=sourcing if speaker or via or sourcing != "named" else "none",
        quote_kind="indirect" if sourcing != "none" else "none",
    )
    return make(Claim, **(derived | fields))
