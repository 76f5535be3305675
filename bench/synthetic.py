"""A deterministic, seeded corpus of invented news articles for scale and speed benchmarks.

Every person, agency, criminal group and operation is invented (only Mexico and the United States are
real), so the corpus can grow to any size without reproducing anyone's reporting. Sentences come from
varied templates the extraction recognises: events (arrested, extradited, appointed, announced, denied,
convicted, trained, "spoke with"), titles ("Mexican Security Secretary X", "X, the FCIO director"),
administrations with their terms ("the X administration (2031-2037)") and quotes with reporting verbs.

Run: python bench/synthetic.py N OUTDIR   (writes N ``.md`` files in the sample format)

>>> a = generate(3, seed=1)
>>> a == generate(3, seed=1), a == generate(3, seed=2), len(a)
(True, False, 3)
>>> a[0][1].startswith("---\\ntitle: ")
True
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

FIRST_ES = ("Alejandro", "Beatriz", "Carmen", "Diego", "Esteban", "Fernanda", "Gabriela", "Héctor", "Ignacio",
            "Jimena", "Leonardo", "Lucía", "Marisol", "Nicolás", "Octavio", "Paulina", "Ramiro", "Sofía",
            "Tomás", "Valeria", "Ximena", "Rodrigo", "Adriana", "Emilio", "Renata", "Mauricio")
LAST_ES = ("Arriaga", "Benítez", "Cárdenas", "Domínguez", "Escobedo", "Fuentes", "Galindo", "Herrera",
           "Ibarra", "Jurado", "Lozano", "Montalvo", "Navarrete", "Olvera", "Padilla", "Quiroga", "Rosales",
           "Saldívar", "Treviño", "Urquidi", "Valdovinos", "Zamora", "Castañeda", "Villaseñor", "Ochoa")
FIRST_EN = ("Abigail", "Benjamin", "Caroline", "Daniel", "Eleanor", "Franklin", "Grace", "Harrison",
            "Isabel", "Jonathan", "Katherine", "Lawrence", "Margaret", "Nathaniel", "Olivia", "Patrick",
            "Rebecca", "Samuel", "Theodore", "Victoria", "Walter", "Hannah", "Gregory", "Meredith")
LAST_EN = ("Ashford", "Blackwell", "Caldwell", "Dunmore", "Ellison", "Fairbanks", "Garrison", "Holloway",
           "Kendrick", "Lockhart", "Merriweather", "Northcott", "Pemberton", "Radcliffe", "Sherwood",
           "Thornton", "Underhill", "Whitfield", "Yardley", "Winslow", "Hargrove", "Stanhope")

# Invented agencies: (full name, acronym, country, head title).
AGENCIES_US = (
    ("Federal Coastal Investigation Office", "FCIO", "United States", "director"),
    ("Bureau of Border Narcotics Enforcement", "BBNE", "United States", "administrator"),
    ("National Precursor Control Service", "NPCS", "United States", "director"),
    ("Office of Transnational Threat Analysis", "OTTA", "United States", "chief"),
    ("Federal Firearms Tracing Agency", "FFTA", "United States", "director"),
    ("Southern Corridor Task Authority", "SCTA", "United States", "commander"),
    ("Department of Continental Security", "DCS", "United States", "secretary"),
    ("Maritime Interdiction Bureau", "MIB", "United States", "director"),
)
AGENCIES_MX = (
    ("Federal Investigations Directorate", "FID", "Mexico", "director"),
    ("National Public Safety Commission", "NPSC", "Mexico", "commissioner"),
    ("Secretariat of Border Affairs", "SBA", "Mexico", "secretary"),
    ("Office of the Special Prosecutor for Organized Crime", "OSPOC", "Mexico", "prosecutor"),
    ("National Financial Intelligence Bureau", "NFIB", "Mexico", "head"),
    ("Federal Customs Guard", "FCG", "Mexico", "commander"),
    ("Secretariat of Citizen Protection", "SCP", "Mexico", "secretary"),
    ("Interior Coordination Agency", "ICA", "Mexico", "director"),
)
CARTELS = ("Valle Seco Cartel", "Costa Norte Cartel", "Sierra Alta Cartel", "Los Halcones Grises",
           "Puerto Viejo Cartel", "Cerro Rojo Organization", "Laguna Azul Cartel", "Los Cuervos del Norte",
           "Barranca Negra Cartel", "Mesa Dorada Organization")
OP_ADJ = ("Silver", "Iron", "Northern", "Quiet", "Copper", "Granite", "Amber", "Hollow", "Crimson", "Distant",
          "Patient", "Broken", "Steady", "Bright")
OP_NOUN = ("Lantern", "Harbor", "Compass", "Bridge", "Sentinel", "Meridian", "Anchor", "Falcon", "Horizon",
           "Keystone", "Orchard", "Canyon", "Beacon", "Current")
CITIES_MX = ("MEXICO CITY", "MONTERREY", "GUADALAJARA", "TIJUANA", "CULIACÁN", "HERMOSILLO")
CITIES_US = ("WASHINGTON", "EL PASO", "SAN DIEGO", "HOUSTON", "PHOENIX", "LAREDO")
PUBLISHERS = ("Portero Graph synthetic wire", "Portero Graph synthetic desk",
              "Portero Graph synthetic review")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
CRIMES = ("drug trafficking", "money laundering", "arms trafficking", "conspiracy to import fentanyl",
          "racketeering")
REPORT_VERBS = ("said", "told reporters", "stated", "argued", "insisted", "added")


@dataclass(frozen=True)
class Cast:
    """The invented actors of a corpus, drawn once per seed so names recur across articles."""

    mx_people: tuple[str, ...]
    us_people: tuple[str, ...]
    suspects: tuple[str, ...]
    operations: tuple[str, ...]
    mx_presidents: tuple[tuple[str, int, int], ...]
    us_presidents: tuple[tuple[str, int, int], ...]


def _people(rng: random.Random, first: tuple[str, ...], last: tuple[str, ...], n: int, double: bool) -> tuple:
    out: list[str] = []
    while len(out) < n:
        name = f"{rng.choice(first)} {rng.choice(last)}"
        if double:  # Spanish names often carry both surnames
            name += f" {rng.choice(last)}"
        if name not in out:
            out.append(name)
    return tuple(out)


def make_cast(seed: int, size: int = 60) -> Cast:
    """The actor pools for ``seed``: ``size`` officials per country and as many suspects."""
    rng = random.Random(f"cast-{seed}")
    ops = sorted({f"Operation {a} {b}" for a in OP_ADJ for b in OP_NOUN})
    rng.shuffle(ops)
    mx_pres, us_pres = [], []
    for year in range(2031, 2061, 6):  # invented six-year Mexican terms
        mx_pres.append((_people(rng, FIRST_ES, LAST_ES, 1, False)[0], year, year + 6))
    for year in range(2029, 2061, 4):  # invented four-year US terms
        us_pres.append((_people(rng, FIRST_EN, LAST_EN, 1, False)[0], year, year + 4))
    return Cast(
        mx_people=_people(rng, FIRST_ES, LAST_ES, size, double=False),
        us_people=_people(rng, FIRST_EN, LAST_EN, size, double=False),
        suspects=_people(rng, FIRST_ES, LAST_ES, size * 2, double=True),
        operations=tuple(ops[:40]),
        mx_presidents=tuple(mx_pres),
        us_presidents=tuple(us_pres),
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50]


class _Writer:
    """Builds one article; remembers which agencies were already introduced with their acronym."""

    def __init__(self, rng: random.Random, cast: Cast, date: dt.date) -> None:
        self.rng, self.cast, self.date = rng, cast, date
        self.introduced: set[str] = set()

    def agency(self, pool: tuple) -> tuple[str, tuple]:
        """The agency's name as a first mention ("Full Name (ACR)") or a later one ("the ACR")."""
        ag = self.rng.choice(pool)
        if ag[1] in self.introduced:
            return f"the {ag[1]}", ag
        self.introduced.add(ag[1])
        return f"the {ag[0]} ({ag[1]})", ag

    def weekday(self) -> str:
        return self.rng.choice(WEEKDAYS)

    def sentences(self) -> list[str]:
        r, c = self.rng, self.cast
        mx, us = r.choice(c.mx_people), r.choice(c.us_people)
        mx2, us2 = r.choice(c.mx_people), r.choice(c.us_people)
        suspect, suspect2 = r.choice(c.suspects), r.choice(c.suspects)
        cartel, op = r.choice(CARTELS), r.choice(c.operations)
        the_cartel = cartel if cartel.startswith("Los ") else f"the {cartel}"  # "the Los ..." reads wrong
        pres = r.choice(c.mx_presidents)
        upres = r.choice(c.us_presidents)
        ag_us, us_ag = self.agency(AGENCIES_US)
        ag_mx, mx_ag = self.agency(AGENCIES_MX)
        crime = r.choice(CRIMES)
        verb = r.choice(REPORT_VERBS)
        day = self.weekday()
        year = self.date.year
        pool = [
            f"Mexican authorities arrested {suspect}, an alleged leader of {the_cartel}, on {day}.",
            f"Mexico extradited {suspect} to the United States on {day}, according to {ag_mx}.",
            f"Agents of {ag_mx} arrested {suspect2} in a raid ordered as part of {op}.",
            f"President {pres[0]} appointed {mx} as head of {ag_mx} in {year}.",
            f"{ag_us[0].upper() + ag_us[1:]} announced {op}, a joint effort against {the_cartel}.",
            f"Mexican Security Secretary {mx2} denied that US agents had operated without permission.",
            f"{us}, the {us_ag[1]} director, spoke with {mx2} about {the_cartel} on {day}.",
            f"A federal jury in Texas convicted {suspect} of {crime} in {year}.",
            f"{ag_us[0].upper() + ag_us[1:]} trained Mexican investigators in a course held in El Paso.",
            f"The United States trained officers of {ag_mx} under {op}.",
            f"The dispute dates back to the {pres[0]} administration ({pres[1]}-{pres[2]}).",
            f"During the {upres[0]} administration ({upres[1]}-{upres[2]}), cooperation with Mexico grew.",
            f"\"We will not accept foreign agents acting alone on our soil,\" {mx2} {verb}.",
            f"\"This operation shows what joint work can achieve,\" {us} {verb}.",
            f"{us2} {verb} that {the_cartel} had moved its laboratories south.",
            f"US Attorney General {us2} announced charges against {suspect2} on {day}.",
            f"{mx} denied any agreement with {ag_us} on {op}.",
            f"Mexico has extradited {r.randint(3, 40)} alleged members of {the_cartel} since {year - 1}.",
            f"President {upres[0]} spoke with President {pres[0]} about border security on {day}.",
            f"Prosecutors say {suspect2} ran finances for {the_cartel} for a decade.",
            f"{mx}, the {mx_ag[1]} {mx_ag[3]}, said the arrests were the work of Mexican forces alone.",
            f"{us} was appointed director of {ag_us} by President {upres[0]}.",
        ]
        r.shuffle(pool)
        return pool[:r.randint(7, 12)]


