// title: An actor's timeline
// question: What happened to or by an actor, in date order: the events it took part in (with its role and the other participants) and the posts it took up?
// param: actor = 'Rafael Caro Quintero' — the actor's name or alias, any case
//
// Neo4j Browser / cypher-shell:
//   :param actor => 'Rafael Caro Quintero';
//
// Dates are 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' strings, so they sort in time order; undated entries
// come last. Posts (LEADS, HEADED administrations) appear at their start; a post whose start no article
// gives is an undated entry, so an actor known only by the post it holds still has a timeline.
MATCH (a)
WHERE NOT a:Article AND NOT a:Event AND NOT a:Claim
  AND (toLower(a.name) = toLower(trim($actor))
       OR any(alias IN coalesce(a.aliases, []) WHERE toLower(alias) = toLower(trim($actor))))
OPTIONAL MATCH (a)-[p:PARTICIPANT]->(e:Event)
OPTIONAL MATCH (o)-[op:PARTICIPANT]->(e)
WHERE o <> a
WITH a, p, e, collect(o.name + ' (' + op.role + ')') AS others
OPTIONAL MATCH (e)-[:DURING]->(adm:Administration)
WITH a, p, e, others, collect(adm.name) AS administrations
WITH a, collect(CASE WHEN e IS NULL THEN NULL ELSE
       {date: e.date, what: e.event_type, role: p.role, entry: e.name, others: others,
        administrations: administrations, evidence: coalesce(p.evidence_sentences, [])[0],
        articles: size(coalesce(p.articles, []))} END) AS events
OPTIONAL MATCH (a)-[r:LEADS|HEADED]->(b)
WITH events, collect(CASE WHEN r IS NULL THEN NULL ELSE
       {date: toString(coalesce(r.start, b.start)), what: type(r), role: coalesce(r.title, 'head'),
        entry: b.name, others: [], administrations: [], evidence: coalesce(r.evidence_sentences, [])[0],
        articles: size(coalesce(r.articles, []))} END) AS posts
UNWIND events + posts AS row
RETURN row.date AS date, row.what AS what, row.role AS role, row.entry AS entry, row.others AS others,
       row.administrations AS administrations, row.evidence AS evidence, row.articles AS articles
ORDER BY date IS NULL, date, what, entry;
