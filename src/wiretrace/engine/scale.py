"""Scale: the same pipeline on Ray Data, writing Parquet tables that ``wiretrace import`` loads.

The Ray path calls the functions the embedded path calls: ``ingest.file_records`` reads each
input in a Ray task, ``pipeline.article_stages`` (segment, claims: every record depends on
one article only) runs in ``map_batches`` on actors that load their models once, and
``pipeline.write_corpus_stages`` (stages that compare articles) runs as ``analyze`` runs it,
over a DuckDB store on the driver that the actors' Parquet tables are streamed into: the
stories stage there (reading the corpus in batches), the story-scoped stages (provenance,
divergences, places, events) as one Ray task per part of whole stories, so both paths give the
same records and neither holds the corpus in memory. Each table is a folder of Parquet parts,
``OUT/<table>/part-*.parquet``, with the store's schema.

The stories stage's copy and near-copy candidates are found on the cluster: the actors also
sketch their articles (MinHash) and write one row per (LSH band, article) with the band's
key, and a Ray Data ``groupby`` brings each bucket's rows together to pair them, with the
bucket cap and copy keys of ``fingerprint.near_duplicates``, so the driver only looks the
pairs' Jaccard estimates up in the collected signatures.

``ray`` is an optional extra (``pip install 'wiretrace[ray]'``), imported only here.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pa_ds
import pyarrow.fs as pa_fs
import pyarrow.parquet as pq

from wiretrace.config import IngestSettings, Settings
from wiretrace.engine import pipeline
from wiretrace.ingest import formats
from wiretrace.ingest import stage as ingest
from wiretrace.records import Article, Rejection
from wiretrace.store import TABLES, Store, _arrow_schema, table_name, to_arrow
from wiretrace.stories import fingerprint
from wiretrace.stories import stage as stories

INSTALL_HINT = "install the Ray extra: pip install 'wiretrace[ray]'"
_STAGING = "_staging"
_SKETCHES = "_sketches"  # the actors' MinHash signatures and copy keys, one row per article
_BUCKETS = "_buckets"  # one row per (LSH band or copy key, article), grouped into candidate pairs
_BUCKET_ROWS_PER_SHARD = 200_000  # bucket rows per group of the groupby: one numpy pass each
_ACTOR_SECONDS = "_actor_milliseconds"  # a pseudo-table in the actors' count rows
_READ_CHUNK = 1000  # articles per block a read task yields: bounds a reader's memory
_ORDER_SHIFT = 32  # _order = file number << 32 | record number: first read wins, as in ingest
_WARMUP_TEXT = (
    "The committee said on Monday that the new rules would take effect next year. "
    '"We expect the change to help," a spokesperson told reporters.'
)


class ScaleError(Exception):
    """The Ray engine cannot run; the message says what to install or change."""


@dataclass(frozen=True)
class ScaleOptions:
    """How to run on Ray."""

    address: str | None = None  # an existing cluster ("auto", "ray://host:10001"); None starts a local one
    num_cpus: int | None = None  # CPUs of a local cluster (None: all)
    batch_articles: int = 500  # articles per map_batches call of the per-article stages
    actors: int | None = None  # actors for the per-article stages (None: one per cluster CPU)
    progress: bool = False  # Ray Data progress bars


@dataclass(frozen=True)
class ScaleResult:
    """What a Ray run wrote: row counts per table, rejected inputs and seconds per phase."""

    out: str
    counts: dict[str, int]
    rejections: list[Rejection] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def require_ray() -> Any:
    """The ``ray`` module with Ray Data, or a ScaleError naming the extra to install."""
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data is a separate extra of ray
    except ImportError as error:
        raise ScaleError(f"--engine ray needs the ray package ({error}); {INSTALL_HINT}") from error
    return ray


def records_from_arrow(record_type: type, table: pa.Table) -> list[Any]:
    """Records of one type from an Arrow table with the store's columns (lists become tuples)."""
    names = [f.name for f in dataclasses.fields(record_type)]
    lists = {f.name for f in _arrow_schema(record_type) if pa.types.is_list(f.type)}
    columns = [table.column(name).to_pylist() for name in names]
    out = []
    for values in zip(*columns, strict=True):
        row = {
            n: (tuple(v) if n in lists and v is not None else v) for n, v in zip(names, values, strict=True)
        }
        out.append(record_type(**row))
    return out


