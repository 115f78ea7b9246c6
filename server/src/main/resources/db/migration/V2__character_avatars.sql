-- The PNG a character was imported from, served as its avatar (NULL for JSON imports).
ALTER TABLE characters ADD COLUMN avatar BYTEA;
CREATE INDEX characters_created_idx ON characters(created_at);
