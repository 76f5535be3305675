// title: Brokers: a betweenness ranking in plain Cypher
// question: Which actors, events or claims lie on the most shortest paths between pairs of actors, i.e. broker between them?
// param: top = 10 — how many nodes to list
// param: actors_only = true — true to rank actors only; false to rank events and claims as well
//
// Neo4j Browser / cypher-shell:
//   :param top => 10;
//   :param actors_only => true;
//
// Betweenness without APOC or GDS: for every unordered pair of actors (s, t), take all shortest paths
// between them (undirected, up to 10 hops, articles left out); each node inside those paths gets the
// share of the pair's paths that pass through it. A node's score is the sum of its shares over all
// pairs (Brandes' unnormalised betweenness, with actors as endpoints). Paths are counted by their nodes,
// so two relationships between the same two nodes do not make two paths. Cost grows with the square
// of the number of actors: on a large graph raise PORTERO_QUERY_TIMEOUT or filter the pairs.
MATCH (s), (t)
WHERE (s:Person OR s:Agency OR s:Country OR s:Administration OR s:Organization OR s:Initiative OR s:Law
       OR s:Place)
  AND (t:Person OR t:Agency OR t:Country OR t:Administration OR t:Organization OR t:Initiative OR t:Law
       OR t:Place)
  AND s.id < t.id
MATCH p = allShortestPaths(
  (s)-[:LEADS|MEMBER_OF|PART_OF|HEADED|COORDINATES|PARTICIPATES_IN|WORKS_WITH|PARTICIPANT|DURING|ASSERTS|DENIES*..10]-(t))
WITH s, t, collect(DISTINCT nodes(p)[1..-1]) AS routes
WITH size(routes) AS sigma, routes
UNWIND routes AS route
UNWIND route AS v
WITH v, sum(1.0 / sigma) AS share
WHERE NOT $actors_only OR NOT (v:Event OR v:Claim)
RETURN v.name AS name, CASE WHEN v:Event THEN 'Event' ELSE head(labels(v)) END AS label,
       round(share, 3) AS betweenness
ORDER BY betweenness DESC, name
LIMIT $top;
