// title: Who leads which body, and since when
// question: Which people (or bodies) lead which agencies, countries, groups and initiatives, with what title, since when and according to how many articles?
// param: body = '' — a led body's name or alias, any case (e.g. 'DEA'); empty for every body
// param: leader = '' — a leader's name or alias, any case; empty for every leader
//
// Neo4j Browser / cypher-shell:
//   :param body => '';
//   :param leader => '';
//
// LEADS gives the title and, when the text said so, start and end; HEADED (a person heading an
// administration) takes the administration's term. `first_reported` is the earliest publication date
// of the articles that report the relationship: a lower bound when no start date was read.
MATCH (p)-[r:LEADS|HEADED]->(b)
WITH p, r, b,
     CASE type(r) WHEN 'HEADED' THEN 'head of government' ELSE r.title END AS title,
     CASE type(r) WHEN 'HEADED' THEN b.start ELSE r.start END AS since,
     CASE type(r) WHEN 'HEADED' THEN b.end ELSE r.end END AS until
WHERE ($body = '' OR toLower(b.name) = toLower(trim($body))
       OR any(alias IN coalesce(b.aliases, []) WHERE toLower(alias) = toLower(trim($body))))
  AND ($leader = '' OR toLower(p.name) = toLower(trim($leader))
       OR any(alias IN coalesce(p.aliases, []) WHERE toLower(alias) = toLower(trim($leader))))
OPTIONAL MATCH (a:Article) WHERE a.id IN coalesce(r.articles, [])
WITH p, r, b, title, since, until, min(a.published) AS first_reported, count(a) AS articles
RETURN p.name AS leader, head(labels(p)) AS leader_label, type(r) AS relationship, title,
       b.name AS body, head(labels(b)) AS body_label, since, until, first_reported, articles
ORDER BY body, coalesce(toString(since), first_reported, ''), leader;
