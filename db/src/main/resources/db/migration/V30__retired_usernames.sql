-- Usernames of deleted accounts, as lower() folds them for users_username_key. Chat messages keep
-- their author's username after the account is gone, so such a name is never given to another
-- account: registering it answers 409 (Accounts.create); the deletion adds it (Users.delete).
CREATE TABLE retired_usernames (
    username text PRIMARY KEY
);

-- The names of accounts deleted before this table existed, as their messages still show them.
INSERT INTO retired_usernames (username)
SELECT DISTINCT lower(m.username) FROM messages m
WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = m.user_id)
ON CONFLICT DO NOTHING;
