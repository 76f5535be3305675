// title: Shortest paths between two actors, with the evidence of each hop
// question: How are two actors connected, by the fewest relationships, and which sentence of which article supports each hop?
// param: source = 'Claudia Sheinbaum' — one actor's name or alias, any case
// param: target = 'Rafael Caro Quintero' — the other actor's name or alias, any case
//
// Neo4j Browser / cypher-shell:
//   :param source => 'Claudia Sheinbaum';
//   :param target => 'Rafael Caro Quintero';
//
// One row per hop of every shortest path (up to 8 hops; articles are not used as stepping stones).
// `link` is the relationship itself (for drawing); `from` and `to` follow its stored direction, which
// may run against the path's. `evidence` lists the sentences the relationship was read from.
MATCH (s)
WHERE NOT s:Article AND NOT s:Event AND NOT s:Claim
  AND (toLower(s.name) = toLower(trim($source))
       OR any(alias IN coalesce(s.aliases, []) WHERE toLower(alias) = toLower(trim($source))))
MATCH (t)
WHERE NOT t:Article AND NOT t:Event AND NOT t:Claim AND t <> s
  AND (toLower(t.name) = toLower(trim($target))
       OR any(alias IN coalesce(t.aliases, []) WHERE toLower(alias) = toLower(trim($target))))
MATCH p = allShortestPaths(
  (s)-[:LEADS|MEMBER_OF|PART_OF|HEADED|COORDINATES|PARTICIPATES_IN|WORKS_WITH|PARTICIPANT|DURING|ASSERTS|DENIES*..8]-(t))
WITH collect(p) AS paths
UNWIND range(0, size(paths) - 1) AS i
WITH i, paths[i] AS p
UNWIND range(0, length(p) - 1) AS j
WITH i, j, relationships(p)[j] AS r
OPTIONAL MATCH (a:Article) WHERE a.id IN coalesce(r.articles, [])
WITH i, j, r, collect(a.title) AS articles
RETURN i + 1 AS path, j + 1 AS hop, startNode(r).name AS from, type(r) AS relationship,
       endNode(r).name AS to, coalesce(r.evidence_sentences, []) AS evidence, articles, r AS link
ORDER BY path, hop;
