-- Runs on PostgreSQL and on H2 in PostgreSQL mode. On PostgreSQL `messages` is partitioned by month: adding
-- nullable columns to the parent adds them to every partition without rewriting a row.

-- Edits and deletes: when the text last changed, and when the message was deleted (its text is emptied
-- then: a deleted message's content is gone, not hidden).
ALTER TABLE messages ADD COLUMN edited_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE messages ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
-- A reply names the message it answers (same room); the quote is read with a join, so it follows the
-- original's edits and is empty once the original is deleted.
ALTER TABLE messages ADD COLUMN reply_to_id BIGINT;
-- The reactions' summary as the clients get it ([{emoji, count, userIds}], JSON), rewritten with each
-- toggle under the message's row lock: history reads stay one query. NULL when there are none. At most
-- 20 emoji of at most 32 characters, each with 5 user ids: far under this bound.
ALTER TABLE messages ADD COLUMN reactions VARCHAR(100000);

-- One row per user, emoji and message: the source the summary above is built from. On PostgreSQL the
-- messages' primary key is (id, created_at), so no foreign key to them: the room and the message's
-- created_at are kept here, the latter for deleting the reactions of messages past their retention.
-- Message ids are unique across rooms (one sequence), so the message id leads the key.
CREATE TABLE message_reactions (
  message_id         BIGINT NOT NULL,
  emoji              VARCHAR(64) NOT NULL,
  user_id            VARCHAR(128) NOT NULL,
  room_id            VARCHAR(300) NOT NULL,
  created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  message_created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
);
CREATE INDEX message_reactions_message_created_at_idx ON message_reactions(message_created_at);
