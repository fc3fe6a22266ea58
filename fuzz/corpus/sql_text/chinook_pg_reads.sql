-- Reads for the Chinook PostgreSQL sample (snake_case names) that the log fixtures/logs/chinook_app.log
-- does not cover: invoice totals per customer, genres by name, customers' fax numbers.
SELECT customer_id, total FROM invoice WHERE customer_id IN (1, 2, 3) ORDER BY invoice_id;
SELECT invoice_id, total FROM invoice WHERE total > 15 ORDER BY invoice_id;
SELECT name FROM genre ORDER BY genre_id;
SELECT first_name, last_name, fax FROM customer WHERE country = 'Brazil' ORDER BY customer_id;
SELECT t.name, t.composer, t.milliseconds FROM track t WHERE t.album_id = 1 ORDER BY t.track_id;
