// title: Extraditions and transfers: who was sent where
// question: Who was extradited or otherwise sent to another country, by whom, to where, when, and on what evidence?
// param: person = '' — the name or alias of a person sent, any case; empty for everyone
//
// Neo4j Browser / cypher-shell:
//   :param person => '';
//
// One row per person sent per event (roles: subject = who was sent, agent = who sent them,
// destination = where to). A transfer is a handover outside extradition (e.g. under a security law).
MATCH (e:Event)
WHERE e.event_type IN ['Extradition', 'Transfer']
OPTIONAL MATCH (sent)-[s:PARTICIPANT {role: 'subject'}]->(e)
WITH e, sent, s
WHERE $person = '' OR toLower(sent.name) = toLower(trim($person))
   OR any(alias IN coalesce(sent.aliases, []) WHERE toLower(alias) = toLower(trim($person)))
OPTIONAL MATCH (agent)-[:PARTICIPANT {role: 'agent'}]->(e)
WITH e, sent, s, collect(DISTINCT agent.name) AS sent_by
OPTIONAL MATCH (dest)-[:PARTICIPANT {role: 'destination'}]->(e)
WITH e, sent, s, sent_by, collect(DISTINCT dest.name) AS sent_to
OPTIONAL MATCH (a:Article) WHERE a.id IN coalesce(e.articles, [])
WITH e, sent, s, sent_by, sent_to, collect(a.title) AS articles
RETURN e.event_type AS type, e.date AS date, sent.name AS person, head(labels(sent)) AS person_label,
       sent_by, sent_to, coalesce(s.evidence_sentences, e.evidence_sentences, []) AS evidence, articles,
       e.name AS event
ORDER BY date IS NULL, date, type, person;
