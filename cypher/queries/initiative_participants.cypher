// title: Initiatives and who takes part (reported or confirmed)
// question: Who leads, coordinates or takes part in each program or operation, is the participation reported or confirmed, and which events involve it?
// param: initiative = '' — an initiative's name or alias, any case (e.g. 'Project Portero'); empty for every initiative
// param: status = '' — 'reported' or 'confirmed' to keep only participations with that status; empty for all
//
// Neo4j Browser / cypher-shell:
//   :param initiative => '';
//   :param status => '';
//
// `involvement` is the relationship: LEADS, COORDINATES, PARTICIPATES_IN (whose `status` says whether
// the participation was only reported, e.g. by the press, or confirmed by the participant), or
// `event` for an actor taking part in an event the initiative is part of (then `status` is the event
// type and role).
MATCH (i:Initiative)
WHERE $initiative = '' OR toLower(i.name) = toLower(trim($initiative))
   OR any(alias IN coalesce(i.aliases, []) WHERE toLower(alias) = toLower(trim($initiative)))
OPTIONAL MATCH (x)-[r:LEADS|COORDINATES|PARTICIPATES_IN]->(i)
WITH i, collect(CASE WHEN x IS NULL THEN NULL ELSE
       {actor: x.name, label: head(labels(x)), involvement: type(r),
        status: CASE type(r) WHEN 'PARTICIPATES_IN' THEN coalesce(r.status, 'reported') ELSE NULL END,
        evidence: coalesce(r.evidence_sentences, []), articles: size(coalesce(r.articles, []))} END) AS direct
OPTIONAL MATCH (i)-[:PARTICIPANT]->(e:Event)<-[p:PARTICIPANT]-(y)
WHERE y <> i
WITH i, direct, collect({actor: y.name, label: head(labels(y)), involvement: 'event',
       status: e.event_type + ' (' + p.role + ')', evidence: coalesce(p.evidence_sentences, []),
       articles: size(coalesce(p.articles, []))}) AS via_events
UNWIND direct + [v IN via_events WHERE v.actor IS NOT NULL] AS row
WITH i, row
WHERE $status = '' OR row.status = toLower(trim($status))
RETURN i.name AS initiative, row.actor AS actor, row.label AS label, row.involvement AS involvement,
       row.status AS status, row.evidence AS evidence, row.articles AS articles
ORDER BY initiative, CASE involvement WHEN 'LEADS' THEN 0 WHEN 'COORDINATES' THEN 1
         WHEN 'PARTICIPATES_IN' THEN 2 ELSE 3 END, status, actor;