def filesystem(path: str) -> tuple[pa_fs.FileSystem, str]:
    """The pyarrow filesystem of a local path or URI (s3://, gs://, hdfs://...) and the path in it."""
    if "://" in path:
        try:
            return pa_fs.FileSystem.from_uri(path)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as error:
            raise ScaleError(
                f"cannot open {path}: {error}; use a local path or a URI pyarrow supports"
            ) from error
    return pa_fs.LocalFileSystem(), str(Path(path).resolve())


def _supported(name: str) -> bool:
    return name.lower().endswith(".parquet") or ingest._kind(name) is not None


def expand_inputs(paths: Sequence[str]) -> list[str]:
    """Input files: files named, supported files under folders named (recursive), local or URIs."""
    files: list[str] = []
    for name in paths:
        if name == ingest.STDIN:
            raise ScaleError("--engine ray reads files, not standard input: save the input to a file first")
        if "://" not in name:
            local = Path(name)
            if local.is_dir():  # as ``ingest.expand_paths`` lists a folder, plus Parquet files
                files.extend(
                    str(child)
                    for child in sorted(local.rglob("*"))
                    if child.is_file() and not child.name.startswith(".") and _supported(child.name)
                )
            else:
                files.append(name)  # a missing file becomes a recorded rejection, as in ingest
            continue
        fs, inner = filesystem(name)
        scheme = name.split("://", 1)[0] + "://"
        if fs.get_file_info(inner).type == pa_fs.FileType.Directory:
            found = fs.get_file_info(pa_fs.FileSelector(inner, recursive=True))
            files.extend(
                scheme + f.path
                for f in sorted(found, key=lambda f: f.path)
                if f.type == pa_fs.FileType.File
                and not f.base_name.startswith(".")
                and _supported(f.base_name)
            )
        else:
            files.append(name)
    return files


def _staged_schema() -> pa.Schema:
    """Articles and rejections of the read phase in one table; ``_order`` keeps input order."""
    fields = [f.with_nullable(True) for f in _arrow_schema(Article)]
    fields += [pa.field("reason", pa.string()), pa.field("hint", pa.string()), pa.field("_order", pa.int64())]
    return pa.schema(fields)


def _staged(rows: list[tuple[int, Article | Rejection]]) -> pa.Table:
    schema = _staged_schema()
    columns: dict[str, list[Any]] = {f.name: [] for f in schema}
    for order, record in rows:
        values = dataclasses.asdict(record)
        for name in columns:
            columns[name].append(values.get(name))
        columns["_order"][-1] = order
    return pa.table(columns, schema=schema)


def _parquet_records(path: str, settings: IngestSettings) -> Iterator[Article | Rejection]:
    """Rows of a Parquet input, fields found by the same names as JSON and CSV inputs."""
    fs, inner = filesystem(path)
    try:
        parquet = pq.ParquetFile(fs.open_input_file(inner))
    except (OSError, pa.ArrowException) as error:
        yield Rejection(path, None, f"cannot read the Parquet file: {error}", "check the path and the file")
        return
    number = 0
    for batch in parquet.iter_batches(batch_size=_READ_CHUNK):
        for row in batch.to_pylist():
            number += 1
            item = formats.from_mapping(row, settings, f"row {number}")
            result = (
                ingest.finish(item, path, "parquet", settings)
                if isinstance(item, formats.RawArticle)
                else item
            )
            if isinstance(result, formats.Rejected):
                yield Rejection(path, result.record, result.reason, result.hint)
            else:
                yield result
    if not number:
        yield Rejection(path, None, "no articles found in the file", "check its contents and format")


def input_records(path: str, settings: IngestSettings) -> Iterator[Article | Rejection]:
    """Articles and rejections of one input file, local or remote."""
    if path.lower().endswith(".parquet"):
        yield from _parquet_records(path, settings)
        return
    if "://" not in path:
        yield from ingest.file_records(path, settings)
        return
    # a remote text/JSON/WARC input is copied to a local temporary file and read like a local one
    fs, inner = filesystem(path)
    with tempfile.TemporaryDirectory(prefix="wiretrace-") as folder:
        local = str(Path(folder) / Path(inner).name)
        try:
            pa_fs.copy_files(inner, local, source_filesystem=fs)
        except (OSError, pa.ArrowException) as error:
            yield Rejection(path, None, f"cannot read the file: {error}", "check the URI and the credentials")
            return
        for record in ingest.file_records(local, settings):
            yield dataclasses.replace(record, source_path=path)


