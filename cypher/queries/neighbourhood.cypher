// title: Everything within N hops of an actor
// question: Which actors, events and claims lie within a few hops of an actor, how far away, and by which route?
// param: actor = 'Claudia Sheinbaum' — the actor's name or alias, any case
// param: hops = 2 — how many hops out to go (1 to 4)
//
// Neo4j Browser / cypher-shell:
//   :param actor => 'Claudia Sheinbaum';
//   :param hops => 2;
//
// Articles are left out (MENTIONS would put every actor of an article one hop from each other; see
// co_mentions.cypher for that). Each row is one node reached and a shortest route to it, so drawing
// the `route` column draws the neighbourhood as a tree. Variable-length bounds cannot be parameters in
// Cypher, so the search stops at 4 hops whatever `hops` says.
MATCH (a)
WHERE NOT a:Article AND NOT a:Event AND NOT a:Claim
  AND (toLower(a.name) = toLower(trim($actor))
       OR any(alias IN coalesce(a.aliases, []) WHERE toLower(alias) = toLower(trim($actor))))
MATCH (a)-[:LEADS|MEMBER_OF|PART_OF|HEADED|COORDINATES|PARTICIPATES_IN|WORKS_WITH|PARTICIPANT|DURING|ASSERTS|DENIES*1..4]-(b)
WITH DISTINCT a, b
WHERE b <> a
MATCH route = shortestPath(
  (a)-[:LEADS|MEMBER_OF|PART_OF|HEADED|COORDINATES|PARTICIPATES_IN|WORKS_WITH|PARTICIPANT|DURING|ASSERTS|DENIES*..4]-(b))
WITH a, b, route
WHERE length(route) <= $hops
RETURN b.name AS name, CASE WHEN b:Event THEN 'Event' ELSE head(labels(b)) END AS label,
       b.event_type AS event_type, length(route) AS hops, route
ORDER BY hops, label, name;
