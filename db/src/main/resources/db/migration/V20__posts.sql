-- Posts: short texts of a user, read newest first by author and merged into the feeds of their followers.
-- Ids come from the identity and are handed out under a lock (see Posts.create), so they grow with
-- commit order and keyset paging by id never skips or repeats a post.
CREATE TABLE posts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id  bigint       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content    varchar(500) NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT clock_timestamp()
);
-- A user's posts newest first; the feed reads the top of this index once per followed author.
CREATE INDEX posts_author_id_idx ON posts (author_id, id DESC);
