"""wiretrace: where news comes from.

The library API: ``ingest_paths`` turns files into stored articles, ``analyze`` runs every
analysis stage over the store, ``export`` writes the records out.
"""

from wiretrace.config import Settings, load_settings
from wiretrace.engine.pipeline import AnalysisSummary, analyze
from wiretrace.ingest.stage import IngestResult, ingest_paths

__all__ = ["AnalysisSummary", "IngestResult", "Settings", "analyze", "ingest_paths", "load_settings"]
__version__ = "0.1.0"
