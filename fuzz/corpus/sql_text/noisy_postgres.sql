-- Reads whose results the primary itself does not repeat: the replay must class them as noise.
SELECT now();
SELECT clock_timestamp();
SELECT random();
SELECT name, random() AS draw FROM artist WHERE artist_id < 5 ORDER BY artist_id;
SELECT gen_random_uuid();
SELECT name FROM track LIMIT 3;