def _read_files(batch: dict[str, np.ndarray], settings: IngestSettings) -> Iterator[pa.Table]:
    """Ray task body: every record of each input file, in blocks of at most ``_READ_CHUNK``."""
    for path, number in zip(batch["path"], batch["file_number"], strict=True):
        rows: list[tuple[int, Article | Rejection]] = []
        for index, record in enumerate(input_records(str(path), settings)):
            rows.append(((int(number) << _ORDER_SHIFT) | index, record))
            if len(rows) >= _READ_CHUNK:
                yield _staged(rows)
                rows = []
        if rows:
            yield _staged(rows)


def _write_part(fs: pa_fs.FileSystem, out: str, record_type: type, table: pa.Table, part: str) -> None:
    """One Parquet part of a table: ``out/<table>/part-<part>.parquet``."""
    _write_folder_part(fs, f"{out}/{table_name(record_type)}", table, part)


def _write_folder_part(fs: pa_fs.FileSystem, folder: str, table: pa.Table, part: str) -> None:
    """One Parquet part in a folder: ``folder/part-<part>.parquet``."""
    fs.create_dir(folder, recursive=True)
    pq.write_table(table, f"{folder}/part-{part}.parquet", filesystem=fs)


def _sketch_schema(num_perm: int) -> pa.Schema:
    """Columns of the actors' sketches: a signature of ``num_perm`` 16-bit minima per article."""
    return pa.schema(
        [
            pa.field("article_id", pa.string()),
            pa.field("signature", pa.list_(pa.uint16(), num_perm)),
            pa.field("copy_key", pa.uint64()),
            pa.field("word_count", pa.int64()),
        ]
    )


def _sketch_tables(
    articles: Sequence[Article], options: fingerprint.FingerprintOptions, shards: int
) -> tuple[pa.Table, pa.Table]:
    """The MinHash sketch of each article, and its bucket rows (band, key, article, shard of the key)."""
    sketches = fingerprint.sketch([a.text for a in articles], options)
    ids = pa.array([a.article_id for a in articles], pa.string())
    signatures = pa.FixedSizeListArray.from_arrays(
        pa.array(sketches.signatures.ravel(), pa.uint16()), options.num_perm
    )
    sketch_table = pa.Table.from_arrays(
        [ids, signatures, pa.array(sketches.keys), pa.array(sketches.word_counts)],
        schema=_sketch_schema(options.num_perm),
    )
    rows = fingerprint.bucket_rows(sketches, options.bands)
    bucket_table = pa.table(
        {
            "shard": pa.array((rows.key % np.uint64(shards)).astype(np.int64)),
            "band": pa.array(rows.band),
            "key": pa.array(rows.key),
            "article_id": ids.take(pa.array(rows.row)),
        }
    )
    return sketch_table, bucket_table


def _shard_pairs(rows: pa.Table, max_bucket: int) -> pa.Table:
    """``map_groups`` body: the candidate pairs of every bucket in one shard, as article ids."""
    ids = rows.column("article_id").combine_chunks()
    # dense ranks follow the id order, the order the stories stage numbers its articles in
    rank = pc.rank(ids, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int64) - 1
    left, right = fingerprint.bucket_pairs(
        rows.column("band").to_numpy(), rows.column("key").to_numpy(), rank, max_bucket
    )
    row_of_rank = np.zeros(int(rank.max()) + 1 if rank.size else 0, dtype=np.int64)
    row_of_rank[rank] = np.arange(rank.size)
    return pa.table(
        {
            "article_a": ids.take(pa.array(row_of_rank[left])),
            "article_b": ids.take(pa.array(row_of_rank[right])),
        }
    )


