-- migration: no transaction
-- Message lifecycle: edits and deletes are events of a room's stream (rows of messages with their
-- own seq), the edited or deleted message shows its current state, and full-text search.
--
-- It runs outside a transaction so that its indexes are built CONCURRENTLY: on a big messages table
-- nothing here blocks writers for longer than a moment.
--  - The ALTER TABLEs only change the catalog (constant defaults, DROP NOT NULL, a constraint added
--    NOT VALID): each takes the table's exclusive lock for milliseconds, once the transactions
--    already writing to it have ended.
--  - VALIDATE CONSTRAINT reads the whole table under a lock that lets writers go on.
--  - Each CREATE INDEX CONCURRENTLY reads the table twice and lets writers go on; it takes time in
--    proportion to the table (README gives the figure measured for the search index over 1,000,000
--    messages), and it waits first for the transactions already running to end.
-- Every statement can run again after a failure (a CONCURRENTLY build that failed leaves an
-- invalid index behind: each index is dropped before it is built).

-- kind: 'message' (a message, the only rows with a message_no and the only ones search finds),
-- 'edit' or 'delete' (events whose target_seq names the message they change). A message shows its
-- current state: content is its latest text, edited_at the time of its latest edit, and a deleted
-- message has deleted = true and no content (nor have the edits of it).
ALTER TABLE messages ADD COLUMN IF NOT EXISTS kind varchar(8) NOT NULL DEFAULT 'message';
ALTER TABLE messages ADD COLUMN IF NOT EXISTS target_seq bigint;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS edited_at timestamptz;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS deleted boolean NOT NULL DEFAULT false;
ALTER TABLE messages ALTER COLUMN content DROP NOT NULL;
ALTER TABLE messages
    DROP CONSTRAINT IF EXISTS messages_kind_check,
    ADD CONSTRAINT messages_kind_check CHECK (
        kind IN ('message', 'edit', 'delete')
        AND (kind = 'message') = (target_seq IS NULL)
        AND (content IS NULL) = (deleted OR kind = 'delete')) NOT VALID;
ALTER TABLE messages VALIDATE CONSTRAINT messages_kind_check;

-- The edits of a message, wiped with it when it is deleted.
DROP INDEX CONCURRENTLY IF EXISTS messages_target_idx;
CREATE INDEX CONCURRENTLY messages_target_idx ON messages (room_id, target_seq) WHERE target_seq IS NOT NULL;

-- Full-text search over the current text of messages, language-neutral ('simple': words lower-cased,
-- no stemming, no stop words). Queries repeat the expression and the predicate to use it.
DROP INDEX CONCURRENTLY IF EXISTS messages_search_idx;
CREATE INDEX CONCURRENTLY messages_search_idx ON messages USING gin (to_tsvector('simple', content))
    WHERE kind = 'message' AND NOT deleted;

-- The rooms a user has written in (search across the caller's rooms, until rooms have members).
DROP INDEX CONCURRENTLY IF EXISTS messages_author_idx;
CREATE INDEX CONCURRENTLY messages_author_idx ON messages (user_id, room_id) WHERE kind = 'message';
