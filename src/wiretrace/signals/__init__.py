"""Stage 7, signals: what marks an article as a rewrite or a content-farm product, with evidence.

Contract:
    ``rewrite_signals(articles, outputs)`` (``stage_outputs`` in the pipeline) reads the
    ``Article``, ``Sentence``, ``Story``, ``Claim``, ``ClaimGroup``, ``Alignment``, ``Derivation``
    and ``Divergence`` records of whole stories and returns ``SignalsResult``: ``Signal`` records
    (each sign with its span and, where it compares, the other article's span) and one
    ``RewriteProfile`` per article (a score that orders articles; never a verdict).
Modules: ``stage`` (the signals and the profile).
"""

from wiretrace.signals.stage import SignalsResult, rewrite_signals

__all__ = ["SignalsResult", "rewrite_signals"]
