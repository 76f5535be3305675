// title: Events by type
// question: Which events of a given type (or of every type) were reported, when, with whom in which role, and during which administration?
// param: event_type = '' — an event type such as 'Transfer', 'Arrest' or 'Denial' (any case); empty for every type
//
// Neo4j Browser / cypher-shell:
//   :param event_type => '';
//
// Event types: Announcement, Statement, Denial, Agreement, Consultation, Training, Reform, Extradition,
// Transfer, Arrest, Killing, Appointment, Designation, Trial, Other. `date` is 'YYYY', 'YYYY-MM' or
// 'YYYY-MM-DD' (as precise as the text was); undated events come last in each type.
MATCH (e:Event)
WHERE $event_type = '' OR toLower(e.event_type) = toLower(trim($event_type))
OPTIONAL MATCH (x)-[p:PARTICIPANT]->(e)
WITH e, x, p ORDER BY p.role, x.name
WITH e, collect(x.name + ' (' + p.role + ')') AS participants
OPTIONAL MATCH (e)-[:DURING]->(adm:Administration)
WITH e, participants, collect(adm.name) AS administrations
RETURN e.event_type AS type, e.date AS date, e.name AS event, participants, administrations,
       size(coalesce(e.articles, [])) AS articles
ORDER BY type, date IS NULL, date, event;
