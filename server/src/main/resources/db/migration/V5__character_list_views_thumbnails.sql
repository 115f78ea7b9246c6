-- What the public list and the gallery show, made once per character when it is stored: its line in the
-- list (JSON text; NULL for characters stored before, made the first time they are listed), the number of
-- users who viewed it, and the re-encoded thumbnail served as its avatar (NULL: made on first request).
ALTER TABLE characters ADD COLUMN summary TEXT;
ALTER TABLE characters ADD COLUMN view_count BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE characters ADD COLUMN avatar_thumbnail BYTEA;

-- A view counts once per user: one row per (character, user), keeping the first view's time.
CREATE TABLE character_viewers (
  character_id VARCHAR(64) NOT NULL,
  user_id      VARCHAR(128) NOT NULL,
  viewed_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (character_id, user_id)
);
INSERT INTO character_viewers (character_id, user_id, viewed_at)
  SELECT character_id, user_id, MIN(viewed_at) FROM character_views GROUP BY character_id, user_id;
DROP TABLE character_views;
ALTER TABLE character_viewers RENAME TO character_views;
UPDATE characters SET view_count = (SELECT COUNT(*) FROM character_views v WHERE v.character_id = characters.id);

-- The list is read newest first in pages: ORDER BY created_at DESC, id.
DROP INDEX characters_created_idx;
CREATE INDEX characters_created_id_idx ON characters(created_at DESC, id);
