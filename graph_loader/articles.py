"""Read article files: optional YAML front matter, validation, sentences with character offsets.

>>> a = parse_article("---\\ntitle: T\\npublished: 2025-08-19\\n---\\nThe U.S. agency spoke. Mexico said no.\\n")
>>> a.published, [s.text for s in a.sentences]
('2025-08-19', ['The U.S. agency spoke.', 'Mexico said no.'])
>>> a.text[a.sentences[1].start:a.sentences[1].end]
'Mexico said no.'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from .model import Article, Sentence, node_id

ARTICLE_SUFFIXES = (".txt", ".md")
FRONT_MATTER_FIELDS = {"title": str, "url": str, "publisher": str, "published": str, "language": str}
MAX_BYTES = 20_000_000


class ArticleError(ValueError):
    """An article file cannot be read; the message names the file and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


# --- sentence splitting -------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "st", "jr", "sr", "no", "lt", "col", "sgt",
    "capt", "cmdr", "adm", "maj", "pres", "prof", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "inc", "corp", "co", "ltd", "vs", "etc", "approx", "dept", "ft",
}
# After "U.S." a sentence only ends when one of these opens the next one.
_SENTENCE_OPENERS = {"he", "she", "it", "they", "we", "i", "the", "this", "that", "these", "those", "but",
                     "and", "in", "on", "at", "a", "an", "there", "his", "her", "their", "its", "as"}
_BOUNDARY = re.compile(r"([.!?…]+)[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9¿¡ÁÉÍÓÚÑ])")
# Seven letters (no space, dot or opening quote) before a full stop: a word too long to be an abbreviation,
# an initial or an acronym, so the stop ends a sentence without a closer look (most stops, in one C call).
_LONG_WORD = re.compile(r"[^\s.\"“‘(\[]{7}\.")


# The word before a full stop is looked for this far back only: no abbreviation is longer, and reading
# the whole paragraph at every full stop made one long paragraph quadratic (a 5 MB line took minutes).
_WORD_WINDOW = 64
# The word before the stop: it starts after whitespace or at the text's start (``^`` is not the window's
# start), so a word that runs on past the window does not match. Positions inside a word fail at once.
_LAST_WORD = re.compile(r"(?:^|(?<=\s))(\S+)\.\Z")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_INITIAL = re.compile(r"[A-Z]")
_NEXT_WORD = re.compile(r"\s*[\"“‘(\[]?(\w+)")


def _is_false_boundary(text: str, end: int, next_word: str | None = None) -> bool:
    """Whether the punctuation ending at ``end`` closes an abbreviation, not a sentence.

    ``next_word`` is the word after it; None reads it from ``text``, only when it matters (after "U.S.").

    Only the last :data:`_WORD_WINDOW` characters before ``end`` are read, so the cost of a boundary does
    not grow with the text before it; a word longer than that is no abbreviation.

    >>> _is_false_boundary("He met Gen.", 11, "Cienfuegos"), _is_false_boundary("x" * 100 + " Gen.", 105, "X")
    (True, True)
    >>> _is_false_boundary("a" * 100 + ".", 101, "The")
    False
    """
    stop = end
    while stop > 0 and text[stop - 1] in "\"”’')]":
        stop -= 1
    if text[stop - 1] != ".":
        return False
    m = _LAST_WORD.search(text, max(0, stop - _WORD_WINDOW), stop)
    if not m:
        return False  # no word, or one that runs on past the window: not an abbreviation
    token = m.group(1).lstrip("\"“‘([")
    if _DOTTED.fullmatch(token):  # U.S, U.N, e.g
        if next_word is None:
            following = _NEXT_WORD.match(text, end)  # not text[end:], a copy of the rest
            next_word = following.group(1) if following else ""
        return next_word.lower() not in _SENTENCE_OPENERS
    if _INITIAL.fullmatch(token):  # an initial: "Joaquín A. Guzmán"
        return True
    return token.lower() in _ABBREVIATIONS


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split ``text`` into sentences with offsets into the whole body.

    Lines are never joined: a title or a paragraph break always ends a sentence.

    >>> [s.text for s in split_sentences("Gen. Cienfuegos left. He went to the U.S. Attorney's office.")]
    ['Gen. Cienfuegos left.', "He went to the U.S. Attorney's office."]
    """
    out: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        base = line.start()
        chunk = line.group()
        start = 0
        for m in _BOUNDARY.finditer(chunk):
            end, stop = m.end(), m.end(1)
            if not (stop >= 8 and _LONG_WORD.match(chunk, stop - 8)) and _is_false_boundary(chunk, end):
                continue
            _append(out, chunk, start, end, base + offset)
            start = end
        _append(out, chunk, start, len(chunk), base + offset)
    return out


MAX_SENTENCE_CHARS = 1000


def _append(out: list[Sentence], chunk: str, start: int, end: int, base: int) -> None:
    """Add ``chunk[start:end]``, stripped, as sentences; indices only, so that a run-on paragraph cut into
    many pieces is not copied again for each piece."""
    while start < end and chunk[start].isspace():
        start += 1
    while end > start and chunk[end - 1].isspace():
        end -= 1
    # No real sentence is this long; cutting run-on text keeps the parser's cost linear.
    while end - start > MAX_SENTENCE_CHARS:
        cut = chunk.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        head = cut
        while head > start and chunk[head - 1].isspace():
            head -= 1
        out.append(Sentence(chunk[start:head], base + start, base + head))
        start = cut
        while start < end and chunk[start].isspace():
            start += 1
    if start < end:
        out.append(Sentence(chunk[start:end], base + start, base + end))


# --- front matter and validation ------------------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,2000}>", re.S | re.I)


def _parse_front_matter(raw: str, source: str) -> tuple[dict, str]:
    m = _FRONT.match(raw)
    if not m:
        first, _, rest = raw.partition("\n")
        if first.rstrip(" \t\r") != "---":
            return {}, raw
        second, _, body = rest.partition("\n")
        if second.rstrip(" \t\r") == "---":  # empty front matter
            return {}, body
        raise ArticleError(source, "front matter opened by '---' on line 1 is never closed: "
                                   "add a line '---' after its last field")
    try:
        meta = yaml.safe_load(m.group(1))
    except ValueError as exc:  # YAML that parses but names an impossible date ("2025-02-30")
        raise ArticleError(source, f"malformed front matter: {exc}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 2})" if where is not None else ""
        raise ArticleError(source, f"malformed front matter{line}: {getattr(exc, 'problem', exc)}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ArticleError(source, "malformed front matter: expected 'key: value' lines")
    return meta, raw[m.end():]


def _clean_meta(meta: dict, source: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in meta.items():
        if key not in FRONT_MATTER_FIELDS or value is None:
            continue
        if key == "published":
            out[key] = normalise_published(value, source)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            out[key] = str(value).strip()
        else:
            raise ArticleError(source, f"front matter field {key!r} must be text, got {type(value).__name__}")
    return out


def normalise_published(value: object, source: str = "published") -> str:
    """Accept a date, or text of the form YYYY, YYYY-MM or YYYY-MM-DD; return ISO text.

    >>> normalise_published(dt.date(2025, 8, 19)), normalise_published("2025-08")
    ('2025-08-19', '2025-08')
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        try:
            if len(text) == 10:
                dt.date.fromisoformat(text)
            elif len(text) == 7 and not 1 <= int(text[5:]) <= 12:
                raise ValueError
        except ValueError:
            raise ArticleError(source, f"published date {text!r} does not exist") from None
        return text
    raise ArticleError(source, f"published must be a date like 2025-08-19, got {text[:40]!r}")


