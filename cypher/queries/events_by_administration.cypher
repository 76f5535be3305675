// title: Events by administration
// question: How many events of each type happened during each administration (Mexican and US), with examples?
// param: administration = '' — part of an administration's name, any case (e.g. 'Sheinbaum'); empty for all
//
// Neo4j Browser / cypher-shell:
//   :param administration => '';
//
// An event dated inside two terms (a Mexican and a US one) counts for both. Events without a date
// are grouped under '(no administration)'.
MATCH (e:Event)
OPTIONAL MATCH (e)-[:DURING]->(adm:Administration)
WITH e, adm, coalesce(adm.name, '(no administration)') AS administration
WHERE $administration = '' OR toLower(administration) CONTAINS toLower(trim($administration))
WITH administration, adm.start AS start, adm.end AS end, e.event_type AS type, e
ORDER BY e.date
WITH administration, start, end, type, count(e) AS events, collect(e.name)[..3] AS examples
RETURN administration, start, end, type, events, examples
ORDER BY start IS NULL, start, administration, events DESC, type;
