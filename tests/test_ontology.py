"""The ontology validates, holds the graph's vocabulary, and cypher/schema.cypher is generated from it."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from graph_loader.ontology import ONTOLOGY_PATH, OntologyError, load_ontology, parse_ontology
from graph_loader.schema import SCHEMA_PATH, main, schema_cypher, schema_statements

CONSTRAINT = re.compile(r"CREATE CONSTRAINT (\w+) IF NOT EXISTS FOR \(n:(\w+)\) REQUIRE n\.id IS UNIQUE")
INDEX = re.compile(r"CREATE INDEX (\w+) IF NOT EXISTS FOR \(n:(\w+)\) ON \(n\.(\w+)\)")
FULLTEXT = re.compile(r"CREATE FULLTEXT INDEX (\w+) IF NOT EXISTS FOR \(n:([\w|]+)\) ON EACH \[(.*)\]")


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(ONTOLOGY_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def statements() -> list[str]:
    return schema_statements()


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


def test_the_checked_in_schema_file_is_current():
    # cypher/schema.cypher is generated: after an ontology change, `python -m graph_loader.schema`.
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_cypher()
    assert main(["--check"]) == 0


def test_the_schema_file_holds_the_statements_the_loader_runs(statements):
    text = "\n".join(line for line in SCHEMA_PATH.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("//"))
    assert [" ".join(s.split()) for s in text.split(";") if s.strip()] == statements


def test_an_ontology_change_reaches_the_schema(raw):
    grown = copy.deepcopy(raw)
    grown["nodes"]["Vessel"] = {"description": "A ship.", "colour": "#123456", "shape": "dot"}
    grown["actor_labels"].append("Vessel")
    text = schema_cypher(parse_ontology(grown))
    assert "CREATE CONSTRAINT vessel_id IF NOT EXISTS FOR (n:Vessel) REQUIRE n.id IS UNIQUE;" in text
    assert "FOR (n:Person|Agency|Country|Administration|Organization|Initiative|Law|Place|Vessel)" in text


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



def test_each_event_type_has_its_own_colour():
    onto = load_ontology()
    assert set(onto.event_colours) == set(onto.event_types)
    colours = [c.lower() for c in onto.event_colours.values()]
    assert len(colours) == len(set(colours)), "two event types share a colour"
    assert onto.fallback_colour.lower() not in colours


def test_the_vocabulary_reads_from_the_ontology():
    onto = load_ontology()
    assert onto.hub_types == {"MENTIONS", "DURING"} and onto.uncounted_types == {"MENTIONS"}
    assert onto.role_types == ("LEADS", "MEMBER_OF", "HEADED")
    assert [onto.relationships[r].role_title for r in onto.role_types] == ["Leads", "Member", "Head"]
    assert onto.phrase("MEMBER_OF", outward=False) == "has as a member"
    assert onto.phrase("UNKNOWN_TYPE") == "unknown_type"
    assert all(node.shape in onto.shapes for node in onto.nodes.values())
    assert onto.shape("Person").marker == "o" and onto.shape("Initiative").gexf == "disc"
    assert onto.shape("Robot") == onto.shapes["dot"]
    assert onto.main_label(("Event", "Arrest")) == onto.main_label(("Arrest", "Event")) == "Event"
    assert onto.main_label(["Foreign"]) == "Foreign" and onto.main_label([]) == "Node"
    roles = onto.relationships["PARTICIPANT"].roles
    assert sorted(roles, key=onto.role_rank) == list(roles)


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["event_types"]["Arrest"].update(colour="blue"), "event type Arrest: colour must be #rrggbb"),
    (lambda d: d["nodes"]["Person"].update(shape="blob"), "node Person: shape 'blob' is not in display.shapes"),
    (lambda d: d["display"].update(fallback_colour="grey"), "display: fallback_colour must be #rrggbb"),
    (lambda d: d["relationships"]["LEADS"].update(phrases=["leads"]), "relationship LEADS: phrases must be"),
    (lambda d: d.pop("display"), "lacks 'display'"),
])
def test_a_broken_vocabulary_raises(raw, breakage, message):
    broken = copy.deepcopy(raw)
    breakage(broken)
    with pytest.raises(OntologyError, match=re.escape(message)):
        parse_ontology(broken)
