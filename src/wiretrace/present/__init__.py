"""Rendering the store for people: the views, the offline HTML report and the local web app.

Nothing here writes the store. ``views`` builds what a user sees of a story from the store
(through ``reading.Reader``, which turns a missing table into an empty section); ``report``
writes the one-file offline report and ``web`` serves the same views; ``graphics`` lays out the
inline SVG figures; ``story_views``, ``claim_views``, ``provenance_views`` and ``place_views``
are the store queries behind the CLI's listing commands; ``templates/`` holds the Jinja2
templates, styles and the one script.
"""
