-- Runs on PostgreSQL and on H2 in PostgreSQL mode.

-- Characters people own: who may change a card (owner_id; the uploader of a character stored before, NULL
-- for none, such as the demo character, which only an admin changes), who sees it (visibility: private,
-- unlisted or public; the characters stored before were all in the public list and stay there), and
-- whether its owner deleted it (deleted_at: kept, so that the conversations people had with it stay
-- readable).
ALTER TABLE characters ADD COLUMN owner_id VARCHAR(128);
ALTER TABLE characters ADD COLUMN visibility VARCHAR(16) DEFAULT 'public' NOT NULL;
ALTER TABLE characters ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE characters ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
UPDATE characters SET owner_id = created_by;

-- The gallery's search: the name in lower case, and the tags in lower case as |tag|tag| (NULL: not made
-- yet; CharacterStore makes them at start-up for the characters stored before).
ALTER TABLE characters ADD COLUMN name_key VARCHAR(200);
ALTER TABLE characters ADD COLUMN tag_keys VARCHAR(2000);

-- The gallery reads public characters newest first; "My characters" reads one owner's newest first.
CREATE INDEX characters_visibility_created_idx ON characters(visibility, created_at DESC, id);
CREATE INDEX characters_owner_created_idx ON characters(owner_id, created_at DESC, id);
