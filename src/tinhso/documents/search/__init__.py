"""Full-text search of official documents (ADR 0009): the pure text rules (`text`), the
index kept current by the services (`indexing`) and the selector (`query.search_documents`)."""
