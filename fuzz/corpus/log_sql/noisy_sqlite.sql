-- Reads whose results the primary itself does not repeat: the replay must class them as noise.
SELECT random();
SELECT hex(randomblob(8));
SELECT Name, random() AS draw FROM Artist WHERE ArtistId < 5 ORDER BY ArtistId;
SELECT Name FROM Track LIMIT 3;
