"""The ``portraits`` command line.

Exit status: 0 success, 1 some territory or step failed (the others were still done; for
`list QUERY`: no territory matches), 2 bad usage or bad input (unknown territory, refused data,
bad template)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: reported in one clear message, exit status 2."""


def _cmd_data(args: argparse.Namespace) -> int:
    from . import processing, sources

    mirror = config.mirror_dir(args.mirror)
    copied = sources.fetch(mirror)
    print(f"data/raw: {len(copied)} file(s) copied from {mirror}, all checksums verified"
          if copied else "data/raw: up to date, all checksums verified")
    summary = processing.build_processed(force=args.force)
    print(summary)
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from . import build

    if not args.all and not args.ids:
        raise UsageError("name at least one territory id (e.g. ti-8413) or use --all")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - {"html", "pdf"})
    if unknown:
        raise UsageError(f"unknown format(s): {', '.join(unknown)} (choose among html, pdf)")
    result = build.run_build(
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
    from . import catalogue

    path = catalogue.write_catalogue(Path(args.output) if args.output else None)
    print(f"catalogue written: {path}")
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    """One territory per line, tab-separated: id, name, region, number of communes. Exit 1
    (and a message on stderr) when nothing matches the query."""
    from . import store

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
    parser = argparse.ArgumentParser(
        prog="portraits",
        description="Portraits des Territoires d'industrie: data, notebooks, HTML and PDF.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("data", help="fill data/raw from the mirror (checksums verified) and build data/processed")
    p.add_argument("--mirror", help=f"directory holding the raw public files (default: ${config.MIRROR_ENV})")
    p.add_argument("--force", action="store_true", help="rebuild processed tables even if up to date")
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("build", help="execute and render portraits")
    p.add_argument("ids", nargs="*", metavar="ID", help="territory ids, e.g. ti-8413")
    p.add_argument("--all", action="store_true", help="all 183 territories")
    p.add_argument("--formats", default="html,pdf", help="comma-separated: html, pdf (default: both)")
    p.add_argument("--engine", choices=["auto", "builtin", "quarto"], default="auto",
                   help="renderer: quarto if on PATH (auto), or the built-in pandoc + Typst engine")
    p.add_argument("--force", action="store_true", help="rebuild even territories whose inputs did not change")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per territory (default 300)")
    p.add_argument("--template", help="template to execute (default: portrait_template.qmd)")
    p.add_argument("--output", help="output directory (default: output/)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("catalogue", help="rewrite output/index.html from the built portraits")
    p.add_argument("--output", help="output directory (default: output/)")
    p.set_defaults(func=_cmd_catalogue)

    p = sub.add_parser("list", help="list the territories (id, name, region, communes), or those matching QUERY",
                       description="List the territories, one per line, tab-separated: id, name, region, "
                                   "number of communes. QUERY matches an id, a territory name, a commune "
                                   "name or an EPCI name, ignoring accents and case. Exit status 1 if "
                                   "nothing matches.")
    p.add_argument("query", nargs="?", metavar="QUERY", help="e.g. oyonnax, 'saint etienne', ti-84")
    p.set_defaults(func=_cmd_list)
    return parser


def _usage_errors() -> tuple[type[Exception], ...]:
    """Errors that mean bad input (exit 2), imported lazily to keep `--help` fast."""
    from .qmd import TemplateError
    from .sources import SourceError
    from .store import UnknownTerritory

    errors: list[type[Exception]] = [UsageError, SourceError, UnknownTerritory, TemplateError]
    try:
        from .build import BuildUsageError
        errors.append(BuildUsageError)
    except ImportError:  # build needs the full stack; `portraits data` must work without it
        pass
    return tuple(errors)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except _usage_errors() as exc:
        print(f"portraits: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("portraits: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
