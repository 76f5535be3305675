// title: Which articles support a relationship
// question: Which articles, and which sentences in them, support a relationship between two actors (of a given type, in either direction)?
// param: source = 'Claudia Sheinbaum' — one end's name or alias, any case
// param: target = 'Mexico' — the other end's name or alias, any case; empty for any
// param: rel_type = 'LEADS' — a relationship type such as 'LEADS', 'WORKS_WITH' or 'PARTICIPANT' (any case); empty for any
//
// Neo4j Browser / cypher-shell:
//   :param source => 'Claudia Sheinbaum';
//   :param target => 'Mexico';
//   :param rel_type => 'LEADS';
//
// One row per piece of evidence: the article (title, publisher, date, url), the sentence and its
// character offsets in the article body. A relationship told by two articles has two rows.
MATCH (s)-[r]-(t)
WHERE type(r) <> 'MENTIONS' AND NOT s:Article
  AND (toLower(s.name) = toLower(trim($source))
       OR any(alias IN coalesce(s.aliases, []) WHERE toLower(alias) = toLower(trim($source))))
  AND ($target = '' OR toLower(t.name) = toLower(trim($target))
       OR any(alias IN coalesce(t.aliases, []) WHERE toLower(alias) = toLower(trim($target))))
  AND ($rel_type = '' OR type(r) = toUpper(trim($rel_type)))
WITH DISTINCT r
UNWIND range(0, size(coalesce(r.evidence_sentences, [])) - 1) AS i
OPTIONAL MATCH (a:Article {id: r.evidence_articles[i]})
RETURN startNode(r).name AS from, type(r) AS relationship, endNode(r).name AS to,
       r.title AS title, r.role AS role, r.status AS status,
       a.title AS article, a.publisher AS publisher, a.published AS published, a.url AS url,
       r.evidence_sentences[i] AS sentence, r.evidence_starts[i] AS start, r.evidence_ends[i] AS end
ORDER BY relationship, from, to, published, start;
