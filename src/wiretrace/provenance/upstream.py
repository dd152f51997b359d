"""Upstream components: articles joined by derivation pairs (``records.DERIVED_KINDS``: copies,
near-copies, rewrites, siblings) rest on one upstream item, so they count as one source wherever
independence is counted."""

from __future__ import annotations

from collections.abc import Iterable

from wiretrace.records import DERIVED_KINDS, Derivation, Pair


class UnionFind:
    """Disjoint sets over string keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def copy_components(pairs: Iterable[Pair]) -> UnionFind:
    """Articles joined by derivation pairs: one upstream item per component."""
    sets = UnionFind()
    for pair in pairs:
        if pair.kind in DERIVED_KINDS:
            sets.union(pair.article_a, pair.article_b)
    return sets


def upstream_components(derivations: Iterable[Derivation]) -> UnionFind:
    """Articles joined by derivation edges (text-derived or siblings): one upstream item each."""
    sets = UnionFind()
    for edge in derivations:
        sets.union(edge.article_a, edge.article_b)
    return sets
