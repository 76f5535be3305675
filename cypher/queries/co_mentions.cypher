// title: Co-mentions: actors named in the same articles
// question: Which actors are named in the same articles as a given actor (or as each other), and in how many?
// param: actor = 'DEA' — an actor's name or alias, any case; empty for every pair of actors
// param: min_articles = 2 — the fewest articles the two must share
//
// Neo4j Browser / cypher-shell:
//   :param actor => 'DEA';
//   :param min_articles => 2;
//
// Co-mention is a weak tie (two names in one article), but across many articles it shows who is
// reported together. Events and claims are not actors and are left out.
MATCH (x)<-[:MENTIONS]-(art:Article)-[:MENTIONS]->(y)
WHERE x <> y
  AND NOT x:Event AND NOT x:Claim AND NOT y:Event AND NOT y:Claim
  AND ($actor = '' AND x.id < y.id
       OR $actor <> '' AND (toLower(x.name) = toLower(trim($actor))
          OR any(alias IN coalesce(x.aliases, []) WHERE toLower(alias) = toLower(trim($actor)))))
WITH x, y, art ORDER BY art.published
WITH x, y, collect(DISTINCT art.title) AS articles
WHERE size(articles) >= $min_articles
RETURN x.name AS actor, y.name AS co_mentioned, head(labels(y)) AS label, size(articles) AS shared_articles,
       articles
ORDER BY shared_articles DESC, actor, co_mentioned;
