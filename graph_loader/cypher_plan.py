"""Decide whether a query only reads from Neo4j's own plan of it, not from its text.

The text check of :mod:`graph_loader.query` reads the query as this project tokenizes it; Neo4j may read it
otherwise (it decodes ``\\uXXXX`` escapes before parsing, for one). ``EXPLAIN`` asks Neo4j how it would
run the query without running it. Measured on the local 5.26 server in a READ session: reads, ``LOAD CSV``,
``SHOW TRANSACTIONS``/``TERMINATE TRANSACTIONS`` and procedure calls all come back as a plan whose
operators carry an ``@neo4j`` suffix (``@system`` for administration commands), and a procedure call names
its procedure in ``args.Details`` (``db.clearQueryCaches() :: (value :: STRING)``).

:func:`plan_refusal` walks that tree and allows only what is on three lists: read operators, read
procedures, and functions that are built in (or in a few pure namespaces of plugins). Anything new or
unknown is refused: a read a researcher cannot run is a nuisance; a write that runs is a broken promise.

>>> plan_refusal({"operatorType": "ProduceResults@neo4j", "args": {}, "children": [
...     {"operatorType": "LoadCSV@neo4j", "args": {"Details": "line"}, "children": []}]}, "r")
'LOAD CSV reads a file or a URL (operator LoadCSV@neo4j)'
>>> plan_refusal({"operatorType": "ProduceResults@neo4j", "args": {}, "children": [
...     {"operatorType": "ProcedureCall@neo4j", "args": {"Details": "db.labels() :: (label :: STRING)"},
...      "children": []}]}, "r") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

# Operators that only read, by the names Neo4j 5.26 prints (LogicalPlan2PlanDescription), one per line
# of the operator reference. Families with a mode in brackets are matched by :data:`_READ_FAMILIES`.
_READ_OPERATOR_NAMES = """
ProduceResults Projection Filter Limit ExhaustiveLimit Skip Sort PartialSort Top Top1WithTies PartialTop
Distinct OrderedDistinct EagerAggregation OrderedAggregation NodeCountFromCountStore
RelationshipCountFromCountStore Eager EmptyResult Argument ArgumentTracker Apply SemiApply AntiSemiApply
Anti LetSemiApply LetAntiSemiApply SelectOrSemiApply SelectOrAntiSemiApply LetSelectOrSemiApply
LetSelectOrAntiSemiApply ConditionalApply AntiConditionalApply RollUpApply Optional CartesianProduct
NodeHashJoin ValueHashJoin NodeLeftOuterHashJoin NodeRightOuterHashJoin TriadicSelection TriadicBuild
TriadicFilter Union OrderedUnion Unwind CacheProperties ProjectEndpoints ShortestPath PathPropagatingBFS
AssertSameNode AssertSameRelationship NullifyMetadata EmptyRow Selection Input
AllNodesScan NodeByLabelScan NodeByIdSeek NodeByElementIdSeek IntersectionNodeByLabelsScan
UnionNodeByLabelsScan SubtractionNodeByLabelsScan MultiNodeIndexSeek AssertingMultiNodeIndexSeek
AssertingMultiRelationshipIndexSeek DirectedAllRelationshipsScan UndirectedAllRelationshipsScan
DirectedRelationshipTypeScan UndirectedRelationshipTypeScan DirectedUnionRelationshipTypesScan
UndirectedUnionRelationshipTypesScan DirectedRelationshipByIdSeek UndirectedRelationshipByIdSeek
DirectedRelationshipByElementIdSeek UndirectedRelationshipByElementIdSeek
ProcedureCall ShowIndexes ShowConstraints ShowProcedures ShowFunctions
"""
READ_OPERATORS = frozenset(_READ_OPERATOR_NAMES.split())
# Expand(All), VarLengthExpand(Pruning,BFS,All), StatefulShortestPath(Into), index seeks and scans...
_READ_FAMILIES = re.compile(
    r"(?:Optional)?Expand\(\w+\)|VarLengthExpand\([\w,]+\)|(?:Bidirectional)?Repeat\(\w+\)"
    r"|StatefulShortestPath\(\w+\)|(?:Directed|Undirected)?(?:Node|Relationship)(?:Unique)?Index"
    r"(?:Seek|SeekByRange|Scan|ContainsScan|EndsWithScan)")
# What some refused operators are, for a message a user can act on.
_WHY = {
    "LoadCSV": "LOAD CSV reads a file or a URL",
    "ShowTransactions": "SHOW TRANSACTIONS shows other sessions' queries",
    "TerminateTransactions": "TERMINATE TRANSACTIONS ends other sessions' work",
    "ShowSettings": "SHOW SETTINGS reads the server's configuration",
    "TransactionApply": "CALL { ... } IN TRANSACTIONS commits on its own",
    "TransactionForeach": "CALL { ... } IN TRANSACTIONS commits on its own",
    "AdministrationCommand": "an administration command is not a read",
}

# Procedures that only read this database's own schema or indexes. Not dbms.* (connections, settings,
# other sessions), not db.stats.* (other sessions' queries), not the query cache, nothing that waits.
READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.info", "db.ping",
    "db.schema.visualization", "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
    "db.index.fulltext.queryNodes", "db.index.fulltext.queryRelationships",
    "db.index.fulltext.listAvailableAnalyzers", "db.index.vector.queryNodes",
    "db.index.vector.queryRelationships",
})
# Plugin functions that compute on their arguments only (APOC's text, collection, map and maths helpers);
# any other function must be one of the server's built-in functions.
PURE_FUNCTION_PREFIXES = ("apoc.text.", "apoc.coll.", "apoc.map.", "apoc.math.", "apoc.number.",
                          "apoc.date.", "apoc.temporal.", "apoc.convert.")
# A namespaced call in an operator's details: "apoc.cypher.runFirstColumn($autostring_0, {})".
# Names before "(" that are not calls (a label in "INDEX n:Person(name)") follow a colon; they are skipped.
_CALL = re.compile(r"(?<![:\w.`])((?:`[^`]+`|\w+)(?:\.(?:`[^`]+`|\w+))+)\(")
_PROC = re.compile(r"\s*((?:`[^`]+`|\w+)(?:\.(?:`[^`]+`|\w+))*)\(")


def _name(dotted: str) -> str:
    return ".".join(part.strip("`") for part in dotted.split("."))


def walk(plan: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every operator of a plan tree, parents first (iteratively: a deep plan cannot exhaust the stack)."""
    stack = [plan]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.get("children") or []))


