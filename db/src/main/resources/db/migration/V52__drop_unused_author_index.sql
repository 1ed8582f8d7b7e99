-- migration: no transaction
-- messages_author_idx (V50) served "the rooms a user has written in", which search across rooms
-- covered until rooms had members; it now covers room_members, and no query reads this index. Every
-- stored message still paid for an entry in it. Dropped CONCURRENTLY: writers go on meanwhile.
DROP INDEX CONCURRENTLY IF EXISTS messages_author_idx;
