"""Hand-made records for the provenance and divergences tests: unspecified fields get neutral values.

Records gain fields while the stages are written; filling the rest by type keeps these tests
about the fields they name.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, TypeVar

from wiretrace.records import Article, Claim

T = TypeVar("T")


def make(record_type: type[T], **values: Any) -> T:
    """A record of ``record_type`` with ``values`` and neutral defaults for every other field."""
    hints = typing.get_type_hints(record_type)
    filled: dict[str, Any] = {}
    for field in dataclasses.fields(record_type):  # type: ignore[arg-type]
        if field.name in values:
            filled[field.name] = values[field.name]
            continue
        hint = hints[field.name]
        args = typing.get_args(hint)
        if type(None) in args:
            filled[field.name] = None
        elif typing.get_origin(hint) is tuple:
            filled[field.name] = ()
        elif hint is int:
            filled[field.name] = -1 if field.name.endswith(("_start", "_end")) else 0
        elif hint is float:
            filled[field.name] = 0.0
        elif hint is bool:
            filled[field.name] = False
        else:
            filled[field.name] = ""
    return record_type(**filled)


def article(article_id: str, text: str, outlet: str | None = None, published: str | None = None) -> Article:
    return make(
        Article,
        article_id=article_id,
        text=text,
        outlet=outlet,
        published=published,
        source_path=f"{article_id}.txt",
        source_format="txt",
    )


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
) -> Claim:
    """A claim whose spans are found in ``text`` (content, speaker and via must occur verbatim)."""
    start = text.index(content)
    speaker_start = text.index(speaker) if speaker else -1
    via_start = text.index(via) if via else -1
    return make(
        Claim,
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
