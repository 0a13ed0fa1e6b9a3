"""The ``portraits`` command line.

Exit status: 0 success, 1 some territory or step failed (the others were still done; for
`list QUERY`: no territory matches), 2 bad usage or bad input (unknown territory, refused data,
bad template). Every error the package raises on purpose is a
:class:`portraits.core.errors.PortraitsError`, which carries its exit status: :func:`main` reports it
in one line, without a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portraits.build.results import DEFAULT_TIMEOUT
from portraits.core import config, outputs
from portraits.core.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, PortraitsError, UsageError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "UsageError", "main", "make_parser"]


def _positive_int(text: str) -> int:
    """argparse type of --jobs: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (e.g. --jobs 4)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a number of worker processes: give 1 or more")
    return value


def _positive_seconds(text: str) -> float:
    """argparse type of --timeout: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (e.g. --timeout 300)") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a time limit: give a finite number of seconds above 0")
    return value


def _output_dir(text: str) -> str:
    """argparse type of --output: a directory, or a path where one can be made."""
    from portraits.build import plan

    if refusal := plan.output_dir_refusal(Path(text).expanduser().resolve(), shown_as=text):
        raise argparse.ArgumentTypeError(refusal)
    return text


class _Parser(argparse.ArgumentParser):
    """argparse, with our one-line message format (still exit status 2)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"portraits: error: {message} (see `{self.prog} --help`)\n")


def _cmd_data(args: argparse.Namespace) -> int:
    from portraits.data import processing, sources

    mirror = config.mirror_dir(args.mirror)
    copied = sources.fetch(mirror)
    print(f"data/raw: {len(copied)} file(s) copied from {mirror}, all checksums verified"
          if copied else "data/raw: up to date, all checksums verified")
    summary = processing.build_processed(force=args.force)
    print(summary)
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from portraits.site import publish

    if not args.all and not args.ids:
        raise UsageError("name at least one territory id (e.g. ti-8413) or use --all")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]  # checked by run_build
    result = publish.build_site(  # the portraits, then the catalogue
        ids=args.ids,
        all_territories=args.all,
        formats=formats,
        engine=args.engine,
        force=args.force,
        jobs=args.jobs,
        timeout=args.timeout,
        template=Path(args.template) if args.template else None,
        output_dir=Path(args.output) if args.output else None,
    )
    return EXIT_OK if result.ok else EXIT_FAILED


def _cmd_catalogue(args: argparse.Namespace) -> int:
    from portraits.site import catalogue

    path = catalogue.write_catalogue(Path(args.output) if args.output else None)
    print(f"catalogue written: {path}")
    return EXIT_OK


def _cmd_preview(args: argparse.Namespace) -> int:
    from portraits.preview import server

    ids = list(args.ids)
    if args.cover:
        from portraits.preview import cover

        ids = cover.choose(ids, Path(args.output) if args.output else None)
    elif not ids:
        raise UsageError("name at least one territory id (e.g. ti-8413) or use --cover")
    if args.dry_run:
        return EXIT_OK
    port = {} if args.port is None else {"port": args.port}
    return server.run(ids, template=Path(args.template) if args.template else None, jobs=args.jobs, **port)


def _cmd_list(args: argparse.Namespace) -> int:
    """One territory per line, tab-separated: id, name, region, number of communes. Exit 1
    (and a message on stderr) when nothing matches the query."""
    from portraits.data import store

    try:
        found = store.find_territories(args.query)
    except store.ProcessedDataMissing as exc:  # before `portraits data`
        raise UsageError(str(exc)) from exc
    for row in found.itertuples(index=False):
        print(f"{row.territory_id}\t{row.name}\t{row.region_name}\t{row.n_communes}")
    if args.query is not None:
        if found.empty:
            print(f"portraits: no territory matches {args.query!r} (id, territory, commune or EPCI name)",
                  file=sys.stderr)
            return EXIT_FAILED
        print(f"{len(found)} territor{'y' if len(found) == 1 else 'ies'} match {args.query!r}", file=sys.stderr)
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="portraits",
        description="Portraits des Territoires d'industrie: data, notebooks, HTML and PDF.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("data", help="fill data/raw from the mirror (checksums verified) and build data/processed")
    p.add_argument("--mirror", help=f"directory holding the raw public files (default: ${config.MIRROR_ENV})")
    p.add_argument("--force", action="store_true", help="rebuild processed tables even if up to date")
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("build", help="execute and render portraits")
    p.add_argument("ids", nargs="*", metavar="ID", help="territory ids, e.g. ti-8413")
    p.add_argument("--all", action="store_true", help="all 183 territories")
    p.add_argument("--formats", default=",".join(outputs.DEFAULT_FORMATS),
                   help=f"comma-separated, among {', '.join(outputs.FORMATS)} "
                        f"(default: {','.join(outputs.DEFAULT_FORMATS)})")
    p.add_argument("--engine", choices=["auto", "builtin", "quarto"], default="auto",
                   help="renderer: quarto if on PATH (auto), or the built-in pandoc + Typst engine")
    p.add_argument("--force", action="store_true", help="rebuild even territories whose inputs did not change")
    p.add_argument("--jobs", type=_positive_int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--timeout", type=_positive_seconds, default=DEFAULT_TIMEOUT,
                   help=f"seconds allowed per territory (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--template", help="template to execute (default: portrait_template.qmd)")
    p.add_argument("--output", type=_output_dir, help="output directory (default: output/)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("catalogue", help="rewrite output/index.html from the built portraits")
    p.add_argument("--output", type=_output_dir, help="output directory (default: output/)")
    p.set_defaults(func=_cmd_catalogue)

    p = sub.add_parser("preview", help="serve portraits side by side on 127.0.0.1, rebuilt and reloaded on every edit")
    p.add_argument("ids", nargs="*", metavar="ID", help="territory ids, e.g. ti-8413 ti-0601")
    p.add_argument("--cover", action="store_true",
                   help="add the fewest territories whose portraits, in the last build, take every branch of the "
                        "conditions and every outcome of the rules, and say why each was picked")
    p.add_argument("--output", help="with --cover: the build to read (default: output/)")
    p.add_argument("--dry-run", action="store_true", help="print the territories (and why, with --cover), serve nothing")
    p.add_argument("--jobs", type=_positive_int, default=None,
                   help="territories rebuilt at a time, each in its own kernel (default: the number of cores)")
    # no default here: server.run's (importing the preview would slow every command down)
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default 8000; 0: any free port)")
    p.add_argument("--template", help="template to watch and execute (default: portrait_template.qmd)")
    p.set_defaults(func=_cmd_preview)

    p = sub.add_parser("list", help="list the territories (id, name, region, communes), or those matching QUERY",
                       description="List the territories, one per line, tab-separated: id, name, region, "
                                   "number of communes. QUERY matches an id, a territory name, a commune "
                                   "name or an EPCI name, ignoring accents and case. Exit status 1 if "
                                   "nothing matches.")
    p.add_argument("query", nargs="?", metavar="QUERY", help="e.g. oyonnax, 'saint etienne', ti-84")
    p.set_defaults(func=_cmd_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PortraitsError as exc:  # the one place where an error becomes an exit status
        print(f"portraits: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("portraits: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
