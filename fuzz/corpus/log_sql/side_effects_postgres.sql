-- Statements that would change the primary if replay ran them there: writes, DDL, and reads that write
-- through functions. Replay must leave the primary's rows and sequences exactly as they were.
SELECT nextval('replay_probe_seq');
SELECT setval('replay_probe_seq', 1000);
SELECT set_config('default_transaction_read_only', 'off', false);
SELECT nextval('replay_probe_seq');
SELECT lo_create(0);
SELECT pg_try_advisory_lock(4242);
INSERT INTO artist (artist_id, name) VALUES (9999, 'replay must not insert this');
UPDATE artist SET name = 'replay must not update this' WHERE artist_id = 1;
DELETE FROM playlist_track WHERE playlist_id = 1;
CREATE TABLE replay_must_not_create (a integer);
ALTER TABLE artist ADD COLUMN replay_must_not_add integer;
TRUNCATE genre CASCADE;
SELECT * FROM artist WHERE artist_id = 2 FOR UPDATE;
WITH gone AS (DELETE FROM genre WHERE genre_id = 25 RETURNING *) SELECT * FROM gone;
COPY artist TO STDOUT;
SELECT name FROM artist WHERE artist_id = 1;
