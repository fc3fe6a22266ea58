-- The demo's application workload, written in the Chinook SQLite sample's own names (PascalCase,
-- unquoted, so PostgreSQL folds them and SQLite matches them case-insensitively). make_log.sh runs it
-- with psql against a PostgreSQL copy of fixtures/sampledb/chinook.sqlite and keeps the server's log.
\set ON_ERROR_STOP 0
SELECT a.Title, ar.Name FROM Album a JOIN Artist ar ON ar.ArtistId = a.ArtistId WHERE ar.ArtistId = 22 ORDER BY a.Title;
SELECT t.Name, t.Composer, t.Milliseconds FROM Track t WHERE t.AlbumId = 148 ORDER BY t.TrackId;
SELECT * FROM Customer WHERE Email = 'luisg@embraer.com.br';
SELECT c.Country, count(*) AS invoices, sum(i.Total) AS revenue FROM Invoice i JOIN Customer c ON c.CustomerId = i.CustomerId GROUP BY c.Country ORDER BY revenue DESC, c.Country;
SELECT g.Name, count(*) FROM Track t JOIN Genre g ON g.GenreId = t.GenreId GROUP BY g.Name ORDER BY 2 DESC, 1;
SELECT il.UnitPrice, il.Quantity, t.Name FROM InvoiceLine il JOIN Track t ON t.TrackId = il.TrackId WHERE il.InvoiceId = 98 ORDER BY il.InvoiceLineId;
SELECT InvoiceId, Total FROM Invoice WHERE CustomerId = 5 AND BillingCountry = 'Czech Republic' ORDER BY InvoiceDate DESC;
SELECT t.Name, t.Composer FROM Track t WHERE t.Composer LIKE 'Jimmy Page%' ORDER BY t.Name;
SELECT a.Title, ar.Name FROM Album a JOIN Artist ar ON ar.ArtistId = a.ArtistId WHERE ar.ArtistId = 90 ORDER BY a.Title;
SELECT t.Name, t.Composer, t.Milliseconds FROM Track t WHERE t.AlbumId = 3 ORDER BY t.TrackId;
SELECT * FROM Customer WHERE Email = 'ftremblay@gmail.com';
WITH top_tracks AS (SELECT TrackId, count(*) AS sold FROM InvoiceLine GROUP BY TrackId ORDER BY sold DESC, TrackId LIMIT 10) SELECT t.Name, tt.sold FROM top_tracks tt JOIN Track t ON t.TrackId = tt.TrackId ORDER BY tt.sold DESC, t.Name;
SELECT e.FirstName, e.LastName, m.LastName AS manager FROM Employee e LEFT JOIN Employee m ON m.EmployeeId = e.ReportsTo ORDER BY e.EmployeeId;
SELECT p.Name, count(*) AS tracks FROM Playlist p JOIN PlaylistTrack pt ON pt.PlaylistId = p.PlaylistId GROUP BY p.PlaylistId, p.Name ORDER BY p.PlaylistId;
SELECT il.UnitPrice, il.Quantity, t.Name FROM InvoiceLine il JOIN Track t ON t.TrackId = il.TrackId WHERE il.InvoiceId = 121 ORDER BY il.InvoiceLineId;
SELECT InvoiceId, Total FROM Invoice WHERE CustomerId = 17 AND BillingCountry = 'USA' ORDER BY InvoiceDate DESC;
SELECT t.Name, t.Composer FROM Track t WHERE t.Composer LIKE 'Steve Harris%' ORDER BY t.Name;
SELECT Composer, count(*) FROM Track WHERE Composer IS NOT NULL GROUP BY Composer ORDER BY 2 DESC, 1 LIMIT 5;
SELECT t.Name, t.Milliseconds / 1000 AS seconds FROM Track t WHERE t.MediaTypeId = 3 ORDER BY t.Milliseconds DESC, t.TrackId LIMIT 5;
SELECT * FROM Album WHERE ArtistId = 50 ORDER BY AlbumId;
-- The application is ahead of its schema: a rating it is about to store (the pending migration adds it).
SELECT t.Name, t.Rating FROM Track t WHERE t.AlbumId = 1 ORDER BY t.TrackId;
SELECT count(*) FROM Track WHERE Rating >= 4;
-- A purchase, as the application writes it.
BEGIN;
INSERT INTO Invoice (InvoiceId, CustomerId, InvoiceDate, BillingCountry, Total) VALUES (413, 5, '2025-12-23', 'Czech Republic', 1.98);
INSERT INTO InvoiceLine (InvoiceLineId, InvoiceId, TrackId, UnitPrice, Quantity) VALUES (2241, 413, 1, 0.99, 2);
UPDATE Customer SET Phone = '+420 2 4172 5555' WHERE CustomerId = 5;
COMMIT;
SELECT InvoiceId, Total FROM Invoice WHERE CustomerId = 5 AND BillingCountry = 'Czech Republic' ORDER BY InvoiceDate DESC;
DELETE FROM InvoiceLine WHERE InvoiceId = 413;
DELETE FROM Invoice WHERE InvoiceId = 413;
