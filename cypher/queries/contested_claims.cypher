// title: Contested claims, with both sides
// question: Which claims does one actor assert and another deny, who stands on each side, and in which words?
// param: contested_only = true — true for claims both asserted and denied; false for every claim
//
// Neo4j Browser / cypher-shell:
//   :param contested_only => true;
//
// A claim is contested when some actor ASSERTS it and some actor DENIES it, in the same article or in
// different ones. Each side lists its actors and the sentences their stance was read from.
MATCH (c:Claim)
OPTIONAL MATCH (pro)-[ra:ASSERTS]->(c)
WITH c, collect(pro.name) AS asserted_by, [s IN collect(ra.evidence_sentences) | s[0]] AS asserting
OPTIONAL MATCH (con)-[rd:DENIES]->(c)
WITH c, asserted_by, asserting, collect(con.name) AS denied_by,
     [s IN collect(rd.evidence_sentences) | s[0]] AS denying
WHERE NOT $contested_only OR (size(asserted_by) > 0 AND size(denied_by) > 0)
OPTIONAL MATCH (a:Article) WHERE a.id IN coalesce(c.articles, [])
WITH c, asserted_by, asserting, denied_by, denying, collect(a.title) AS articles
RETURN c.name AS claim, size(asserted_by) > 0 AND size(denied_by) > 0 AS contested,
       asserted_by, denied_by, asserting AS assert_evidence, denying AS deny_evidence, articles
ORDER BY contested DESC, claim;