def _article(i: int, rng: random.Random, cast: Cast) -> tuple[str, str]:
    date = dt.date(2031, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 8))
    w = _Writer(rng, cast, date)
    sents = w.sentences()
    city = rng.choice(CITIES_MX + CITIES_US)
    paras, k = [], 0
    while k < len(sents):  # paragraphs of two to four sentences
        n = rng.randint(2, 4)
        paras.append(" ".join(sents[k:k + n]))
        k += n
    paras[0] = f"{city} - {paras[0]}"
    title = re.sub(r"[\"“”]", "", sents[0]).rstrip(".")
    if len(title) > 90:
        title = title[:87].rsplit(" ", 1)[0] + "..."
    slug = _slug(title)
    front = "\n".join([
        "---",
        f"title: \"{title}\"",
        f"url: https://example.org/portero-graph/synthetic/{i:06d}-{slug}",
        f"publisher: {rng.choice(PUBLISHERS)}",
        f"published: {date.isoformat()}",
        "language: en",
        "---",
    ])
    return f"{i:06d}-{slug}.md", front + "\n" + "\n\n".join(paras) + "\n"


def generate(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` invented articles as ``(filename, text)`` pairs; the same ``seed`` gives the same corpus."""
    cast = make_cast(seed)
    out = []
    for i in range(n):
        # One generator per article: article i does not change when n grows.
        rng = random.Random(f"article-{seed}-{i}")
        out.append(_article(i, rng, cast))
    return out


def _digest(corpus: list[tuple[str, str]]) -> str:
    """A digest of a corpus's text and of the extractor's source and gazetteer."""
    import hashlib

    import graph_loader.extract as extract_pkg

    code_dir = Path(extract_pkg.__file__).parent
    code = b"".join(f.read_bytes() for f in sorted([*code_dir.glob("*.py"),
                                                      *code_dir.parent.glob("data/*.yaml")]))
    return hashlib.sha1("".join(t for _, t in corpus).encode("utf-8") + code).hexdigest()[:10]


def cached_extractions(n: int, seed: int = 0, cache_dir: str | Path = "/tmp") -> list:
    """Extractions of ``generate(n, seed)``, pickled under ``cache_dir`` so benchmarks extract once.

    The cache is keyed by ``n``, ``seed`` and a digest of the corpus text and of the extractor's source
    and gazetteer, so a changed generator or extractor is re-extracted. A corpus is a prefix of any
    bigger one of the same seed, so the extractions of a bigger cached corpus are used when they match.
    """
    import pickle

    from graph_loader.articles import parse_article
    from graph_loader.extract import extract_articles

    folder = Path(cache_dir)
    sizes = sorted(int(m.group(1)) for f in folder.glob(f"portero-synthetic-*-{seed}-*.pickle")
                   if (m := re.match(rf"portero-synthetic-(\d+)-{seed}-", f.name)) and int(m.group(1)) >= n)
    for size in dict.fromkeys([n, *sizes]):
        path = folder / f"portero-synthetic-{size}-{seed}-{_digest(generate(size, seed))}.pickle"
        if path.exists():
            return pickle.loads(path.read_bytes())[:n]
    corpus = generate(n, seed)
    articles = [parse_article(text, name) for name, text in corpus]
    exs = list(extract_articles(articles, n_process=os.cpu_count() or 1))
    path = folder / f"portero-synthetic-{n}-{seed}-{_digest(corpus)}.pickle"
    path.write_bytes(pickle.dumps(exs, protocol=pickle.HIGHEST_PROTOCOL))
    return exs


def corpus_graph(n: int, seed: int = 0) -> tuple[nx.MultiDiGraph, int]:
    """The graph of the first ``n`` synthetic articles (real, cached extractions) and how many of them
    ``build_graph`` rejected."""
    from graph_loader.graph import build_graph

    exs, rejected = buildable(cached_extractions(n, seed))
    return build_graph(exs), rejected


def buildable(extractions: list) -> tuple[list, int]:
    """The extractions ``build_graph`` accepts, and how many it rejected (``GraphError``/``OntologyError``).

    Benchmarks measure loading, not extraction mistakes, so they skip an article the graph refuses.
    """
    from graph_loader.graph import build_graph
    from graph_loader.ontology import load_ontology

    onto = load_ontology()
    ok = []
    for ex in extractions:
        try:
            g = build_graph([ex])  # checks relations and event types
            for u, v, d in g.edges(data=True):  # claims and participants are not checked there
                onto.validate_edge(g.nodes[u]["label"], d["type"], g.nodes[v]["label"])
        except ValueError:  # GraphError and OntologyError are both ValueErrors
            continue
        ok.append(ex)
    return ok, len(extractions) - len(ok)


def write_corpus(n: int, outdir: str | Path, seed: int = 0) -> list[Path]:
    """Write ``generate(n, seed)`` into ``outdir`` (created if needed); return the file paths."""
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(n, seed):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("outdir", help="folder to write them into")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    paths = write_corpus(args.n, args.outdir, args.seed)
    print(f"wrote {len(paths)} articles to {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
