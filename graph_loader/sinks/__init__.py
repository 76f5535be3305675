"""Where a graph goes: Neo4j (:mod:`.neo4j`) or the embedded store file (:mod:`.embedded`).

Each sink is handed its driver or its path; nothing here reads settings.
"""
