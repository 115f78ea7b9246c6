-- PostgreSQL only (H2 searches with LIKE, see chat.nexus.search.SearchStore): full-text search of
-- messages. An expression index on the partitioned parent is created on every partition, and on each
-- month's partition as MessagePartitions creates it. The 'simple' configuration lower-cases words and
-- stems nothing, so it suits every language people write in; the search query uses the very same
-- expression, or the index would not serve it. Building it reads every stored message once.
CREATE INDEX messages_text_search_idx ON messages USING GIN (to_tsvector('simple', text));
