"""All the Cypher the app's store reads with, as parameterised builders (the writes are in
:mod:`graph_loader.neo4j_queries`).

Labels and relationship types are spliced into the text only from the validated ontology, never from
user text; every value travels as a parameter. :class:`graph_loader.store.neo4j.Neo4jStore` runs these
builders' text in read-only sessions and turns the rows into the graph attributes of
:mod:`graph_loader.graph`.

Nodes are sought by id one label at a time, so each lookup uses that label's index:

>>> clause, params = seek({"Person": ["person:a"], "Agency": ["agency:b"]})
>>> [part.split(" WITH ")[0] for part in clause.split("OPTIONAL MATCH ")[1:]]
['(n:`Person`) WHERE n.id IN $ids0', '(n:`Agency`) WHERE n.id IN $ids1']
>>> params
{'ids0': ['person:a'], 'ids1': ['agency:b']}
>>> "allShortestPaths((a)-[*..4]-(b))" in node_paths_query("Person", "Agency", 4)
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .neo4j_queries import STORED_ONLY, quote

if TYPE_CHECKING:  # only annotations: the store package imports this module
    from .ontology import Ontology
    from .store.filters import Filters

COUNT_BY_TYPE = "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n"


# --- filters ------------------------------------------------------------------------------------------


def node_conditions(f: Filters, var: str) -> list[str]:
    """Cypher conditions on node ``var`` mirroring :func:`graph_loader.store.filters.node_passes` (resolved
    filters: the administration already turned into dates). Only active filters get a line."""
    lines = [f"any(l IN labels({var}) WHERE l IN $labels)"] if f.labels else []
    if f.event_types:
        lines.append(f"(NOT {var}:Event OR {var}.event_type IN $event_types)")
    # Dates are ISO text of any precision ('2025', '2025-08', '2025-08-19'): both sides are cut to the
    # shorter one, so a year overlaps every day of that year and a month every day of that month.
    def at_most(a: str, b: str) -> str:  # toString: a year may have been stored as a number
        a, b = f"toString({a})", f"toString({b})"
        return f"left({a}, size({b})) <= left({b}, size({a}))"

    if f.date_from:
        lines.append(f"(NOT {var}:Event OR ({var}.date IS NOT NULL AND {at_most('$date_from', var + '.date')}))")
        lines.append(f"(NOT {var}:Administration OR {var}.end IS NULL OR {at_most('$date_from', var + '.end')})")
    if f.date_to:
        lines.append(f"(NOT {var}:Event OR ({var}.date IS NOT NULL AND {at_most(var + '.date', '$date_to')}))")
        lines.append(f"(NOT {var}:Administration OR {var}.start IS NULL "
                     f"OR {at_most(var + '.start', '$date_to')})")
    if f.source_ids():
        lines.append(f"any(a IN coalesce({var}.articles, []) WHERE a IN $sources)")
    return lines


def edge_condition(var: str) -> str:
    """Mirrors :func:`graph_loader.store.filters.edge_passes` for an article or language filter."""
    return (f"((type({var}) = 'MENTIONS' AND startNode({var}).id IN $sources) "
            f"OR (type({var}) <> 'MENTIONS' AND any(a IN coalesce({var}.articles, []) WHERE a IN $sources)))")


def filter_params(f: Filters) -> dict[str, Any]:
    """The parameters :func:`node_conditions` and :func:`edge_condition` refer to."""
    params: dict[str, Any] = {}
    if f.labels:
        params["labels"] = list(f.labels)
    if f.event_types:
        params["event_types"] = list(f.event_types)
    if f.date_from:
        params["date_from"] = f.date_from
    if f.date_to:
        params["date_to"] = f.date_to
    if f.source_ids():
        params["sources"] = list(f.source_ids())
    return params


# --- pieces of queries --------------------------------------------------------------------------------


def count_label_query(label: str) -> str:
    """How many nodes carry ``label`` (an ontology label)."""
    return f"MATCH (n:`{label}`) RETURN count(n) AS n"


def seek(groups: Mapping[str, list[str]]) -> tuple[str, dict[str, list[str]]]:
    """Clauses binding ``n`` to the nodes of ``groups`` (ids by the label they were made for; one row
    each), and their parameters.

    One lookup per label so each uses that label's ``id`` uniqueness index, all in one round trip
    (chained ``OPTIONAL MATCH``: any Neo4j 5 runs it). Empty when there is no group.
    """
    if not groups:
        return "", {}
    params = {f"ids{i}": list(group) for i, group in enumerate(groups.values())}
    parts = []
    for i, label in enumerate(groups):
        carry = f"c{i - 1}, " if i else ""  # the nodes found so far, a grouping key of the next collect
        parts.append(f"OPTIONAL MATCH (n:`{label}`) WHERE n.id IN $ids{i} WITH {carry}collect(n) AS m{i} ")
        parts.append(f"WITH {f'c{i - 1} + ' if i else ''}m{i} AS c{i} ")
    return "".join(parts) + f"UNWIND c{len(groups) - 1} AS n ", params


def project(var: str, light: bool, ontology: Ontology, node: bool = True, with_articles: bool = False) -> str:
    """Cypher for a map of a node's id, labels and properties, or of a relationship's ends, type and
    properties.

    Light (a node's takes the parameter ``$hidden``, see :func:`hidden`): the number of articles, the
    first evidence sentence that is not empty (from the stored summary, ``SUMMARY_PROPS``, or for a
    graph loaded without it, ``neo4j-admin import``, from the lists themselves), and the properties
    but the evidence lists (and the article list unless asked for). A light relationship is a list,
    ``[start id, end id, type, count, sentence, articles or null, [values of its type's ontology
    properties]]``: a view reads a thousand of them, and each property read walks the relationship's
    property chain, so each reads only what its type can have (its key follows from them).
    """
    count = f"coalesce({var}.article_count, size(coalesce({var}.articles, [])))"
    sentence = (f"CASE WHEN {var}.article_count IS NOT NULL THEN {var}.first_sentence ELSE "
                f"[x IN [coalesce({var}.evidence_sentences, [])] | CASE WHEN coalesce(x[0], '') <> '' "
                "THEN x[0] ELSE head([y IN x WHERE y <> '']) END][0] END")
    if not node and light:
        by_type = " ".join(f"WHEN '{t}' THEN [{', '.join(f'{var}.{quote(k)}' for k in r.properties)}]"
                           for t, r in ontology.relationships.items() if r.properties)
        articles = f"{var}.articles" if with_articles else "null"
        return (f"[startNode({var}).id, endNode({var}).id, type({var}), {count}, {sentence}, {articles}, "
                f"CASE type({var}) {by_type} ELSE [] END]")
    head = f"id: {var}.id, labels: labels({var})" if node else \
        f"s: startNode({var}).id, t: endNode({var}).id, type: type({var})"
    if not light:
        return f"{{{head}, props: properties({var})}}"
    return (f"{{{head}, props: [k IN keys({var}) WHERE NOT k IN $hidden | [k, {var}[k]]], "
            f"n_articles: {count}, sentence: {sentence}}}")


def hidden(with_articles: bool) -> list[str]:
    """The properties a light :func:`project` leaves out (its ``$hidden`` parameter).

    >>> "articles" in hidden(False), "articles" in hidden(True)
    (True, False)
    """
    return [*STORED_ONLY, *(() if with_articles else ("articles",))]


def degree(var: str) -> str:
    """A node's degree as the store counts it, MENTIONS not counted (a dense node keeps counts per
    type; a sparse node's relationships are walked for each count)."""
    return f"COUNT {{ ({var})--() }} - COUNT {{ ({var})-[:MENTIONS]-() }}"


def name(var: str) -> str:
    """A node's name as a view shows it (its id when it has none)."""
    return f"CASE WHEN coalesce({var}.name, '') = '' THEN {var}.id ELSE {var}.name END"


def hop_patterns(f: Filters, skip: frozenset[str], ontology: Ontology) -> list[tuple[str, str]]:
    """The patterns of one hop from ``a`` to ``b`` (joined by UNION ALL), each with its conditions on ``b``.

    With a label filter, a type is followed out of ``a`` only if its targets may pass it, and into ``a``
    only if its sources may: left out with the articles, a person's thousands of MENTIONS (which come
    from articles) are not read. A pattern drops the label condition when every label it can reach
    passes it, since the loader checks every relationship against the ontology.
    """
    conditions = node_conditions(f, "b")
    rels = {t: r for t, r in ontology.relationships.items() if t not in skip}

    def where(reach: set[str]) -> str:
        kept = conditions[1:] if f.labels and reach <= set(f.labels) else conditions
        return "".join(f" AND {c}" for c in kept)

    def typed(types: list[str]) -> str:
        return ":" + "|".join(f"`{t}`" for t in types)

    if not f.labels:
        return [(f"(a)-[r{typed(list(rels)) if skip else ''}]-(b)", where(set()))]
    allowed = set(f.labels)
    out = [t for t, r in rels.items() if allowed & set(r.targets)]
    into = [t for t, r in rels.items() if allowed & set(r.sources)]
    if out == into:
        reach = {x for t in out for x in (*rels[t].sources, *rels[t].targets)}
        return [(f"(a)-[r{typed(out)}]-(b)", where(reach))] if out else []
    branches = []
    if out:
        branches.append((f"(a)-[r{typed(out)}]->(b)", where({x for t in out for x in rels[t].targets})))
    if into:
        branches.append((f"(a)<-[r{typed(into)}]-(b)", where({x for t in into for x in rels[t].sources})))
    return branches


def among(nodes: str, ontology: Ontology, edge_where: str = "") -> str:
    """Cypher rows ``r``: each relationship among the nodes of list ``nodes`` once.

    A type whose targets are all events, claims or articles (an event has a few participants, an agency
    thousands of events) is read from its target; every other type from its source.
    """
    actors = set(ontology.actor_labels)
    by_target = [t for t, r in ontology.relationships.items() if not actors & set(r.targets)]
    by_source = [t for t in ontology.relationships if t not in by_target]
    branches = []
    if by_source:
        branches.append(f"UNWIND {nodes} AS a MATCH (a)-[r:{'|'.join(f'`{t}`' for t in by_source)}]->(b) "
                        f"WHERE b IN {nodes}{edge_where} RETURN r")
    if by_target:
        branches.append(f"UNWIND {nodes} AS b MATCH (a)-[r:{'|'.join(f'`{t}`' for t in by_target)}]->(b) "
                        f"WHERE a IN {nodes}{edge_where} RETURN r")
    return f"CALL ({nodes}) {{ {' UNION ALL '.join(branches)} }}"


def view_tail(f: Filters, ontology: Ontology, carry: str = "", raw: bool = False) -> str:
    """Cypher that goes on from ``levels`` (the reached nodes by distance, the focus first) to the view:
    the kept nodes (as the store's ``capped`` keeps them of its ``rank_key`` order: nearest, most
    connected, id), the relationships among them the filters keep, and what was left out. Takes
    ``$cap``, ``$node_labels``, ``$hidden``; the variables ``carry`` names (``"a, b"``) are kept along
    and returned. ``raw``: the kept nodes and their relationships are returned as they are (for a person
    reading the query in a console, which draws them), not as the trimmed maps a view reads.

    Only the level where the cap falls is ranked (the levels before it are kept whole, those after it
    only counted), so a view of a hub does not sort the ten thousand nodes it leaves out. One query
    text, read best as one piece: hence its length.
    """
    edge_where = f" AND {edge_condition('r')}" if f.source_ids() else ""
    k = f"{carry}, " if carry else ""  # kept along by every WITH
    return (
        f"WITH {k}levels, [i IN range(0, size(levels) - 1) | reduce(s = 0, l IN levels[..i + 1] | s + size(l))]"
        " AS cum "
        f"WITH {k}levels, cum, CASE WHEN $cap <= 0 OR last(cum) <= $cap THEN last(cum) "
        "WHEN $cap >= size(levels[0]) THEN $cap ELSE size(levels[0]) END AS n_keep "
        f"WITH {k}levels, cum, n_keep, head([i IN range(0, size(levels) - 1) WHERE cum[i] > n_keep]) AS b "
        # The level of the cap, best connected first, in three steps: a node's degree without MENTIONS
        # takes two counts, and a sparse node (an event) has its relationships walked for each, so the
        # level is first sorted by the plain count (one walk), which is never below the degree. The
        # least degree among the first take + 5 by count is a floor the (take + 5)th best degree
        # reaches; only the nodes counted at or above it can rank there, and only those are sorted by
        # degree and id (WITH n drops the lists each row carries, which a sort would count in full).
        "CALL (levels, b) { UNWIND CASE WHEN b IS NULL THEN [] ELSE levels[b] END AS n WITH n "
        "WITH n, COUNT { (n)--() } AS total ORDER BY total DESC "
        "RETURN collect(n) AS by_total, collect(total) AS totals } "
        f"WITH {k}levels, cum, n_keep, b, by_total, totals, "
        "CASE WHEN b IS NULL THEN 0 ELSE n_keep - cum[b - 1] END AS take "
        f"CALL (by_total, take) {{ UNWIND by_total[..take + 5] AS n RETURN min({degree('n')}) AS floor }} "
        f"WITH {k}levels, cum, n_keep, b, by_total, take, size([t IN totals WHERE t >= floor]) AS head "
        "CALL (by_total, head) { UNWIND by_total[..head] AS n WITH n ORDER BY "
        f"{degree('n')} DESC, n.id RETURN collect(n) AS ranked_head }} "
        f"WITH {k}levels, cum, n_keep, b, take, ranked_head + by_total[head..] AS ranked "
        f"WITH {k}cum, n_keep, ranked[take..take + 5] AS examples, "
        "CASE WHEN b IS NULL THEN reduce(a = [], l IN levels | a + l) "
        "ELSE reduce(a = [], l IN levels[..b] | a + l) + ranked[..take] END AS kept, "
        "CASE WHEN b IS NULL THEN [] ELSE ranked[take..] + reduce(a = [], l IN levels[b + 1..] | a + l) END"
        " AS rest "
        f"CALL (kept) {{ {among('kept', ontology, edge_where)} RETURN collect(r) AS rels }} "
        "CALL (rest) { UNWIND rest AS x WITH [l IN labels(x) WHERE l IN $node_labels][0] AS label, "
        "count(*) AS c RETURN collect([label, c]) AS by_label } "
        + ("RETURN kept AS nodes, rels AS relationships, " if raw else
           f"RETURN [n IN kept | {project('n', True, ontology)}] AS nodes, "
           f"[r IN rels | {project('r', True, ontology, node=False, with_articles=bool(f.source_ids()))}] AS edges, ")
        + "size(rest) AS n_rest, by_label, "
        f"[x IN examples | {name('x')}] AS examples{', ' + carry if carry else ''}")


# --- whole queries ------------------------------------------------------------------------------------


def neighbourhood_query(seek_clause: str, f: Filters, hops: int, hub: int, ontology: Ontology,
                        hub_types: frozenset[str], raw: bool = False) -> str:
    """The view of the nodes within ``hops`` of those ``seek_clause`` binds (see :func:`seek`), grown
    level by level on the server: two hops from a person can reach ten thousand nodes of a large corpus,
    and only the (at most ``$cap``) kept ones, with the edges among them, should travel.

    Takes the parameters of the seek, of :func:`filter_params`, ``$cap``, ``$hub`` (a node of more
    relationships is reached but not gone through; 0: no limit), ``$node_labels`` and ``$hidden``.
    Relationships of ``hub_types`` are followed from the focus only. ``raw``: see :func:`view_tail`.
    """
    edge_where = f" AND {edge_condition('r')}" if f.source_ids() else ""
    grow = []
    for depth in range(1, hops + 1):
        if depth > 1 and hub:  # hubs are reached, not gone through
            grow.append(f"CALL (frontier) {{ UNWIND frontier AS a WITH a, {degree('a')} AS d "
                        "RETURN collect(CASE WHEN d > $hub THEN a END) AS big, "
                        "collect(CASE WHEN d <= $hub THEN a END) AS small } "
                        "WITH seen, small AS frontier, levels, hubs + big AS hubs ")
        # Hub relationships are followed only from the focus; further out, the pattern names the other
        # types, so a country's thousands of MENTIONS are not even read.
        branches = [f"UNWIND frontier AS a MATCH {pattern} WHERE NOT b IN seen{edge_where}{where} RETURN b"
                    for pattern, where in hop_patterns(f, hub_types if depth > 1 else frozenset(), ontology)]
        branches = branches or ["UNWIND [] AS b RETURN b"]
        grow.append("CALL (frontier, seen) { CALL (frontier, seen) { " + " UNION ALL ".join(branches) + " } "
                    "RETURN collect(DISTINCT b) AS next } "
                    "WITH seen + next AS seen, next AS frontier, levels + [next] AS levels, hubs ")
    return (f"{seek_clause}WITH collect(n) AS focus "
            "WITH focus AS seen, focus AS frontier, [focus] AS levels, [] AS hubs " + "".join(grow)
            + f"CALL (hubs) {{ UNWIND hubs AS x WITH x ORDER BY {degree('x')} DESC, x.id "
            f"RETURN count(x) AS n_hubs, collect({name('x')})[..5] AS hub_names }} "
            "WITH levels, n_hubs, hub_names " + view_tail(f, ontology, carry="n_hubs, hub_names", raw=raw))


def overview_query(f: Filters, ontology: Ontology, raw: bool = False) -> str:
    """The view of the best-connected nodes of ``$labels`` the filters keep, at most ``$cap`` (``raw``: see
    :func:`view_tail`)."""
    where = " AND ".join(["any(l IN labels(n) WHERE l IN $labels)", *node_conditions(f, "n")[bool(f.labels):]])
    return (f"MATCH (n) WHERE {where} WITH collect(n) AS found WITH [[], found] AS levels "
            + view_tail(f, ontology, raw=raw))


def view_query(groups: Mapping[str, list[str]], f: Filters, hops: int, cap: int, hub: int, ontology: Ontology,
               hub_types: frozenset[str], raw: bool = False) -> tuple[str, dict[str, Any]]:
    """The whole query of a view and its parameters, laid out by :func:`readable`: the neighbourhood of
    the ids of ``groups`` (ids by label, see :func:`seek`), or with no group the overview.

    >>> from graph_loader.ontology import load_ontology
    >>> from graph_loader.store.filters import Filters
    >>> o = load_ontology()
    >>> text, params = view_query({"Person": ["person:a"]}, Filters(), 2, 300, 0, o, o.hub_types, raw=True)
    >>> text.splitlines()[0], sorted(params)
    ('OPTIONAL MATCH (n:`Person`) WHERE n.id IN $ids0', ['cap', 'hub', 'ids0', 'node_labels'])
    >>> text.splitlines()[-1].startswith("RETURN kept AS nodes, rels AS relationships, size(rest) AS n_rest")
    True
    """
    shared: dict[str, Any] = {**filter_params(f), "cap": int(cap or 0), "node_labels": list(ontology.nodes)}
    if not raw:
        shared["hidden"] = hidden(bool(f.source_ids()))
    if not groups:
        labels = f.labels or tuple(label for label in ontology.nodes if label != "Article")
        return readable(overview_query(f, ontology, raw)), {**shared, "labels": list(labels)}
    seek_clause, params = seek(groups)
    text = neighbourhood_query(seek_clause, f, hops, int(hub or 0), ontology, hub_types, raw)
    return readable(text), {**params, **shared, "hub": int(hub or 0)}


def nodes_query(seek_clause: str, light: bool, ontology: Ontology) -> str:
    """One row ``x`` per node the seek binds (takes ``$hidden``)."""
    return f"{seek_clause}RETURN {project('n', light, ontology)} AS x"


def incident_query(seek_clause: str, light: bool, with_articles: bool, ontology: Ontology) -> str:
    """One row: each relationship touching the sought nodes once (types in ``$skip`` left out; both its
    ends may be among them) and each node once, so a hub's properties are not shipped once per
    relationship."""
    return (f"{seek_clause}MATCH (n)-[r]-(m) WHERE NOT type(r) IN $skip "
            "WITH collect(DISTINCT r) AS rs, collect(DISTINCT n) AS ns, collect(DISTINCT m) AS ms "
            f"RETURN [r IN rs | {project('r', light, ontology, node=False, with_articles=with_articles)}] AS edges, "
            f"[n IN ns | {project('n', light, ontology)}] + [m IN ms | {project('m', light, ontology)}] AS nodes")


def edges_among_query(seek_clause: str, light: bool, with_articles: bool, ontology: Ontology) -> str:
    """One row ``x`` per relationship whose two ends are both among the sought nodes."""
    return (f"{seek_clause}WITH collect(n) AS among {among('among', ontology)} "
            f"RETURN {project('r', light, ontology, node=False, with_articles=with_articles)} AS x")


def scan_query(label: str, light: bool, ontology: Ontology) -> str:
    """One row ``x`` per node of ``label`` (an ontology label)."""
    return f"MATCH (n:`{label}`) RETURN {project('n', light, ontology)} AS x"


def articles_of_query(seek_clause: str) -> str:
    """The ids of the articles that name any of the sought nodes."""
    return f"{seek_clause}UNWIND coalesce(n.articles, []) AS a RETURN collect(DISTINCT a) AS ids"


def degrees_query(seek_clause: str) -> str:
    """Each sought node's id and degree (two plain counts: the server keeps degrees per type)."""
    return f"{seek_clause}RETURN n.id AS id, {degree('n')} AS d"


def node_paths_query(label_a: str, label_b: str, max_length: int) -> str:
    """The node ids of the shortest paths from ``$a`` to ``$b`` (no relationship of ``$skip``), at most
    ``$rows``."""
    return (f"MATCH (a:`{label_a}` {{id: $a}}), (b:`{label_b}` {{id: $b}}) "
            f"MATCH p = allShortestPaths((a)-[*..{int(max_length)}]-(b)) "
            "WHERE all(r IN relationships(p) WHERE NOT type(r) IN $skip) "
            "RETURN [n IN nodes(p) | n.id] AS ids LIMIT $rows")


_CLAUSE = re.compile(r"(?:OPTIONAL MATCH|MATCH|UNWIND|WITH|CALL|RETURN|ORDER BY|UNION ALL)\b")


def readable(text: str) -> str:
    """``text`` with each clause on its own line, indented by how deep in ``{ }`` subqueries it is; the
    same query (only whitespace changes), as the app shows it and the Neo4j store runs it.

    >>> print(readable("MATCH (n) WITH n CALL (n) { MATCH (n)--(m) RETURN 'WITH x' AS t } RETURN n, t"))
    MATCH (n)
    WITH n
    CALL (n) {
      MATCH (n)--(m)
      RETURN 'WITH x' AS t }
    RETURN n, t
    """
    lines: list[str] = []
    line, depth, nest, quote_char = "", 0, 0, ""
    for i, c in enumerate(text):
        if quote_char:
            quote_char = "" if c == quote_char else quote_char
        elif c in "'\"`":
            quote_char = c
        else:
            depth += (c == "{") - (c == "}")
            nest += (c in "([") - (c in ")]")
            starts = c.isupper() and (i == 0 or text[i - 1] == " ") and _CLAUSE.match(text, i)
            if starts and nest == 0 and line.strip() and not line.rstrip().endswith("OPTIONAL"):
                lines.append(line.rstrip())
                line = "  " * depth
        line += c
    lines.append(line.rstrip())
    return "\n".join(x for x in lines if x.strip())
