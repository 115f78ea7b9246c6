-- PostgreSQL only: companion conversations partitioned by month of created_at like the chat messages
-- (V6), so that MESSAGE_RETENTION_DAYS drops their old months too. The rows already stored stay where
-- they are, in the partition of everything before the month after the newest one.

SET LOCAL TimeZone = 'UTC';
LOCK TABLE companion_chat_messages IN ACCESS EXCLUSIVE MODE;

ALTER TABLE companion_chat_messages RENAME TO companion_chat_messages_before;
ALTER TABLE companion_chat_messages_before ALTER COLUMN id DROP IDENTITY;
ALTER TABLE companion_chat_messages_before DROP CONSTRAINT companion_chat_messages_pkey;
ALTER INDEX companion_chat_messages_user_character_created_idx
  RENAME TO companion_chat_messages_before_user_character_created_idx;

CREATE SEQUENCE companion_chat_messages_id_seq AS BIGINT;
SELECT setval('companion_chat_messages_id_seq',
              COALESCE((SELECT MAX(id) FROM companion_chat_messages_before), 0) + 1, false);

CREATE TABLE companion_chat_messages (
  id           BIGINT NOT NULL DEFAULT nextval('companion_chat_messages_id_seq'),
  user_id      VARCHAR(128) NOT NULL,
  character_id VARCHAR(64) NOT NULL,
  role         VARCHAR(16) NOT NULL,
  content      TEXT NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE companion_chat_messages_id_seq OWNED BY companion_chat_messages.id;
CREATE INDEX companion_chat_messages_user_character_created_idx
  ON companion_chat_messages(user_id, character_id, created_at DESC);

CREATE TABLE companion_chat_messages_default PARTITION OF companion_chat_messages DEFAULT;

DO $$
DECLARE
  newest TIMESTAMP WITH TIME ZONE := (SELECT MAX(created_at) FROM companion_chat_messages_before);
  month  TIMESTAMP WITH TIME ZONE := date_trunc('month', now(), 'UTC');
BEGIN
  IF newest IS NULL THEN
    DROP TABLE companion_chat_messages_before;
  ELSE
    month := date_trunc('month', GREATEST(newest, now()), 'UTC') + INTERVAL '1 month';
    EXECUTE format('ALTER TABLE companion_chat_messages ATTACH PARTITION companion_chat_messages_before'
                   ' FOR VALUES FROM (MINVALUE) TO (%L)', month);
  END IF;
  FOR i IN 0..2 LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF companion_chat_messages FOR VALUES FROM (%L) TO (%L)',
                   'companion_chat_messages_p' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM'),
                   month, month + INTERVAL '1 month');
    month := month + INTERVAL '1 month';
  END LOOP;
END
$$;
