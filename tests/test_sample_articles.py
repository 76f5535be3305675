"""The sample articles' front matter: a ``url`` is a real source the article cites, never a placeholder."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import SAMPLE_ARTICLES

from graph_loader.articles import read_article

PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
FILES = sorted(SAMPLE_ARTICLES.glob("*.md"))


def _front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


def test_there_are_sample_articles():
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_url_is_a_real_cited_source_or_absent(path):
    meta = _front_matter(path)
    url = meta.get("url")
    if url is None:
        return  # no source link rather than an invented one
    host = re.match(r"https://([^/]+)/", url)
    assert host, f"{path.name}: {url!r} is not an https link"
    assert not host.group(1).endswith(PLACEHOLDER_HOSTS), f"{path.name}: placeholder {url}"
    assert url in meta.get("source_note", ""), f"{path.name}: {url} is not among the sources it cites"
    assert read_article(path).url == url


def test_no_sample_article_links_to_a_placeholder():
    for path in FILES:
        assert not any(host in path.read_text(encoding="utf-8") for host in PLACEHOLDER_HOSTS), path.name
