// title: Most connected actors (degree)
// question: Which actors have the most distinct neighbours in the graph, through how many relationships, and in how many articles are they named?
// param: label = '' — keep one actor label such as 'Person' or 'Agency'; empty for every actor label
// param: top = 10 — how many actors to list
//
// Neo4j Browser / cypher-shell:
//   :param label => '';
//   :param top => 10;
//
// `degree` counts distinct neighbours (actors, events, claims) over every relationship except
// MENTIONS, in either direction; `relationships` counts the relationships themselves (two roles in one
// event are two). `articles` is how many articles name the actor.
MATCH (x)
WHERE (x:Person OR x:Agency OR x:Country OR x:Administration OR x:Organization OR x:Initiative OR x:Law
       OR x:Place)
  AND ($label = '' OR toLower(head(labels(x))) = toLower(trim($label)))
OPTIONAL MATCH (x)-[r]-(y)
WHERE type(r) <> 'MENTIONS'
WITH x, count(DISTINCT y) AS degree, count(r) AS relationships
RETURN x.name AS actor, head(labels(x)) AS label, degree, relationships,
       COUNT { (x)<-[:MENTIONS]-(:Article) } AS articles
ORDER BY degree DESC, relationships DESC, actor
LIMIT $top;