def is_read_operator(name: str, where: str = "neo4j") -> bool:
    """Whether an operator of a plan only reads (and runs on the database, not the system graph).

    >>> is_read_operator("Expand(All)"), is_read_operator("Create"), is_read_operator("NodeIndexSeek")
    (True, False, True)
    """
    return where in ("", "neo4j") and (name in READ_OPERATORS or bool(_READ_FAMILIES.fullmatch(name)))


def _operator(node: Mapping[str, Any]) -> tuple[str, str]:
    """An operator's name and where it runs: ``("Expand(All)", "neo4j")``."""
    name, _, where = str(node.get("operatorType", "")).partition("@")
    return name, where


def procedure_of(details: str) -> str:
    """The procedure a ``ProcedureCall`` runs, from its details.

    >>> procedure_of("`db`.`labels`() :: (label :: STRING)")
    'db.labels'
    """
    m = _PROC.match(details)
    return _name(m.group(1)) if m else ""


def functions_in(details: str) -> list[str]:
    """The namespaced functions an operator's details call (plain names are built in or not functions).

    >>> functions_in("apoc.cypher.runFirstColumn($autostring_0, {}) AS n, toUpper(x) AS y")
    ['apoc.cypher.runFirstColumn']
    >>> functions_in("RANGE INDEX n:Person(name) WHERE name = $autostring_0")
    []
    """
    return [_name(m.group(1)) for m in _CALL.finditer(details)]


def plan_refusal(plan: Mapping[str, Any], query_type: str | None,
                 builtin_functions: Collection[str] = ()) -> str | None:
    """Why the planned query may not run read-only, or None when every operator, procedure and function
    of ``plan`` is on the read lists and Neo4j classes the query as a read (``query_type`` ``"r"``).

    ``builtin_functions`` are the server's own functions (``SHOW FUNCTIONS``, ``isBuiltIn``), lower-cased.
    """
    builtins = {f.lower() for f in builtin_functions}
    for node in walk(plan):
        name, where = _operator(node)
        details = str((node.get("args") or {}).get("Details", ""))
        if not is_read_operator(name, where):
            return f"{_WHY.get(name, 'it does not only read')} (operator {node.get('operatorType')})"
        if name == "ProcedureCall":
            proc = procedure_of(details)
            if proc not in READ_PROCEDURES:
                return f"CALL {proc or '?'} is not one of the read procedures the console allows"
            details = details[details.find("(") + 1:]
        for fn in functions_in(details):
            if fn.lower() not in builtins and not fn.lower().startswith(PURE_FUNCTION_PREFIXES):
                return f"function {fn}() is not a built-in function the console allows"
    if query_type not in (None, "r"):
        kinds = {"w": "writes", "rw": "reads and writes", "s": "changes the schema or the server"}
        return f"Neo4j classes the query as one that {kinds.get(query_type, query_type)}"
    return None

