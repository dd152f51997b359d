"""The claim commands: ``claims``, ``provenance``, ``divergences``, ``sources``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from wiretrace.cli.common import (
    DEFAULT_DB,
    ConfigOption,
    DbOption,
    JsonOption,
    console,
    err,
    fail,
    open_store,
    print_json,
    settings_from,
)


def provenance_command(
    ident: Annotated[str, typer.Argument(help="A claim id, claim group id or story id.")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Show where a claim or story comes from: claim groups, provenance chains, independence."""
    from wiretrace.present.provenance_views import UnknownProvenanceId, provenance_of

    with open_store(db, read_only=True) as store:
        try:
            view = provenance_of(store, ident)
        except UnknownProvenanceId:
            fail(
                f"no claim, claim group or story {ident!r} in {db}; list stories with `wiretrace stories`", 1
            )
            return
    if as_json:
        print_json(view.to_json())
        return
    # a story lists its groups: show those carried by several articles or backed by several origins
    shown = [
        r
        for r in view.independence
        if view.scope != "story"
        or r.scope == "story"
        or r.articles > 1
        or r.label in ("one_party", "independently_corroborated")
    ]
    for row in shown:
        console.print(f"[bold]{row.scope} {row.scope_id}[/]: {row.label} - {row.summary}")
    if len(shown) < len(view.independence):
        hidden = len(view.independence) - len(shown)
        console.print(f"({hidden} groups found in one article and backed by one source or none not shown)")
    table = Table(title=f"provenance chains ({view.scope} {ident})", title_justify="left")
    for column in ("claim", "article", "speaker", "affiliation", "via", "outlet", "party", "content"):
        table.add_column(column, overflow="fold")
    for chain in view.chains:
        claim = view.claims.get(chain.claim_id)
        via = chain.via_outlet + (f" (from {chain.via_from_article})" if chain.via_from_article else "")
        table.add_row(
            chain.claim_id,
            chain.article_id,
            chain.speaker or f"({chain.sourcing})",
            chain.affiliation or "?",
            via or "-",
            f"{chain.article_outlet or '?'} [{chain.article_kind}]",
            chain.party_label or "unsourced",
            (claim.content if claim else "")[:100],
        )
    console.print(table)


def claims_command(
    story: Annotated[str | None, typer.Option("--story", help="Only this story's articles.")] = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Only speakers whose name contains this (any case).")
    ] = None,
    via: Annotated[
        str | None, typer.Option("--via", help="Only claims that reached the article through this outlet.")
    ] = None,
    sourcing: Annotated[
        str | None, typer.Option("--sourcing", help="Only this sourcing: named, anonymous, vague, none.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """List attributed statements: speaker, via outlet, cue, hedges, sourcing, with spans."""
    from wiretrace.present.claim_views import ClaimFilter, ClaimFilterError, select_claims

    wanted = ClaimFilter(story or "", speaker or "", via or "", sourcing or "")
    with open_store(db, read_only=True) as store:
        try:
            selection = select_claims(store, wanted)
        except ClaimFilterError as error:
            fail(str(error), 1 if "no such story" in str(error) else 2)
            raise
    for note in selection.notes:
        err.print(f"[yellow]note:[/] {note}")
    if as_json:
        print_json([claim.__dict__ for claim in selection.claims])
        return
    table = Table(title=f"{len(selection.claims)} claim(s)", title_justify="left")
    for column in ("article", "speaker", "role", "via", "cue", "sourcing", "kind", "hedges", "content"):
        table.add_column(column, overflow="fold")
    for claim in selection.claims:
        table.add_row(
            claim.article_id[:12],
            claim.speaker_canonical or claim.speaker or "—",
            claim.speaker_role,
            claim.via_outlet,
            f"{claim.cue} ({claim.cue_class})" if claim.cue else "",
            claim.sourcing,
            claim.quote_kind,
            ", ".join(claim.hedges),
            claim.content[:120],
        )
    console.print(table)


def divergences_command(
    story: Annotated[str | None, typer.Option("--story", help="Only this story id.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only this kind: number, date, name, designation, actor, framing, name_variant, "
            "unsourced_addition, quote_altered.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """List where versions of a story disagree, with both spans."""
    from wiretrace.present.provenance_views import divergences_of, story_exists

    with open_store(db, read_only=True) as store:
        if story and not story_exists(store, story):
            fail(f"no such story: {story}; list them with `wiretrace stories --db {db}`", 1)
        rows = divergences_of(store, story, kind)
    if as_json:
        print_json([row.__dict__ for row in rows])
        return
    table = Table(title=f"{len(rows)} divergence(s)", title_justify="left")
    for column in ("story", "kind", "a", "text a", "b", "text b", "explanation"):
        table.add_column(column, overflow="fold")
    for row in rows:
        kind_label = row.kind + ("" if row.conflict else " (variant)")
        table.add_row(
            row.story_id,
            kind_label,
            row.article_a,
            row.text_a[:80] or "(absent)",
            row.article_b,
            row.text_b[:80],
            row.explanation,
        )
    console.print(table)


def sources_command(
    names: Annotated[
        list[str] | None, typer.Argument(help="Outlet, agency or body names (or URLs) to look up.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Look names up in the source registry, and list the unknown outlets seen in the store."""
    from wiretrace.present.provenance_views import sources_report
    from wiretrace.provenance.sources import SourceRegistryError, get_registry

    settings = settings_from(config)
    try:
        registry = get_registry(settings.sources.sources_file or None)
    except SourceRegistryError as error:
        fail(str(error))
        return
    if db.exists():
        with open_store(db, read_only=True) as store:
            result = sources_report(registry, names or [], store)
    else:
        result = sources_report(registry, names or [])
    if as_json:
        print_json(
            {
                "lookups": [
                    {
                        "name": r.name,
                        "source": r.source.__dict__ if r.source else None,
                        "affiliation": r.affiliation,
                    }
                    for r in result.lookups
                ],
                "unknown": [u.__dict__ for u in result.unknown],
                "registry_size": result.registry_size,
            }
        )
        return
    if result.lookups:
        table = Table(title=f"registry lookups ({result.registry_size} sources known)", title_justify="left")
        for column in ("name", "source", "country", "ownership", "kind", "affiliation"):
            table.add_column(column)
        for row in result.lookups:
            found = row.source
            table.add_row(
                row.name,
                (found.name + (" (recognised, not listed)" if found.synthesized else ""))
                if found
                else "unknown",
                found.country_name if found else "",
                found.ownership if found else "",
                found.kind if found else "",
                row.affiliation,
            )
        console.print(table)
    if result.unknown:
        table = Table(title="outlets seen in the store that the registry does not know", title_justify="left")
        for column in ("name", "seen as", "count"):
            table.add_column(column)
        for unknown in result.unknown:
            table.add_row(unknown.name, unknown.seen_as, str(unknown.count))
        console.print(table)
        console.print("add them to a sources file (\\[sources] sources_file) to classify them")
    elif not result.lookups:
        console.print(f"{result.registry_size} sources known; no unknown outlet seen")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.command("provenance")(provenance_command)
    app.command("claims")(claims_command)
    app.command("divergences")(divergences_command)
    app.command("sources")(sources_command)
