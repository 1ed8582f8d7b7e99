-- migration: no transaction
-- Search, second step (outside a transaction, indexes built CONCURRENTLY as in V50; every
-- statement can run again after a failure).
--
-- The search index becomes a full one: PostgreSQL keeps no statistics for a partial index's
-- expression, so with V50's partial index the planner took every word for one in 200 messages,
-- and scanned all the messages with a word that is in a third of them (seconds over a million
-- rows) where reading a room backwards finds twenty at once. Deleted messages have no content and
-- so no entry anyway; the rows of edits are in it, and queries keep only messages.
DROP INDEX CONCURRENTLY IF EXISTS messages_text_idx;
CREATE INDEX CONCURRENTLY messages_text_idx ON messages USING gin (to_tsvector('simple', content));
DROP INDEX CONCURRENTLY IF EXISTS messages_search_idx;

-- Search across rooms, newest first: read backwards by time when the word is common.
DROP INDEX CONCURRENTLY IF EXISTS messages_sent_at_idx;
CREATE INDEX CONCURRENTLY messages_sent_at_idx ON messages (sent_at);

-- The statistics of the new index's expression, for the planner (reads a sample; writers go on).
ANALYZE messages;
