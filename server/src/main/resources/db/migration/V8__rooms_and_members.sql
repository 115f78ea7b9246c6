-- Runs on PostgreSQL and on H2 in PostgreSQL mode.

-- What a room is beyond its id: the spelling it was created with, a topic, whether anyone may join
-- (public) or only those invited (private), and who owns it. Rooms made before have no owner.
ALTER TABLE rooms ADD COLUMN name VARCHAR(64);
ALTER TABLE rooms ADD COLUMN topic VARCHAR(300);
ALTER TABLE rooms ADD COLUMN visibility VARCHAR(16) DEFAULT 'public' NOT NULL;
ALTER TABLE rooms ADD COLUMN owner_id VARCHAR(128);

-- Who belongs to a room, kept across connections and devices: a row from the first join (or the first
-- direct message) until the user leaves for good. The role is owner, moderator or member;
-- last_read_id is the newest message id the user has read there (0: none), the unread count's origin.
CREATE TABLE room_members (
  room_id      VARCHAR(300) NOT NULL,
  user_id      VARCHAR(128) NOT NULL,
  role         VARCHAR(16) DEFAULT 'member' NOT NULL,
  joined_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  last_read_id BIGINT DEFAULT 0 NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
-- A user's rooms (the conversation list).
CREATE INDEX room_members_user_id_idx ON room_members(user_id, room_id);
