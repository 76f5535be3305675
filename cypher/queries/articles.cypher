// title: Articles and what each one supports
// question: Which articles were loaded, from which publisher and date, and how many actors, events, claims and relationships does each support?
// param: publisher = '' — part of a publisher's name, any case; empty for every publisher
//
// Neo4j Browser / cypher-shell:
//   :param publisher => '';
//
// `relationships` counts relationships (other than MENTIONS) whose evidence cites the article.
MATCH (a:Article)
WHERE $publisher = '' OR toLower(coalesce(a.publisher, '')) CONTAINS toLower(trim($publisher))
OPTIONAL MATCH (a)-[:MENTIONS]->(n)
WITH a, count(CASE WHEN n:Event THEN 1 END) AS events, count(CASE WHEN n:Claim THEN 1 END) AS claims,
     count(CASE WHEN n IS NOT NULL AND NOT n:Event AND NOT n:Claim THEN 1 END) AS actors
RETURN a.title AS title, a.publisher AS publisher, a.published AS published, a.url AS url,
       actors, events, claims,
       COUNT { ()-[r]->() WHERE type(r) <> 'MENTIONS' AND a.id IN coalesce(r.articles, []) } AS relationships
ORDER BY published, title;
