-- The IM tables (docs/im.md, "Storage"). Portable between PostgreSQL and H2 2.x in MODE=PostgreSQL.
-- Never edit a released migration; add V2__... instead.

CREATE TABLE im_group (
  id BIGINT NOT NULL PRIMARY KEY,
  name VARCHAR(128) NOT NULL,
  owner BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  member_count INTEGER NOT NULL
);

-- A member sees the group's messages after joined_seq.
CREATE TABLE im_member (
  group_id BIGINT NOT NULL,
  mid BIGINT NOT NULL,
  joined_seq BIGINT NOT NULL,
  joined_ms BIGINT NOT NULL,
  PRIMARY KEY (group_id, mid)
);
CREATE INDEX im_member_mid ON im_member (mid);

-- One row per conversation: u:<lo>:<hi> (kind 1, lo < hi) or g:<groupId> (kind 2).
-- last_seq is bumped in the transaction that inserts the message; its row lock orders writers.
CREATE TABLE im_conversation (
  conv_key VARCHAR(64) NOT NULL PRIMARY KEY,
  kind SMALLINT NOT NULL,
  lo BIGINT,
  hi BIGINT,
  group_id BIGINT,
  last_seq BIGINT NOT NULL,
  last_message_id BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX im_conversation_lo ON im_conversation (lo, updated_ms);
CREATE INDEX im_conversation_hi ON im_conversation (hi, updated_ms);

CREATE TABLE im_message (
  conv_key VARCHAR(64) NOT NULL,
  seq BIGINT NOT NULL,
  id BIGINT NOT NULL,
  sender BIGINT NOT NULL,
  client_msg_id BIGINT NOT NULL,
  content_type INTEGER NOT NULL,
  content BYTEA NOT NULL,
  sent_ms BIGINT NOT NULL,
  PRIMARY KEY (conv_key, seq),
  CONSTRAINT im_message_id UNIQUE (id),
  CONSTRAINT im_message_client UNIQUE (sender, client_msg_id)
);

-- Read cursors, never moved back.
CREATE TABLE im_read (
  mid BIGINT NOT NULL,
  conv_key VARCHAR(64) NOT NULL,
  read_seq BIGINT NOT NULL,
  PRIMARY KEY (mid, conv_key)
);
