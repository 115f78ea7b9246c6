-- PostgreSQL only (H2 keeps one plain table): messages become a table partitioned by month of
-- created_at, so that old months can be dropped whole (MESSAGE_RETENTION_DAYS) instead of deleted row by
-- row. The rows already stored are not copied: the old table is attached as the partition of everything
-- before the month after its newest row, so the migration reads it (the partition check, the client id
-- keys, one index for the new primary key) but rewrites none of it. Shared migrations (db/migration) do
-- not use the version numbers of this folder.

-- Month boundaries are UTC, whatever the session's time zone.
SET LOCAL TimeZone = 'UTC';
LOCK TABLE messages IN ACCESS EXCLUSIVE MODE;

-- A unique index on a partitioned table must contain the partition key, so (user_id, room_id, client_id)
-- could no longer be unique across months. The keys of idempotent sends live in this table instead, one
-- row per stored message that has a client id, filled by a trigger in the same statement as the message:
-- a resend fails with the same unique violation as before, whichever month the first send is in, and
-- whichever server version inserts it. Rows go with their message's partition (MessagePartitions).
-- Its indexes are built after the copy (a sort each, several times faster than row by row); the old
-- unique index guarantees the copied keys are unique.
CREATE TABLE message_client_ids (
  user_id    VARCHAR(128) NOT NULL,
  room_id    VARCHAR(300) NOT NULL,
  client_id  VARCHAR(64) NOT NULL,
  message_id BIGINT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO message_client_ids (user_id, room_id, client_id, message_id, created_at)
  SELECT user_id, room_id, client_id, id, created_at FROM messages WHERE client_id IS NOT NULL;
ALTER TABLE message_client_ids ADD PRIMARY KEY (user_id, room_id, client_id);
CREATE INDEX message_client_ids_created_at_idx ON message_client_ids(created_at);

-- The old table becomes a partition: its identity sequence gives way to a sequence of the parent
-- (PostgreSQL 15 has no identity columns on partitioned tables), continuing after its highest id; its
-- primary key on id alone cannot stand beside the parent's (id, created_at); its client id index is the
-- table above now; its history index is kept and taken over by the parent's index of the same shape.
ALTER TABLE messages RENAME TO messages_before;
ALTER TABLE messages_before ALTER COLUMN id DROP IDENTITY;
ALTER TABLE messages_before DROP CONSTRAINT messages_pkey;
DROP INDEX messages_user_room_client_idx;
ALTER INDEX messages_room_id_id_idx RENAME TO messages_before_room_id_id_idx;

CREATE SEQUENCE messages_id_seq AS BIGINT;
SELECT setval('messages_id_seq', COALESCE((SELECT MAX(id) FROM messages_before), 0) + 1, false);

CREATE TABLE messages (
  id         BIGINT NOT NULL DEFAULT nextval('messages_id_seq'),
  room_id    VARCHAR(300) NOT NULL,
  user_id    VARCHAR(128) NOT NULL,
  text       VARCHAR(8000) NOT NULL,
  client_id  VARCHAR(64),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE messages_id_seq OWNED BY messages.id;
-- History reads a room newest first by id (keyset pagination), in every partition.
CREATE INDEX messages_room_id_id_idx ON messages(room_id, id DESC);

CREATE FUNCTION message_client_id_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.client_id IS NOT NULL THEN
    INSERT INTO message_client_ids (user_id, room_id, client_id, message_id, created_at)
      VALUES (NEW.user_id, NEW.room_id, NEW.client_id, NEW.id, NEW.created_at);
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER messages_client_id_claim BEFORE INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION message_client_id_claim();

-- Rows whose month has no partition yet land here rather than fail; the maintenance moves them out when
-- it creates their month.
CREATE TABLE messages_default PARTITION OF messages DEFAULT;

-- An empty old table is dropped and months start at this one.
DO $$
DECLARE
  newest TIMESTAMP WITH TIME ZONE := (SELECT MAX(created_at) FROM messages_before);
  month  TIMESTAMP WITH TIME ZONE := date_trunc('month', now(), 'UTC');
BEGIN
  IF newest IS NULL THEN
    DROP TABLE messages_before;
  ELSE
    month := date_trunc('month', GREATEST(newest, now()), 'UTC') + INTERVAL '1 month';
    EXECUTE format('ALTER TABLE messages ATTACH PARTITION messages_before FOR VALUES FROM (MINVALUE) TO (%L)',
                   month);
  END IF;
  FOR i IN 0..2 LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF messages FOR VALUES FROM (%L) TO (%L)',
                   'messages_p' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM'),
                   month, month + INTERVAL '1 month');
    month := month + INTERVAL '1 month';
  END LOOP;
END
$$;
