"""Stage 2, claims: every attributed statement of an article, and its unsourced assertions.

Contract:
    ``extract_claims(articles, sentences_by_article, settings)`` reads ``Article`` and
    ``Sentence`` records and returns ``ClaimsResult``: ``Claim`` records (speaker, via outlet,
    cue and its class, content span, direct or reported, hedges, sourcing) and ``ClaimNote``
    records for each quote or article it had to drop.
Modules, in the order an article meets them: ``stage`` (which sentences to parse, the batch),
``quotes`` (quote marks paired), ``lexicon`` (cue verbs and hedges), ``grammar`` and
``attribution`` (cue, speaker, content, via from the parse), ``noun_sources`` (attributions
outside verb grammar), ``span_model`` (the optional statistical tagger), ``drafts`` (drafts made
whole), ``speakers`` (canonical names, coreference, sourcing), ``build`` (the records),
``blas`` (one BLAS thread while parsing).
"""

from wiretrace.claims.stage import ClaimsResult, extract_claims

__all__ = ["ClaimsResult", "extract_claims"]
