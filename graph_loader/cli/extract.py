"""``portero extract FILE [--json]``: what is read from one article (the raw extraction, no curation)."""

from __future__ import annotations

import argparse
import json
import sys

from ..settings import Settings
from .common import CommandError, published


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("extract", help="print what is read from one article")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="the extraction in the shared JSON shape")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date, overriding the front matter")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """The extraction as JSON (``--json``) or as a short listing."""
    from ..articles import ArticleError, read_article
    from ..extract import extract_article, load_nlp
    from ..model import language_name

    try:
        article = read_article(args.file, published(args.published))
    except ArticleError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"{args.file}: {exc.strerror or exc}") from None
    try:
        nlp = load_nlp(settings.spacy_model)
    except (RuntimeError, OSError) as exc:
        raise CommandError(" ".join(str(exc).split())) from None
    ex = extract_article(article, nlp)
    if args.json:
        print(f"{article.path}: read as {language_name(article.language)}", file=sys.stderr)
        print(json.dumps(ex.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{article.path}: {article.title}" + (f" ({article.published})" if article.published else ""))
    print(f"  read as {language_name(article.language)}")
    for e in ex.entities:
        also = f" (also {', '.join(sorted(set(e.aliases)))})" if e.aliases else ""
        print(f"  {e.type:<14} {e.name}{also}")
    for ev in ex.events:
        who = ", ".join(f"{p.entity} [{p.role}]" for p in ev.participants)
        print(f"  event    {ev.type} {ev.date or ''}: {who}")
    for r in ex.relations:
        print(f"  relation {r.source} -{r.type}-> {r.target}")
    for c in ex.claims:
        print(f"  claim    {c.claimant} {c.stance}: {c.claim}")
    for note in ex.notes:
        print(f"  note     {note}")
    return 0
