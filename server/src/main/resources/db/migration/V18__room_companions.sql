-- Runs on PostgreSQL and on H2 in PostgreSQL mode.

-- Characters a room's owner added to the room: people talk with them by @handle. sponsored: the
-- replies are paid from the budget of the owner who added it, not the mentioning user's.
-- A character deleted leaves the rooms it was in.
CREATE TABLE room_companions (
  room_id      VARCHAR(300) NOT NULL,
  character_id VARCHAR(64) NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
  added_by     VARCHAR(128) NOT NULL,
  sponsored    BOOLEAN NOT NULL DEFAULT FALSE,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (room_id, character_id)
);
CREATE INDEX room_companions_character_idx ON room_companions(character_id);
