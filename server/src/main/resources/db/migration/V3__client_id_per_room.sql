-- Runs on PostgreSQL and on H2 in PostgreSQL mode.

-- Idempotent sends: one message per (user, room, clientId). A client may reuse its ids in another room (a
-- counter per room); deduplicating per user only acknowledged the other room's message and dropped the new
-- one. The new index is built before the old one goes, so no moment is without one; every row that was
-- unique per (user, clientId) is unique per (user, room, clientId) too.
CREATE UNIQUE INDEX messages_user_room_client_idx ON messages(user_id, room_id, client_id);
DROP INDEX messages_user_id_client_id_idx;

-- The server limits a text to 4,000 characters (code points). PostgreSQL counts VARCHAR lengths in code
-- points, H2 in UTF-16 units, where a character outside the Basic Multilingual Plane (most emoji) takes two:
-- 8,000 holds any text the server accepts on both. (On PostgreSQL widening a VARCHAR rewrites nothing.)
ALTER TABLE messages ALTER COLUMN text TYPE VARCHAR(8000);
