"""Hostile input: random text, control characters, huge lines, deep markup and wrongly typed front matter.

Whatever a file holds, reading it ends in a clean :class:`Article` (which extraction turns into an
:class:`Extraction`) or in an :class:`ArticleError` whose message starts with the file name: never any
other exception.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_loader.articles import ArticleError, parse_article, read_article
from graph_loader.model import Article, Extraction

# Modest sizes: the two cores are shared, and spaCy runs on every extracted example.
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
EXTRACT = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_counter = itertools.count()


def _check_article(result: Article, source: str) -> None:
    """A clean article: text non-empty, sentences inside the text at their offsets, fields all text."""
    assert isinstance(result, Article)
    assert result.text.strip()
    assert result.path == source
    for field in ("title", "url", "publisher", "language", "id"):
        assert isinstance(getattr(result, field), str), field
    assert result.published is None or isinstance(result.published, str)
    for s in result.sentences:
        assert result.text[s.start:s.end] == s.text
        assert s.text.strip()


def _parse(raw: str, source: str = "hostile.md") -> Article | ArticleError:
    """Parse text; return the article or the ArticleError (any other exception fails the test)."""
    try:
        art = parse_article(raw, source)
    except ArticleError as exc:
        assert str(exc).startswith(f"{source}: "), str(exc)
        assert exc.problem and "\n" not in str(exc), str(exc)
        return exc
    _check_article(art, source)
    return art


def _read(tmp_path: Path, data: bytes, name: str = "hostile.md") -> Article | ArticleError:
    """Write bytes to a fresh file, read it; same contract as :func:`_parse`, with the path as the name."""
    path = tmp_path / f"{next(_counter)}-{name}"
    path.write_bytes(data)
    try:
        art = read_article(path)
    except ArticleError as exc:
        assert str(exc).startswith(f"{path}: "), str(exc)
        return exc
    _check_article(art, str(path))
    return art


def _extract(art: Article) -> Extraction:
    from graph_loader.extract import extract_article

    ex = extract_article(art)
    assert isinstance(ex, Extraction)
    for ent in ex.entities:
        assert isinstance(ent.name, str) and ent.name.strip()
    return ex


# --- strategies ------------------------------------------------------------------------------------

# Any code point except surrogates (which cannot be written as UTF-8), control characters included.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
controls = st.text(st.sampled_from([chr(c) for c in [*range(0, 32), 127, 0x85, 0x2028, 0x2029, 0xFEFF]]),
                   max_size=50)
words = st.sampled_from(["Mexico", "the DEA", "said", "García Harfuch", "extradited", "U.S.", "Gen.",
                         "<b>", "</b>", "<div>", "&amp;", "---", "\n", "\r\n", "¿", "¡", "…", ".", " "])
wordy = st.lists(words, max_size=80).map(" ".join)

# Values of every YAML type a front-matter field could wrongly hold.
yaml_values = st.one_of(
    st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.just("2025-02-30"), st.just("2025-13"), st.just("yesterday"),
    st.lists(st.integers(), max_size=3).map(str),
    st.just("{a: 1, b: [2, 3]}"), st.just("[x, y]"), st.just("!!binary aGVsbG8="),
    st.just("*anchor"), st.just("&a [1]"), st.just("!!python/object:os.system 'ls'"),
    st.just("'unterminated"), st.just('"bad \\x escape"'), st.just(": :"),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30).map(repr),
)
field_names = st.sampled_from(["title", "url", "publisher", "published", "language", "other", "0", "?"])


@st.composite
def front_matter(draw) -> str:
    """Front matter with fields of arbitrary types, sometimes unterminated or not a mapping at all."""
    lines = [f"{draw(field_names)}: {draw(yaml_values)}" for _ in range(draw(st.integers(0, 6)))]
    shape = draw(st.sampled_from(["ok", "unterminated", "list", "scalar", "crlf", "indented"]))
    if shape == "list":
        lines = ["- a", "- b"]
    elif shape == "scalar":
        lines = [draw(st.sampled_from(["42", "true", "just text", "2025-08-19", "[1, 2]"]))]
    elif shape == "indented":
        lines = ["  " + ln for ln in lines]
    body = draw(st.one_of(wordy, any_text))
    nl = "\r\n" if shape == "crlf" else "\n"
    head = "---" + nl + nl.join(lines) + nl
    return head + body if shape == "unterminated" else head + "---" + nl + body


# --- parse_article -----------------------------------------------------------------------------------


@FAST
@given(any_text)
def test_random_unicode_parses_or_names_the_file(raw: str) -> None:
    _parse(raw)


@FAST
@given(st.lists(st.one_of(controls, wordy, any_text), max_size=6).map("".join))
def test_control_characters_are_cleaned_or_rejected(raw: str) -> None:
    result = _parse(raw)
    if isinstance(result, Article):
        # Control characters other than tab and newline never reach the text that spaCy reads.
        assert not any(c in result.text for c in "\x01\x02\x07\x0b\x0c\x1b\x7f\r")


@FAST
@given(front_matter())
def test_front_matter_of_wrong_types(raw: str) -> None:
    result = _parse(raw)
    if isinstance(result, Article) and result.published is not None:
        assert result.published[:4].isdigit()


@pytest.mark.parametrize("field", ["title", "url", "publisher", "published", "language"])
@pytest.mark.parametrize("value", ["[1, 2]", "{a: 1}", "3.5", "true", "2025-08-19", "2025-08-19T10:00:00Z",
                                   "!!binary aGVsbG8=", "~", "''", "-1", "1e400", ".nan", "0x1F"])
def test_each_field_with_each_wrong_type(field: str, value: str) -> None:
    result = _parse(f"---\n{field}: {value}\n---\nMexico extradited 29 people to the U.S.\n")
    if isinstance(result, ArticleError):
        # The message says what is wrong, naming the front matter or the field.
        assert field in result.problem or "front matter" in result.problem or "published" in result.problem
    elif field != "published":
        assert isinstance(getattr(result, field), str)


def test_unterminated_front_matter_is_one_clear_error() -> None:
    # No closing '---': not an article titled '---', but an error that says what to add.
    for raw in ("---\ntitle: Hello\npublished: 2025-08-19\nMexico extradited 29 people.\n",
                "---\r\ntitle: Hello\r\n", "--- \ntitle: Hello"):
        result = _parse(raw)
        assert isinstance(result, ArticleError), raw
        assert "front matter" in result.problem and "never closed" in result.problem
        assert "\n" not in str(result)


def test_empty_front_matter_is_no_front_matter() -> None:
    result = _parse("---\n---\nMexico extradited 29 people.\n")
    assert isinstance(result, Article)
    assert result.text == "Mexico extradited 29 people.\n" and result.title == "Mexico extradited 29 people."


def test_deeply_nested_markup() -> None:
    raw = "---\ntitle: Deep\n---\n" + "<div>" * 5000 + "The DEA met Mexican officials." + "</div>" * 5000
    result = _parse(raw)
    assert isinstance(result, Article)
    assert "The DEA met Mexican officials." in result.text
    assert "<div>" not in result.text


def test_unclosed_tag_and_script() -> None:
    raw = "<script>alert('x')</script><p>Mexico said no.<" + "a" * 5000 + "\n<style>p{}"
    result = _parse(raw)
    assert isinstance(result, Article)
    assert "alert" not in result.text
    assert "Mexico said no." in result.text


def test_huge_line_without_spaces_or_punctuation() -> None:
    result = _parse("x" * 2_000_000)
    assert isinstance(result, Article)
    # cut into bounded pieces, so the parser's cost stays linear, and nothing lost
    assert all(len(s.text) <= 1000 for s in result.sentences)
    assert sum(len(s.text) for s in result.sentences) == 2_000_000


# --- read_article on bytes -----------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=600))
def test_random_bytes_read_or_name_the_file(tmp_path: Path, data: bytes) -> None:
    _read(tmp_path, data)


@FAST
@given(front_matter())
def test_front_matter_files(tmp_path: Path, raw: str) -> None:
    _read(tmp_path, raw.encode("utf-8"))


@pytest.mark.parametrize("data, problem", [
    (b"", "empty"),
    (b"\xff\xfe" + "Mexico".encode("utf-16-le"), ""),
    (b"Mexico \xc3\x28 said", "UTF-8"),
    (b"\x00\x01\x02binary", "binary"),
    (b"---\ntitle: [unclosed\n---\nbody\n", "front matter"),
    (b"---\n- a\n- b\n---\nbody\n", "front matter"),
    (b"---\ntitle: No end\nbody\n", "never closed"),
    (b"---\ntitle: x\n---\n   \n\t\n", "empty"),
    (b"\xef\xbb\xbf---\ntitle: BOM\n---\nThe DEA spoke.\n", None),
])
def test_known_bad_files(tmp_path: Path, data: bytes, problem: str | None) -> None:
    result = _read(tmp_path, data)
    if problem is None:
        assert isinstance(result, Article) and result.title == "BOM"
    else:
        assert isinstance(result, ArticleError)
        assert problem in result.problem


def test_folder_and_missing_file(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "missing.md"):
        with pytest.raises(ArticleError) as info:
            read_article(path)
        assert str(info.value).startswith(f"{path}: ")


def test_file_name_with_odd_characters(tmp_path: Path) -> None:
    path = tmp_path / "a: b ¿?\t — ñ.md"
    path.write_bytes(b"---\ntitle: [1\n---\nx\n")
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert str(info.value).startswith(f"{path}: ")


# --- extraction ---------------------------------------------------------------------------------------


@EXTRACT
@given(st.one_of(wordy, any_text, st.lists(st.one_of(controls, wordy), max_size=6).map("".join)))
def test_extraction_of_hostile_articles(raw: str) -> None:
    result = _parse(raw)
    if isinstance(result, Article):
        _extract(result)


@pytest.mark.parametrize("body", [
    "<div>" * 5000 + "The DEA met Mexican officials in Mexico City." + "</div>" * 5000,
    "Mexico " * 1_500,
    "DEA. " * 2_000,
    "\u202eMexico\u202c extradited \u200b29\u200d people to the U.S. " * 50,
    "said " * 2000 + "Sheinbaum said the DEA lied.",
    "🇲🇽🇺🇸 " * 1000,
    "(" * 2000 + "Mexico" + ")" * 2000,
])
def test_extraction_of_extreme_bodies(body: str) -> None:
    art = _parse("---\ntitle: Extreme\npublished: 2025-08-19\n---\n" + body)
    assert isinstance(art, Article)
    ex = _extract(art)
    # Every piece of evidence points into the article's text at its own offsets.
    evidence = [e.evidence for e in ex.events] + [r.evidence for r in ex.relations] + [c.evidence for c in ex.claims]
    evidence += [ev for ent in ex.entities for ev in ent.evidence]
    for evid in evidence:
        assert 0 <= evid.start <= evid.end <= len(art.text)
        assert art.text[evid.start:evid.end] == evid.sentence


@pytest.mark.slow
def test_one_huge_sentence_extracts_in_reasonable_time() -> None:
    """An 84,000-character line of names (one "sentence" of 12,000 entities) must not take minutes.

    Linear work takes about 12 s here; work quadratic in the entities of a sentence takes several minutes.
    """
    import time

    from graph_loader.extract import extract_article, load_nlp

    load_nlp()
    art = _parse("---\ntitle: Long\n---\n" + "Mexico " * 12_000)
    assert isinstance(art, Article)
    began = time.monotonic()
    extract_article(art)
    assert time.monotonic() - began < 60