def article_id(meta: dict[str, str | None], body: str) -> str:
    """Content-derived id: the URL when there is one, else title and date, else the text itself."""
    if meta.get("url"):
        return node_id("Article", str(meta["url"]))
    if meta.get("title"):
        return node_id("Article", f"{meta['title']} {meta.get('published') or ''}")
    return "article:" + hashlib.sha1(body.encode("utf-8")).hexdigest()[:16]


def parse_article(raw: str, source: str = "<text>", published: str | None = None) -> Article:
    """Parse an article's text (front matter optional). ``published`` overrides the front matter."""
    if "\x00" in raw:
        raise ArticleError(source, "binary file (NUL bytes), not an article")
    raw = raw.lstrip("\ufeff")
    meta, body = _parse_front_matter(raw, source)
    clean = _clean_meta(meta, source)
    if published:
        clean["published"] = normalise_published(published, source)
    if "<" in body and _TAG.search(body):
        # HTML pasted as an article: keep the words, drop the markup, keep offsets meaningful.
        body = html.unescape(_TAG.sub(" ", body))
    body = re.sub(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", body).replace("\r\n", "\n").replace("\r", "\n")
    if not body.strip():
        raise ArticleError(source, "empty article: no text after the front matter")
    if not clean.get("title"):
        first = body.strip().split("\n", 1)[0].strip()
        clean["title"] = first[:120] if len(first) <= 200 else Path(source).stem
    art = Article(id=article_id(clean, body), text=body, title=clean.get("title") or "",
                  url=clean.get("url") or "", publisher=clean.get("publisher") or "",
                  published=clean.get("published"), language=_language(clean.get("language"), body),
                  path=source)
    art.sentences = split_sentences(body)
    return art


def _language(declared: str | None, body: str) -> str:
    """The front matter's language wins; without one, the text's function words decide (English when unsure)."""
    from .extract.language import detect_language, normalise_language

    return normalise_language(declared) if declared else detect_language(body)


def read_article(path: str | Path, published: str | None = None) -> Article:
    """Read one article file; raise :class:`ArticleError` naming the file and the problem."""
    p = Path(path)
    source = str(p)
    if not p.exists():
        raise ArticleError(source, "no such file or folder")
    if not p.is_file():
        raise ArticleError(source, "not a file")
    size = p.stat().st_size
    if size == 0:
        raise ArticleError(source, "empty file")
    if size > MAX_BYTES:
        raise ArticleError(source, f"file too large ({size} bytes; the limit is {MAX_BYTES})")
    data = p.read_bytes()
    if b"\x00" in data[:8192]:
        raise ArticleError(source, "binary file (NUL bytes), not an article")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(source, f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    return parse_article(raw, source, published)


def find_article_files(paths: Iterable[str | Path]) -> Iterator[Path | ArticleError]:
    """Expand files and folders into article files; yield an :class:`ArticleError` for a bad path."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES
                           and not f.name.endswith(".curation.yaml"))
            if not files:
                yield ArticleError(str(p), "folder holds no .txt or .md article")
            yield from files
        elif p.exists():
            yield p
        else:
            yield ArticleError(str(p), "no such file or folder")
