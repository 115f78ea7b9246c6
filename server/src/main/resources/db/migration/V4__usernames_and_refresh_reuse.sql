-- Usernames are one person whatever their case: 'Ann' and 'ann' may not both register. H2 has no
-- expression indexes, so the lower-case form is a column of its own with the unique index. Where two
-- accounts already differ only by case, the older keeps the key; the other still logs in by its exact
-- spelling.
ALTER TABLE users ADD COLUMN username_key VARCHAR(64);
UPDATE users SET username_key = LOWER(username)
 WHERE username IS NOT NULL
   AND NOT EXISTS (
     SELECT 1 FROM users older
      WHERE older.username IS NOT NULL
        AND LOWER(older.username) = LOWER(users.username)
        AND (older.created_at < users.created_at OR (older.created_at = users.created_at AND older.id < users.id)));
CREATE UNIQUE INDEX users_username_key_idx ON users(username_key);

-- Refresh tokens a session has rotated away from (hashed, as in sessions): presenting one again is a sign
-- that it was stolen, and ends the session. Kept as long as a refresh token is valid.
CREATE TABLE retired_refresh_tokens (
  token_hash VARCHAR(64) PRIMARY KEY,
  session_id VARCHAR(64) NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  retired_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX retired_refresh_tokens_retired_at_idx ON retired_refresh_tokens(retired_at);
