-- Profiles: a handle beside the display name, unique whatever its case (handles are a-z0-9_ and stored
-- in lower case, so a plain unique index is case-insensitive), and an avatar. Users stored before get
-- their handle the first time they are read (derived from their username or name, in Java).
ALTER TABLE users ADD COLUMN handle VARCHAR(32);
CREATE UNIQUE INDEX users_handle_idx ON users(handle);
-- The avatar's version (a hash of its bytes): the profile names it in avatarUrl and the avatar route
-- answers it as the ETag, without reading the picture. NULL: no avatar.
ALTER TABLE users ADD COLUMN avatar_etag VARCHAR(64);

-- The avatar itself (a re-encoded thumbnail), apart from users so that reading a profile never reads it.
CREATE TABLE user_avatars (
  user_id      VARCHAR(128) PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  content_type VARCHAR(32) NOT NULL,
  data         BYTEA NOT NULL,
  updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Files and images sent to rooms: what they are (detected from their bytes), who sent them where.
CREATE TABLE uploads (
  id           VARCHAR(32) PRIMARY KEY,
  room_id      VARCHAR(300) NOT NULL,
  user_id      VARCHAR(128) NOT NULL,
  name         VARCHAR(255) NOT NULL,
  content_type VARCHAR(100) NOT NULL,
  size         BIGINT NOT NULL,
  width        INTEGER,
  height       INTEGER,
  image        BOOLEAN NOT NULL,
  store        VARCHAR(8) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX uploads_user_created_idx ON uploads(user_id, created_at);

-- Their bytes when UPLOAD_STORE is the database (the default): the file, and for images its preview,
-- each under its own key (the same keys as objects in an S3 bucket).
CREATE TABLE upload_blobs (
  blob_key VARCHAR(64) PRIMARY KEY,
  data     BYTEA NOT NULL
);

-- A message's attachment as clients see it ({id, name, contentType, size, width?, height?, image}),
-- JSON text written with the message, so history needs no join.
ALTER TABLE messages ADD COLUMN attachment VARCHAR(1000);
