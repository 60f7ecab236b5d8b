-- Migrations 13 and 14 undone, for tests that build a catalog of an earlier schema: no review
-- table nor its view, and the chain's links without their review column.
DROP VIEW form_field_now;
DROP TRIGGER chain_link_append_only_update;
DROP TRIGGER chain_link_append_only_delete;
ALTER TABLE chain_link RENAME TO chain_link_v13;
CREATE TABLE chain_link (
seq INTEGER PRIMARY KEY CHECK (seq >= 1),
batch_id INTEGER UNIQUE REFERENCES batch(id),
fixity_id INTEGER UNIQUE REFERENCES fixity_event(id),
merkle_root TEXT NOT NULL CHECK (length(merkle_root) = 64),
prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
link_hash TEXT NOT NULL CHECK (length(link_hash) = 64),
CHECK ((batch_id IS NULL) != (fixity_id IS NULL))
) STRICT;
INSERT INTO chain_link SELECT seq, batch_id, fixity_id, merkle_root, prev_hash,
link_hash FROM chain_link_v13;
DROP TABLE chain_link_v13;
CREATE TRIGGER chain_link_append_only_update BEFORE UPDATE ON chain_link
BEGIN SELECT RAISE(ABORT, 'chain_link is append-only'); END;
CREATE TRIGGER chain_link_append_only_delete BEFORE DELETE ON chain_link
BEGIN SELECT RAISE(ABORT, 'chain_link is append-only'); END;
DROP TABLE review;
