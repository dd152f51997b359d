"""Stage 4, provenance: claim groups, provenance chains, parties and independence per story.

Contract:
    ``build_provenance(ProvenanceInput)`` (``stage_outputs`` in the pipeline) reads the
    ``Claim``, ``Story`` and ``Pair`` records of whole stories and returns ``ProvenanceResult``:
    ``ClaimGroup`` records (one statement, compatible speakers), ``ProvenanceChain`` records
    (speaker, affiliation, via outlet, article), and ``Independence`` records (how many distinct
    origins and parties back each group and story).
Modules: ``stage`` (groups, chains, affiliations), ``independence`` (origins and parties counted),
``sources`` (the source registry of outlets, agencies and bodies, a data file users extend),
``prov_export`` (W3C PROV-JSON).
"""

from wiretrace.provenance.stage import ProvenanceInput, ProvenanceResult, build_provenance

__all__ = ["ProvenanceInput", "ProvenanceResult", "build_provenance"]
