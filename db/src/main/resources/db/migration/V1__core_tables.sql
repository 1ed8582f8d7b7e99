-- GoChat core schema: accounts, the follow graph, revoked tokens, chat rooms, their messages and presence.

CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        varchar(32)  NOT NULL,
    email           varchar(254) NOT NULL,
    password_hash   text         NOT NULL,
    followers_count bigint       NOT NULL DEFAULT 0 CHECK (followers_count >= 0),
    following_count bigint       NOT NULL DEFAULT 0 CHECK (following_count >= 0),
    created_at      timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- follower_id follows following_id. The primary key serves "whom does X follow",
-- the second index "who follows X"; both are ordered by the other id for keyset paging.
CREATE TABLE user_followers (
    follower_id  bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    following_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, following_id),
    CHECK (follower_id <> following_id)
);
CREATE INDEX user_followers_following_idx ON user_followers (following_id, follower_id);

-- Tokens revoked by logout, kept until they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti        varchar(64) PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_expires_idx ON revoked_tokens (expires_at);

-- Deleted accounts, kept until every token issued to them has expired, so those tokens stay rejected.
CREATE TABLE deleted_users (
    user_id    bigint PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX deleted_users_expires_idx ON deleted_users (expires_at);

CREATE TABLE rooms (
    id         varchar(64)  PRIMARY KEY,
    name       varchar(100) NOT NULL,
    created_by bigint       REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz  NOT NULL DEFAULT now(),
    last_seq   bigint       NOT NULL DEFAULT 0
);

-- Messages outlive their authors: user_id has no foreign key and the username is kept with each message.
CREATE TABLE messages (
    room_id       varchar(64)   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq           bigint        NOT NULL,
    user_id       bigint        NOT NULL,
    username      varchar(32)   NOT NULL,
    content       varchar(4096) NOT NULL,
    client_msg_id varchar(64),
    sent_at       timestamptz   NOT NULL,
    PRIMARY KEY (room_id, seq)
);

-- Who is connected to which room on which server; rows of a server whose heartbeat stops expire.
CREATE TABLE presence (
    node_id      varchar(64) NOT NULL,
    room_id      varchar(64) NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id      bigint      NOT NULL,
    username     varchar(32) NOT NULL,
    connections  integer     NOT NULL CHECK (connections > 0),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (node_id, room_id, user_id)
);
CREATE INDEX presence_room_idx ON presence (room_id);
