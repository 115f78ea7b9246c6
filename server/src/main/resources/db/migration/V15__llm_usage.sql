-- Runs on PostgreSQL and on H2 in PostgreSQL mode.

-- LLM tokens spent per user, character and UTC day: what the daily and monthly quotas count and
-- GET /api/me/usage shows. One row per (user, day, character), added to by each node's
-- write-behind; character_id is '' for a call about no character. No foreign keys: a deleted
-- character's tokens were still spent.
CREATE TABLE llm_usage (
  user_id      VARCHAR(128) NOT NULL,
  usage_day    DATE NOT NULL,
  character_id VARCHAR(128) NOT NULL,
  tokens_in    BIGINT NOT NULL,
  tokens_out   BIGINT NOT NULL,
  PRIMARY KEY (user_id, usage_day, character_id)
);