class ArticleStages:
    """Ray actor: runs ``pipeline.article_stages`` on batches; models load once, in ``__init__``."""

    def __init__(self, settings: Settings, out: str, kept: Any, shards: int) -> None:
        import ray

        self.settings = settings
        self.fingerprint = stories.fingerprint_options(settings.stories)
        self.shards = shards
        self.fs, self.out = filesystem(out)
        self.kept = ray.get(kept) if isinstance(kept, ray.ObjectRef) else kept
        warmup = ingest.finish(formats.RawArticle(_WARMUP_TEXT), "warmup", "text", settings.ingest)
        if isinstance(warmup, Article):
            pipeline.article_stages([warmup], settings)  # loads the parser and lexicons now, once

    def __call__(self, batch: pa.Table) -> pa.Table:
        keep = np.isin(batch.column("_order").to_numpy(), self.kept)
        batch = batch.filter(pa.array(keep))
        names: list[str] = []
        rows: list[int] = []
        start = time.perf_counter()
        if batch.num_rows:
            article_columns = [f.name for f in dataclasses.fields(Article)]
            articles = records_from_arrow(Article, batch.select(article_columns))
            # the first id of a batch names its parts: a retried batch overwrites its own files
            part = min(a.article_id for a in articles)
            outputs: dict[type, list[Any]] = {Article: articles}
            outputs.update(pipeline.article_stages(articles, self.settings))
            for record_type, records in outputs.items():
                _write_part(self.fs, self.out, record_type, to_arrow(record_type, records), part)
                names.append(table_name(record_type))
                rows.append(len(records))
            sketch_table, bucket_table = _sketch_tables(articles, self.fingerprint, self.shards)
            _write_folder_part(self.fs, f"{self.out}/{_SKETCHES}", sketch_table, part)
            _write_folder_part(self.fs, f"{self.out}/{_BUCKETS}", bucket_table, part)
        # the actor's own seconds, so that a run can tell stage work from Ray's overhead
        names.append(_ACTOR_SECONDS)
        rows.append(round((time.perf_counter() - start) * 1000))
        return pa.table({"table": pa.array(names, pa.string()), "rows": pa.array(rows, pa.int64())})


def _table_batches(fs: pa_fs.FileSystem, out: str, record_type: type) -> Iterator[pa.RecordBatch]:
    """The records of one table written under ``out``, a Parquet batch at a time (none when absent)."""
    folder = f"{out}/{table_name(record_type)}"
    if fs.get_file_info(folder).type != pa_fs.FileType.Directory:
        return
    dataset = pa_ds.dataset(folder, filesystem=fs, format="parquet", schema=_arrow_schema(record_type))
    yield from dataset.to_batches(batch_size=_READ_CHUNK * 10)


def _write_batches(
    fs: pa_fs.FileSystem, out: str, record_type: type, batches: Iterator[pa.RecordBatch]
) -> None:
    """One table as ``out/<table>/part-0.parquet``, written a batch at a time."""
    folder = f"{out}/{table_name(record_type)}"
    fs.create_dir(folder, recursive=True)
    schema = _arrow_schema(record_type)
    with pq.ParquetWriter(f"{folder}/part-0.parquet", schema, filesystem=fs) as writer:
        for batch in batches:
            writer.write_table(pa.Table.from_batches([batch]).cast(schema))


def _init(ray: Any, options: ScaleOptions) -> bool:
    """Connect to or start a cluster; True when this call started it (and must shut it down)."""
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "configure_logging": False}
    if options.address:
        kwargs["address"] = options.address
    elif options.num_cpus:
        kwargs["num_cpus"] = options.num_cpus
    try:
        ray.init(**kwargs)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise ScaleError(
            f"cannot start or reach the Ray cluster {options.address or '(local)'}: {error}"
        ) from error
    return True


def _parts_on_ray(ray: Any, settings: Settings, cpus: int) -> pipeline.MapParts:
    """Run ``pipeline.run_part`` as one Ray task per part of whole stories, at most two per CPU
    at a time (each holds its part's records), and yield the results as they finish."""
    task = ray.remote(num_cpus=1)(pipeline.run_part)

    def run(parts: Iterable[pipeline.Part]) -> Iterator[pipeline.PartResult]:
        pending: list[Any] = []
        for part in parts:
            pending.append(task.remote(part, settings))
            while len(pending) >= 2 * cpus:
                done, pending = ray.wait(pending, num_returns=1)
                yield from ray.get(done)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield from ray.get(done)

    return run


