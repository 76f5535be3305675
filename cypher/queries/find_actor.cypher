// title: Find an actor by part of its name
// question: Which actors have a name or alias containing some text, what are they, and how much of the graph touches them?
// param: text = 'harfuch' — part of a name or alias, any case (e.g. 'cartel', 'DEA', 'Secretariat')
//
// Neo4j Browser / cypher-shell:
//   :param text => 'harfuch';
//
// Use it to find the exact name the other queries want. `relationships` leaves MENTIONS out;
// `articles` is how many articles name the actor.
MATCH (x)
WHERE (x:Person OR x:Agency OR x:Country OR x:Administration OR x:Organization OR x:Initiative OR x:Law
       OR x:Place)
  AND (toLower(x.name) CONTAINS toLower(trim($text))
       OR any(alias IN coalesce(x.aliases, []) WHERE toLower(alias) CONTAINS toLower(trim($text))))
RETURN x.name AS name, head(labels(x)) AS label, coalesce(x.aliases, []) AS aliases, x.id AS id,
       COUNT { (x)-[r]-() WHERE type(r) <> 'MENTIONS' } AS relationships,
       COUNT { (x)<-[:MENTIONS]-(:Article) } AS articles
ORDER BY articles DESC, relationships DESC, name;
