"""Stage 1, ingest (and segmentation): inputs become stored articles, articles become sentences.

Contract:
    ``ingest_paths(paths, store, settings)`` reads files, folders, stdin or addresses
    (``formats``: one reader per input format) and writes ``Article`` rows, or one ``Rejection``
    per input that cannot be read (the reason and the fix); it never raises for bad content.
    ``segment.segment_all(articles)`` gives each article's ``Sentence`` records with offsets.
Modules: ``stage`` (paths, ids, dates, batching into the store), ``formats`` (the readers),
``segment`` (the sentence splitter).
"""

from wiretrace.ingest.segment import segment_all
from wiretrace.ingest.stage import IngestResult, ingest_paths

__all__ = ["IngestResult", "ingest_paths", "segment_all"]
