"""Stage 3, stories: which articles report the same event, and how each pair relates.

Contract:
    ``stream_stories(batches, load, settings, write)`` (``build_stories`` for records held in
    memory) reads ``Article`` and ``Sentence`` records and returns ``StoriesResult``: ``Story``
    records (members, likely original), ``Pair`` records (``copy``, ``near_copy``, ``rewrite``,
    ``same_event``, with their evidence), ``Alignment`` rows of aligned sentences, and
    ``Storyline`` records (stories about one subject over time).
Modules: ``stage`` (candidates, scores, assembly), ``fingerprint`` (MinHash LSH for copies),
``features`` (per-article features, computed once and spilled), ``embeddings`` (static sentence
vectors from the wordllama wheel), ``align`` (sentence alignment), ``links`` (names, dates,
credit lines, clustering, originals, storylines).
"""

from wiretrace.stories.stage import StoriesResult, build_stories, stream_stories

__all__ = ["StoriesResult", "build_stories", "stream_stories"]
