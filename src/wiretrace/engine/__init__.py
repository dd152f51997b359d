"""Engines that run the stages in order over a store.

``pipeline.analyze(store, settings)`` is the embedded orchestrator: it reads the stored
articles, runs ingest's segmentation, claims, stories, provenance, divergences, places and
events, and writes every derived table. ``scale.analyze_ray`` runs the same stage functions on
Ray Data and writes Parquet tables; ``importer.import_parquet`` loads those into a store.
"""
