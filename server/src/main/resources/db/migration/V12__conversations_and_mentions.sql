-- Runs on PostgreSQL and on H2 in PostgreSQL mode.

-- Who was mentioned (@name) in which message: the mention counts of the conversation list (mentions
-- after the user's read marker) and the notifications' record. No foreign key to messages: on
-- PostgreSQL they are partitioned by month and dropped with their month.
CREATE TABLE mentions (
  user_id    VARCHAR(128) NOT NULL,
  room_id    VARCHAR(300) NOT NULL,
  message_id BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id, message_id)
);
-- A history page's mentions: one range of a room's message ids.
CREATE INDEX mentions_room_message_idx ON mentions(room_id, message_id);
