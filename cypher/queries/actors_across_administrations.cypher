// title: Actors active across several administrations
// question: Which actors take part in events during several administrations of one country, which ones, and over what span of dates?
// param: country = 'Mexico' — count the administrations of this country (any case); empty to count Mexican and US ones alike
// param: min_administrations = 2 — the fewest distinct administrations an actor must span
//
// Neo4j Browser / cypher-shell:
//   :param country => 'Mexico';
//   :param min_administrations => 2;
//
// An actor is active in an administration when it takes part (in any role) in an event dated within
// that administration's term. With `country` empty, an event inside both a Mexican and a US term counts
// for both. Administrations themselves are not listed as actors.
MATCH (x)-[:PARTICIPANT]->(e:Event)-[:DURING]->(adm:Administration)
WHERE NOT x:Administration
  AND ($country = '' OR toLower(coalesce(adm.country, '')) = toLower(trim($country)))
WITH x, adm, count(DISTINCT e) AS events, min(e.date) AS first, max(e.date) AS last
ORDER BY adm.start, adm.name
WITH x, collect(adm.name + ' (' + events + ')') AS administrations, count(adm) AS n_administrations,
     sum(events) AS events, min(first) AS first_event, max(last) AS last_event
WHERE n_administrations >= $min_administrations
RETURN x.name AS actor, head(labels(x)) AS label, n_administrations, administrations, events,
       first_event, last_event
ORDER BY n_administrations DESC, events DESC, actor;
