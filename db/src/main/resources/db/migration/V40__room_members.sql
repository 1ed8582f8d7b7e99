-- Rooms with members: visibility, members with roles and read markers, bans, direct rooms, and the
-- counters that make unread counts O(1) per room.

-- public: anyone reads and joins; private: members only; direct: the two members of direct_key.
ALTER TABLE rooms ADD COLUMN visibility varchar(8) NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'private', 'direct'));
-- A direct room's pair of users, "smaller id:larger id": one direct room per unordered pair.
ALTER TABLE rooms ADD COLUMN direct_key varchar(41) UNIQUE
    CHECK ((visibility = 'direct') = (direct_key IS NOT NULL));
-- How many `message` events the room holds (edits and deletes are events with a seq but are not
-- counted), and when its newest one was sent: the inbox's order. MessageStore's batch statement
-- alone advances both, in the same statement that takes the seqs.
ALTER TABLE rooms ADD COLUMN message_count bigint NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN last_message_at timestamptz;

-- A `message` event's number among the room's messages (1, 2, ...); null for events that are not
-- messages. Until now every row was a message, so it is its seq.
ALTER TABLE messages ADD COLUMN message_no bigint;
UPDATE messages SET message_no = seq;
UPDATE rooms r SET message_count = r.last_seq,
                   last_message_at = (SELECT m.sent_at FROM messages m WHERE m.room_id = r.id AND m.seq = r.last_seq);

-- Members, their role, and their read marker: read_seq is the seq read up to, read_count the
-- message_no at that seq, so unread = rooms.message_count - read_count without counting rows.
CREATE TABLE room_members (
    room_id    varchar(64) NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       varchar(9)  NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
    joined_at  timestamptz NOT NULL DEFAULT now(),
    read_seq   bigint      NOT NULL DEFAULT 0 CHECK (read_seq >= 0),
    read_count bigint      NOT NULL DEFAULT 0 CHECK (read_count >= 0),
    PRIMARY KEY (room_id, user_id)
);
-- A user's rooms (the inbox, getRooms' private rooms).
CREATE INDEX room_members_user_idx ON room_members (user_id, room_id);
-- At most one owner per room.
CREATE UNIQUE INDEX room_members_owner_key ON room_members (room_id) WHERE role = 'owner';

-- Users banned from a (public) room: they may not join it again until an owner or moderator adds them.
CREATE TABLE room_bans (
    room_id   varchar(64) NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id   bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    banned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, user_id)
);

-- Existing rooms: their creator owns them (while the account exists); the authors of their messages
-- are members. Every marker starts at the room's end, so nothing old shows as unread.
INSERT INTO room_members (room_id, user_id, role, joined_at, read_seq, read_count)
SELECT r.id, r.created_by, 'owner', r.created_at, r.last_seq, r.message_count
  FROM rooms r JOIN users u ON u.id = r.created_by;

INSERT INTO room_members (room_id, user_id, role, joined_at, read_seq, read_count)
SELECT a.room_id, a.user_id, 'member', a.first_sent, r.last_seq, r.message_count
  FROM (SELECT room_id, user_id, min(sent_at) AS first_sent FROM messages GROUP BY room_id, user_id) a
  JOIN rooms r ON r.id = a.room_id
  JOIN users u ON u.id = a.user_id
ON CONFLICT (room_id, user_id) DO NOTHING;
