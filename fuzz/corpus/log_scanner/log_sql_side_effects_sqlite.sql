-- Writes and DDL in a SQLite query stream: replay must leave the primary file exactly as it was.
INSERT INTO Genre (GenreId, Name) VALUES (9999, 'replay must not insert this');
UPDATE Artist SET Name = 'replay must not update this' WHERE ArtistId = 1;
DELETE FROM PlaylistTrack WHERE PlaylistId = 1;
CREATE TABLE replay_must_not_create (a integer);
ALTER TABLE Artist ADD COLUMN replay_must_not_add integer;
SELECT Name FROM Artist WHERE ArtistId = 1;
SELECT count(*) FROM Genre;
