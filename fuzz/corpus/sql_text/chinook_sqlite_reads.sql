-- A read workload for the Chinook SQLite sample (fixtures/sampledb/chinook.sqlite, its PascalCase names):
-- joins, filters, aggregates, SELECT *, ORDER BY with and without ties, written for the replay tests.
SELECT a.Title, ar.Name FROM Album a JOIN Artist ar ON ar.ArtistId = a.ArtistId WHERE ar.ArtistId = 22 ORDER BY a.Title;
SELECT a.Title, ar.Name FROM Album a JOIN Artist ar ON ar.ArtistId = a.ArtistId WHERE ar.ArtistId = 90 ORDER BY a.Title;
SELECT t.Name, t.Milliseconds FROM Track t WHERE t.AlbumId = 148 ORDER BY t.TrackId;
SELECT t.Name, t.Milliseconds FROM Track t WHERE t.AlbumId = 3 ORDER BY t.TrackId;
SELECT t.Name, t.Composer, t.UnitPrice FROM Track t WHERE t.AlbumId = 77 ORDER BY t.TrackId;
SELECT * FROM Customer WHERE Email = 'luisg@embraer.com.br';
SELECT * FROM Customer WHERE Email = 'ftremblay@gmail.com';
SELECT c.Country, count(*) AS invoices, sum(i.Total) AS revenue FROM Invoice i JOIN Customer c ON c.CustomerId = i.CustomerId GROUP BY c.Country ORDER BY revenue DESC LIMIT 5;
SELECT g.Name, count(*) FROM Track t JOIN Genre g ON g.GenreId = t.GenreId GROUP BY g.Name ORDER BY 2 DESC;
SELECT il.UnitPrice, il.Quantity, t.Name FROM InvoiceLine il JOIN Track t ON t.TrackId = il.TrackId WHERE il.InvoiceId = 98;
SELECT InvoiceId, Total, InvoiceDate FROM Invoice WHERE CustomerId = 5 ORDER BY InvoiceDate DESC;
SELECT InvoiceId, Total, InvoiceDate FROM Invoice WHERE CustomerId = 17 ORDER BY InvoiceDate DESC;
SELECT e.FirstName, e.LastName, m.LastName AS manager FROM Employee e LEFT JOIN Employee m ON m.EmployeeId = e.ReportsTo ORDER BY e.EmployeeId;
SELECT FirstName, LastName, Company, Fax FROM Customer WHERE Country = 'Brazil' ORDER BY CustomerId;
SELECT CustomerId, SupportRepId, PostalCode FROM Customer WHERE Country = 'USA' ORDER BY CustomerId;
SELECT Composer, count(*) FROM Track WHERE Composer IS NOT NULL GROUP BY Composer ORDER BY 2 DESC, 1 LIMIT 10;
SELECT m.Name, sum(t.Milliseconds) / 60000 AS minutes FROM Track t JOIN MediaType m ON m.MediaTypeId = t.MediaTypeId GROUP BY m.Name ORDER BY m.Name;
SELECT p.Name, count(pt.TrackId) FROM Playlist p LEFT JOIN PlaylistTrack pt ON pt.PlaylistId = p.PlaylistId GROUP BY p.PlaylistId, p.Name ORDER BY p.PlaylistId;
SELECT Name FROM Genre WHERE GenreId IN (1, 2, 3);
SELECT BillingCountry, max(Total) FROM Invoice GROUP BY BillingCountry;
