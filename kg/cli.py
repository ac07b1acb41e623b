"""The ``kg`` command line: a thin typer layer over importable functions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from kg.query.options import ServeOptions

app = typer.Typer(
    name="kg",
    help="Build a knowledge graph of who did what to whom, where and when, from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out_console = Console()


def fail(message: str, code: int = 1) -> None:
    """Print a one-line error and exit."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


_SERVE = ServeOptions()

ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="spaCy pipeline to use (default: $KG_MODEL, else the best installed English model).",
    ),
]


@app.command()
def build(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files, folders (recursive), globs, '-' for stdin, or .jsonl files."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for the exports.")] = Path(
        "exports"
    ),
    model: ModelOpt = None,
    patterns: Annotated[
        list[Path] | None,
        typer.Option("--patterns", help="Extra extraction patterns (JSON, see docs/patterns.md)."),
    ] = None,
    gazetteer: Annotated[
        list[Path] | None,
        typer.Option("--gazetteer", help="Extra gazetteer TSV files (columns as kg/data/*.tsv)."),
    ] = None,
    title: Annotated[str, typer.Option(help="Title of the HTML view.")] = "kg",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Processes that parse and extract (default: all cores)."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Extract on a Dask cluster: its scheduler, tcp://HOST:PORT."
        ),
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache", help="Folder of the extraction cache (default: OUT/.kg)."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Extract every article again; keep no cache.")
    ] = False,
    max_chars: Annotated[
        int,
        typer.Option("--max-chars", min=1, help="Skip (with a warning) articles longer than this."),
    ] = 10_000_000,
    store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="Also bring the query store (OUT/graph.oxigraph) up to date for kg query/serve.",
        ),
    ] = False,
) -> None:
    """Build the graph from INPUTS and write graph.ttl/.nt/.jsonld/.trig/.graphml/.html to --out.

    Re-running into the same --out extracts only new or changed articles (the cache in OUT/.kg);
    the files are published together when the build is complete.
    """
    from kg.builder.extract.rules import RulesError
    from kg.builder.nlp import ModelNotFoundError
    from kg.builder.output import OutputError
    from kg.builder.parallel import SetupError
    from kg.builder.pipeline import NothingBuiltError
    from kg.builder.pipeline import build as run_build

    columns = (
        TextColumn("[bold]{task.description:<10}"),
        BarColumn(),
        TextColumn("{task.fields[state]:>13}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=quiet, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                for other in tasks.values():
                    bar.stop_task(other)
                tasks[phase] = bar.add_task(phase, total=total, state="")
            if phase == "extracting":
                state = f"{done}/{total} articles"
            else:
                state = "done" if total is not None and done >= total else "running"
            bar.update(tasks[phase], completed=done, total=total, state=state)
            if state == "done":
                bar.stop_task(tasks[phase])

        try:
            result = run_build(
                inputs,
                out,
                model=model,
                patterns=patterns or [],
                gazetteers=gazetteer or [],
                stdin=sys.stdin,
                progress=progress,
                title=title,
                workers=workers,
                scheduler=scheduler,
                cache=not no_cache,
                cache_dir=cache_dir,
                max_chars=max_chars,
            )
        except (ModelNotFoundError, RulesError, OutputError, SetupError) as err:
            fail(str(err))
        except NothingBuiltError as err:
            fail(str(err))
        except KeyboardInterrupt:
            fail("interrupted; the previous exports are unchanged", 130)
        if store:
            from kg.query.store import StoreError, update_store

            progress("storing", 0, 1)
            try:
                update_store(out)
            except StoreError as err:
                fail(str(err))
            progress("storing", 1, 1)
    print_summary(result, out)


def print_summary(result, out: Path) -> None:
    """Print counts, warnings and time of a build."""
    counts = result.counts()
    table = Table(title=f"kg build → {out}/", show_header=False, box=None)
    table.add_row("documents", str(counts["documents"]))
    table.add_row("entities", str(counts["entities"]))
    for cls, n in counts["entities_by_class"].items():
        table.add_row(f"  {cls}", str(n))
    table.add_row("events", str(counts["events"]))
    table.add_row("edges", str(counts["edges"]))
    table.add_row("warnings", str(len(result.warnings)))
    table.add_row("seconds", f"{result.seconds:.1f}")
    table.add_row("model", result.model)
    stats = result.stats
    cache = stats.get("cache") or {}
    table.add_row("extracted", f"{stats.get('extracted', 0)} (workers: {stats.get('workers', 0)})")
    if cache:
        table.add_row("from cache", str(cache.get("hits", 0)))
    console.print(table)
    for warning in result.warnings[:20]:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if len(result.warnings) > 20:
        console.print(f"… {len(result.warnings) - 20} more warnings in {out}/report.json")


def main() -> None:
    """Entry point for ``python -m kg``."""
    app()


@app.command()
def query(
    graph: Annotated[
        Path, typer.Argument(help="An exports folder, or a graph file (.ttl/.nt/.jsonld/.trig).")
    ],
    sparql: Annotated[
        str | None, typer.Argument(help="SPARQL text, a .rq file, a named query, or '-' (stdin).")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Run a named query of ontology/queries/.")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Bind a named query's parameter: name=LABEL|ALIAS|IRI."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, csv, tsv, json, xml, turtle or nt.")
    ] = "table",
    timeout: Annotated[float | None, typer.Option(help="Give up after this many seconds.")] = None,
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the named queries and exit.")
    ] = False,
) -> None:
    """Run a SPARQL query (text, .rq file or named query) over the graph and print the result.

    A folder is answered from its store (built on first use, see kg serve): the default graph
    holds each triple once; GRAPH ?g { ... } reaches one named graph per document.
    """
    from kg.query.sparql import (
        QueryError,
        bind_params,
        find_named_query,
        format_named_queries,
        format_result,
        parse_params,
        resolve_query_arg,
        run_query,
    )
    from kg.query.store import StoreError, open_store

    if list_queries:
        typer.echo(format_named_queries(), nl=False)
        raise typer.Exit()
    try:
        params = parse_params(param or [])
        named = find_named_query(sparql, name)
        text = None if named else resolve_query_arg(sparql)
        if params and named is None:
            fail("--param binds the parameters of a named query", 2)
        store = open_store(graph)
        if named is not None:
            text = bind_params(store, named, params)
        result = run_query(store, text, timeout=timeout)
        typer.echo(format_result(result, fmt), nl=False)
    except (QueryError, StoreError, OSError) as err:
        fail(str(err), 2)


@app.command()
def serve(
    graph: Annotated[Path, typer.Argument(help="An exports folder or graph file.")] = Path(
        "exports"
    ),
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = _SERVE.host,
    port: Annotated[int, typer.Option(help="TCP port.")] = _SERVE.port,
    timeout: Annotated[
        float, typer.Option(help="Seconds a query may take (then it is stopped: 503).")
    ] = _SERVE.timeout,
    max_results: Annotated[
        int, typer.Option(help="Largest result (rows or triples) served; more → 413.")
    ] = _SERVE.max_results,
    max_running: Annotated[
        int, typer.Option(help="Queries running at once, one worker process each.")
    ] = _SERVE.max_running,
    queue: Annotated[
        int, typer.Option(help="Requests that may wait for a worker; more → 503.")
    ] = _SERVE.queue,
    memory: Annotated[
        int, typer.Option(help="Memory cap of one query's worker, in MB (then it is stopped).")
    ] = _SERVE.memory_mb,
    max_connections: Annotated[
        int, typer.Option(help="Open connections at most; more → 503.")
    ] = _SERVE.max_connections,
    client_timeout: Annotated[
        float, typer.Option(help="Seconds a client has to send a request (headers and body).")
    ] = _SERVE.client_timeout,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not log requests.")] = False,
) -> None:
    """Serve the graph read-only: SPARQL 1.1 endpoint at /sparql, query page at /, view at /view.

    The graph is kept in an on-disk store next to the exports (graph.oxigraph/), built on first
    start and reused while the exports are unchanged.
    """
    from kg.query.serve import serve as run_server
    from kg.query.store import StoreError

    options = ServeOptions(
        host=host,
        port=port,
        timeout=timeout,
        max_results=max_results,
        max_running=max_running,
        queue=queue,
        memory_mb=memory,
        max_connections=max_connections,
        client_timeout=client_timeout,
        quiet=quiet,
    )
    try:
        run_server(graph, options)
    except (StoreError, OSError) as err:
        fail(str(err), 2)


@app.command(name="eval")
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Gold files (JSON, SPEC §4) or folders.")],
    graph: Annotated[
        Path | None, typer.Option("--graph", "-g", help="Export to score (file or folder).")
    ] = None,
    build_inputs: Annotated[
        list[str] | None,
        typer.Option("--build", help="Build these inputs in memory and score the result."),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON here.")] = None,
    model: ModelOpt = None,
) -> None:
    """Score a graph against gold annotations (entity/fact P/R/F1, types, events, titles)."""
    import tempfile

    from kg.eval.score import format_table, run_eval, write_json

    if (graph is None) == (not build_inputs):
        fail("give exactly one of --graph PATH or --build INPUT...", 2)
    with tempfile.TemporaryDirectory() as tmp:
        if build_inputs:
            from kg.builder.pipeline import build as run_build

            run_build(build_inputs, Path(tmp), model=model)
            graph = Path(tmp) / "graph.ttl"
        elif graph is not None and graph.is_dir():
            graph = graph / "graph.ttl"
        try:
            score = run_eval(list(gold), graph)
        except (OSError, ValueError) as err:
            fail(str(err), 2)
    out_console.print(format_table(score), highlight=False, markup=False)
    if json_out is not None:
        write_json(score, json_out)


@app.command()
def analyze(
    graph: Annotated[Path, typer.Argument(help="An export file or folder.")] = Path("exports"),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write analysis.md/.json here.")
    ] = None,
    plot: Annotated[
        bool,
        typer.Option(
            help="Also draw PNG charts (needs matplotlib): into --out, else next to the export."
        ),
    ] = False,
    top: Annotated[int, typer.Option(help="How many top entities to list.")] = 10,
) -> None:
    """Analyse an export: central entities, communities, components, timeline, co-occurrence."""
    from kg.analyze.load import load_graph
    from kg.analyze.report import analyze as run_analysis
    from kg.analyze.report import render_markdown, write_report

    try:
        G = load_graph(graph)
    except (OSError, ValueError) as err:
        fail(str(err), 2)
    if out is None and not plot:
        out_console.print(render_markdown(run_analysis(G, top_n=top)), markup=False)
        return
    if out is None:  # charts go next to the analysed export
        out = graph if graph.is_dir() else graph.parent
    try:
        for path in write_report(G, out, plot=plot, top_n=top):
            out_console.print(str(path), markup=False)
    except ImportError:
        fail("charts need matplotlib: pip install 'kg[plot]'")
