"""The ontology validates, and cypher/schema.cypher agrees with it both ways."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from graph_loader.neo4j_queries import SCHEMA_PATH, schema_from_ontology, schema_statements
from graph_loader.ontology import ONTOLOGY_PATH, OntologyError, load_ontology, parse_ontology

CONSTRAINT = re.compile(r"CREATE CONSTRAINT (\w+) IF NOT EXISTS FOR \(n:(\w+)\) REQUIRE n\.id IS UNIQUE")
INDEX = re.compile(r"CREATE INDEX (\w+) IF NOT EXISTS FOR \(n:(\w+)\) ON \(n\.(\w+)\)")
FULLTEXT = re.compile(r"CREATE FULLTEXT INDEX (\w+) IF NOT EXISTS FOR \(n:([\w|]+)\) ON EACH \[(.*)\]")


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(ONTOLOGY_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def statements() -> list[str]:
    return schema_statements(SCHEMA_PATH)


def _constraints(statements: list[str]) -> dict[str, str]:
    return {m.group(2): m.group(1) for s in statements if (m := CONSTRAINT.fullmatch(s))}


def test_every_schema_statement_is_understood(statements):
    # A statement the patterns below do not recognise would escape the agreement checks.
    assert statements
    unknown = [s for s in statements if not (CONSTRAINT.fullmatch(s) or INDEX.fullmatch(s) or FULLTEXT.fullmatch(s))]
    assert unknown == []
    assert all("IF NOT EXISTS" in s for s in statements)  # loading twice must not fail


def test_every_label_has_a_uniqueness_constraint(statements):
    onto = load_ontology()
    constrained = _constraints(statements)
    assert sorted(set(onto.nodes) - set(constrained)) == []


def test_every_constraint_names_an_ontology_label(statements):
    onto = load_ontology()
    constrained = _constraints(statements)
    assert sorted(set(constrained) - set(onto.nodes)) == []
    assert len(constrained) == sum(1 for s in statements if s.startswith("CREATE CONSTRAINT"))


def test_indexes_cover_actor_names_event_dates_and_types(statements):
    onto = load_ontology()
    indexed = {(m.group(2), m.group(3)) for s in statements if (m := INDEX.fullmatch(s))}
    assert {(label, "name") for label in onto.actor_labels} <= indexed
    assert {("Event", "date"), ("Event", "event_type")} <= indexed
    assert all(label in onto.nodes for label, _ in indexed)
    fulltext = [m for s in statements if (m := FULLTEXT.fullmatch(s))]
    assert len(fulltext) == 1
    assert set(fulltext[0].group(2).split("|")) == set(onto.actor_labels)
    assert fulltext[0].group(3) == "n.name, n.aliases"


def test_schema_file_matches_what_the_ontology_implies(statements):
    # The fallback used when cypher/ is not shipped must be the same schema.
    assert sorted(statements) == sorted(schema_from_ontology())


def test_schema_names_are_unique(statements):
    names = [re.search(r"(?:CONSTRAINT|INDEX) (\w+)", s).group(1) for s in statements]
    assert len(names) == len(set(names))


def test_ontology_validates_and_is_consistent(raw):
    onto = parse_ontology(raw)
    assert set(onto.actor_labels) <= set(onto.nodes)
    assert "Other" in onto.event_types and "Event" in onto.nodes
    for rel in onto.relationships.values():
        assert set(rel.sources) <= set(onto.nodes) and set(rel.targets) <= set(onto.nodes)
    assert onto.relationships["PARTICIPANT"].roles == ("agent", "subject", "target", "destination", "location")
    assert onto.allows("Article", "MENTIONS", "Event") and not onto.allows("Event", "MENTIONS", "Article")


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d.pop("relationships"), "lacks 'relationships'"),
    (lambda d: d["nodes"]["Person"].update(colour="red"), "node Person: colour must be #rrggbb"),
    (lambda d: d["relationships"]["LEADS"].update(colour="#12345"), "relationship LEADS: colour"),
    (lambda d: d["relationships"]["LEADS"]["to"].append("Robot"), "unknown label 'Robot'"),
    (lambda d: d["actor_labels"].append("Ghost"), "actor label 'Ghost' is not a node label"),
])
def test_a_broken_ontology_raises(raw, breakage, message):
    broken = copy.deepcopy(raw)
    breakage(broken)
    with pytest.raises(OntologyError, match=re.escape(message)):
        parse_ontology(broken)


def test_a_non_mapping_ontology_raises():
    with pytest.raises(OntologyError):
        parse_ontology(["nodes"])


def test_each_node_label_has_its_own_colour():
    onto = load_ontology()
    colours = [n.colour.lower() for n in onto.nodes.values()]
    assert len(colours) == len(set(colours)), "two node labels share a colour"


def test_each_relationship_type_has_its_own_colour():
    onto = load_ontology()
    colours = [r.colour.lower() for r in onto.relationships.values()]
    assert len(colours) == len(set(colours)), "two relationship types share a colour"

