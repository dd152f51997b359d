"""Stage 5, divergences: where versions of one story disagree, with the spans of both versions.

Contract:
    ``find_divergences(DivergenceInput)`` (``stage_outputs`` in the pipeline) reads the
    ``Article``, ``Sentence``, ``Story``, ``Pair``, ``Alignment``, ``Claim`` and ``ClaimGroup``
    records of whole stories and returns ``DivergenceResult``: ``Divergence`` records (numbers,
    dates, names, designations, actors, framing, name variants, unsourced additions).
Modules: ``stage`` (what is compared with what), ``compare`` (the comparisons), ``facts`` (the
facts found in text: numbers, dates, units, names, framing terms), ``actors`` (who did it).
"""

from wiretrace.divergences.stage import DivergenceInput, DivergenceResult, find_divergences

__all__ = ["DivergenceInput", "DivergenceResult", "find_divergences"]