def analyze_ray(
    paths: Sequence[str], out: str, settings: Settings, options: ScaleOptions | None = None
) -> ScaleResult:
    """Ingest and analyze ``paths`` on Ray; write every table as Parquet under ``out``.

    Args:
        paths: input files or folders (txt, md, html, json, jsonl, csv, warc, gz, parquet), local
            paths or URIs of any filesystem pyarrow supports.
        out: output folder (local or URI); every worker must be able to write to it.
        settings: the layered settings, as for the embedded path.
        options: cluster address and batch sizes.
    Returns:
        rows written per table, the rejected inputs and seconds per phase.
    Example:
        result = analyze_ray(["corpus/"], "tables/", load_settings(), ScaleOptions(num_cpus=4))
        # then: wiretrace import tables/ --db wiretrace.duckdb
    """
    options = options or ScaleOptions()
    ray = require_ray()
    files = expand_inputs(paths)
    if not files:
        raise ScaleError(
            f"no input files in {', '.join(paths) or '(none given)'}; supported: "
            + ", ".join(formats.SUPPORTED)
            + ", .parquet and .gz of the text formats"
        )
    fs, root = filesystem(out)
    started = _init(ray, options)
    seconds: dict[str, float] = {}
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = options.progress
        if not options.progress:  # Ray Data logs every dataset's plan at INFO: noise on a CLI
            logging.getLogger("ray.data").setLevel(logging.WARNING)
        for record_type in TABLES:
            fs.delete_dir_contents(f"{root}/{table_name(record_type)}", missing_dir_ok=True)
        staging = f"{root}/{_STAGING}"
        for folder in (staging, f"{root}/{_SKETCHES}", f"{root}/{_BUCKETS}"):
            fs.delete_dir_contents(folder, missing_dir_ok=True)

        clock = time.perf_counter()
        listing = ray.data.from_items(
            [{"path": p, "file_number": n} for n, p in enumerate(files)],
            override_num_blocks=max(1, min(len(files), 1024)),
        )
        read = listing.map_batches(_read_files, fn_kwargs={"settings": settings.ingest}, batch_size=1)
        read.write_parquet(_uri(out, staging))
        seconds["read"] = time.perf_counter() - clock

        cpus = int(ray.cluster_resources().get("CPU", 1))
        clock = time.perf_counter()
        kept, rejections = _first_reads(fs, staging)
        seconds["dedupe"] = time.perf_counter() - clock

        clock = time.perf_counter()
        actor_settings = dataclasses.replace(
            settings, claims=dataclasses.replace(settings.claims, processes=1)
        )
        # the staged input is materialised (spilled to disk past the object store) before the
        # actors start: an actor pool holding every CPU slot would starve a reader waiting for one
        blocks = max(cpus, -(-len(kept) // options.batch_articles))  # enough to keep every actor busy
        fingerprint_options = stories.fingerprint_options(settings.stories)
        shards = max(cpus, -(-len(kept) * (fingerprint_options.bands + 1) // _BUCKET_ROWS_PER_SHARD))
        staged = ray.data.read_parquet(_uri(out, staging), schema=_staged_schema())
        staged = staged.repartition(blocks).materialize()
        written = staged.map_batches(
            ArticleStages,
            fn_constructor_kwargs={
                "settings": actor_settings,
                "out": out,
                "kept": ray.put(kept),
                "shards": shards,
            },
            batch_size=options.batch_articles,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=options.actors or max(1, cpus)),
            num_cpus=1,
        )
        counts: dict[str, int] = {}
        for batch in written.iter_batches(batch_format="pyarrow", batch_size=None):
            for name, rows in zip(
                batch.column("table").to_pylist(), batch.column("rows").to_pylist(), strict=True
            ):
                counts[name] = counts.get(name, 0) + rows
        seconds["article_stages"] = time.perf_counter() - clock
        seconds["article_stages_in_actors"] = counts.pop(_ACTOR_SECONDS, 0) / 1000

        clock = time.perf_counter()
        pairs = _candidate_pairs(ray, fs, out, root, fingerprint_options.max_bucket, shards)
        seconds["near_duplicates"] = time.perf_counter() - clock

        clock = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="wiretrace-driver-") as folder:
            with Store(Path(folder) / "driver.duckdb") as store:
                # the actors' tables go into a store on the driver, a Parquet batch at a time, and
                # the corpus stages run over it as ``analyze`` runs them: never all in memory
                for record_type in TABLES:
                    for batch in _table_batches(fs, root, record_type):
                        store.append_arrow(record_type, batch)
                near = _near_duplicates(fs, root, store.article_ids(), pairs, fingerprint_options.num_perm)
                seconds["collect"] = time.perf_counter() - clock
                clock = time.perf_counter()
                # stories on the driver (it compares every article); the story-scoped stages as tasks
                written, _notes = pipeline.write_corpus_stages(
                    store, settings, _parts_on_ray(ray, settings, cpus), near
                )
                seconds["corpus_stages"] = time.perf_counter() - clock
                clock = time.perf_counter()
                for record_type in TABLES:
                    if table_name(record_type) in written:
                        _write_batches(fs, root, record_type, store.arrow_batches(record_type))
                        counts[table_name(record_type)] = written[table_name(record_type)]
        _write_part(fs, root, Rejection, to_arrow(Rejection, rejections), "0")
        counts[table_name(Rejection)] = len(rejections)
        for record_type in TABLES:  # every table exists, empty ones with their schema
            if fs.get_file_info(f"{root}/{table_name(record_type)}").type != pa_fs.FileType.Directory:
                _write_part(fs, root, record_type, to_arrow(record_type, []), "0")
                counts[table_name(record_type)] = 0
        for folder in (staging, f"{root}/{_SKETCHES}", f"{root}/{_BUCKETS}"):
            if fs.get_file_info(folder).type == pa_fs.FileType.Directory:
                fs.delete_dir(folder)
        seconds["write"] = time.perf_counter() - clock
    finally:
        if started:
            ray.shutdown()
    ordered = {table_name(t): counts.get(table_name(t), 0) for t in TABLES}
    return ScaleResult(out=out, counts=ordered, rejections=rejections, seconds=seconds)


def _uri(out: str, inner: str) -> str:
    """A path Ray Data resolves to the same filesystem as ``out``."""
    if "://" in out:
        return out.split("://", 1)[0] + "://" + inner.lstrip("/")
    return inner


def _first_reads(fs: pa_fs.FileSystem, staging: str) -> tuple[np.ndarray, list[Rejection]]:
    """Orders of the first read of each article id (duplicates dropped), and the rejections."""
    dataset = pa_ds.dataset(staging, filesystem=fs, format="parquet", schema=_staged_schema())
    ids = dataset.to_table(columns=["article_id", "_order"], filter=pc.field("article_id").is_valid())
    first = ids.group_by("article_id").aggregate([("_order", "min")])
    kept = np.sort(first.column("_order_min").to_numpy())
    rejected = dataset.to_table(filter=pc.field("reason").is_valid()).sort_by("_order")
    rejections = records_from_arrow(
        Rejection, rejected.select([f.name for f in dataclasses.fields(Rejection)])
    )
    return kept, rejections


def _candidate_pairs(
    ray: Any, fs: pa_fs.FileSystem, out: str, root: str, max_bucket: int, shards: int
) -> pa.Table:
    """Near-duplicate candidate pairs (article ids, repeats possible) from the actors' bucket rows.

    The rows are grouped by a shard of their key (``key % shards``) rather than by the key
    itself, so that one ``map_groups`` call pairs many buckets in numpy instead of one Python
    call per bucket (nearly every bucket holds a single article); a bucket never spans shards.
    """
    folder = f"{root}/{_BUCKETS}"
    empty = pa.table({"article_a": pa.array([], pa.string()), "article_b": pa.array([], pa.string())})
    if fs.get_file_info(folder).type != pa_fs.FileType.Directory:
        return empty  # no articles
    rows = ray.data.read_parquet(_uri(out, folder))
    grouped = rows.groupby("shard", num_partitions=shards).map_groups(
        _shard_pairs, fn_kwargs={"max_bucket": max_bucket}, batch_format="pyarrow"
    )
    tables = [empty, *grouped.iter_batches(batch_format="pyarrow", batch_size=None)]
    return pa.concat_tables([t.select(["article_a", "article_b"]) for t in tables])


def _near_duplicates(
    fs: pa_fs.FileSystem, root: str, article_ids: Sequence[str], pairs: pa.Table, num_perm: int
) -> fingerprint.NearDuplicates | None:
    """The stories stage's near-duplicates: the actors' sketches in its article order (ids sorted,
    as ``stories.story_order`` numbers them), and the pairs."""
    ordered = pa.array(sorted(article_ids), pa.string())
    if not len(ordered):
        return None
    table = pa_ds.dataset(
        f"{root}/{_SKETCHES}", filesystem=fs, format="parquet", schema=_sketch_schema(num_perm)
    ).to_table()
    position = pc.index_in(ordered, value_set=table.column("article_id").combine_chunks())
    if position.null_count:
        raise ScaleError(f"{position.null_count} articles were not sketched; run the analysis again")
    table = table.take(position)
    signatures = table.column("signature").combine_chunks().flatten().to_numpy()
    sketches = fingerprint.Sketches(
        signatures=np.ascontiguousarray(signatures.reshape(len(ordered), num_perm)),
        keys=table.column("copy_key").to_numpy(),
        word_counts=table.column("word_count").to_numpy(),
    )
    left = pc.index_in(pairs.column("article_a"), value_set=ordered).to_numpy(zero_copy_only=False)
    right = pc.index_in(pairs.column("article_b"), value_set=ordered).to_numpy(zero_copy_only=False)
    return fingerprint.with_estimates(sketches, left.astype(np.int64), right.astype(np.int64))
