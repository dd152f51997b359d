"""Stage 6, places and events: place names resolved to gazetteer places, and the events ledger.

Contract:
    ``resolve_places(articles, sentences, settings)`` reads ``Article`` and ``Sentence``
    records and returns ``PlacesResult``: every ``PlaceMention`` (resolved, ambiguous or
    unresolved, with its evidence) and the distinct ``Place`` records. ``events.Ledger`` runs
    it part by part over the corpus and adds the ``Event`` records: what the articles claim
    happened, where, when, on whose word, claimed or disputed.
Modules: ``stage`` (detection and the two passes), ``toponyms`` (candidate names in text),
``resolve`` (one name, one place, from context), ``gazetteer`` (GeoNames, loaded once),
``events`` (the ledger), ``basemap`` (the offline base map data).
"""

from wiretrace.places.stage import PlacesResult, resolve_places

__all__ = ["PlacesResult", "resolve_places"]
