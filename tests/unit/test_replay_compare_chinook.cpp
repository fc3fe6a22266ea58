// Cross-engine normalisation on real data: the same questions asked of Chinook in SQLite and in PostgreSQL
// (same data, different identifier style and types) come back equal under the validation engine.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>

#include "core/db/database.hpp"
#include "core/replay/compare.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

struct Question {
    const char* what;
    const char* sqlite;    // PascalCase tables and columns, REAL prices, dates as text
    const char* postgres;  // snake_case, numeric(10,2) prices, timestamp dates
};

// Aliases give both engines the same column names.
const Question k_questions[] = {
    {"a three-table join",
     "SELECT t.TrackId AS track_id, t.Name AS track, al.Title AS album, ar.Name AS artist FROM Track t "
     "JOIN Album al ON al.AlbumId = t.AlbumId JOIN Artist ar ON ar.ArtistId = al.ArtistId WHERE ar.Name LIKE 'A%'",
     "SELECT t.track_id AS track_id, t.name AS track, al.title AS album, ar.name AS artist FROM track t "
     "JOIN album al ON al.album_id = t.album_id JOIN artist ar ON ar.artist_id = al.artist_id WHERE ar.name LIKE 'A%'"},
    {"numeric prices (REAL in SQLite) in order",
     "SELECT TrackId AS track_id, UnitPrice AS unit_price, Milliseconds AS ms FROM Track ORDER BY track_id",
     "SELECT track_id AS track_id, unit_price AS unit_price, milliseconds AS ms FROM track ORDER BY track_id"},
    {"aggregates over numeric totals, ordered with ties",
     "SELECT BillingCountry AS country, count(*) AS invoices, sum(Total) AS total, avg(Total) AS average, "
     "max(Total) AS biggest FROM Invoice GROUP BY BillingCountry ORDER BY invoices DESC",
     "SELECT billing_country AS country, count(*) AS invoices, sum(total) AS total, avg(total) AS average, "
     "max(total) AS biggest FROM invoice GROUP BY billing_country ORDER BY invoices DESC"},
    {"timestamps (text in SQLite) in order",
     "SELECT InvoiceId AS invoice_id, InvoiceDate AS invoice_date, Total AS total FROM Invoice "
     "ORDER BY invoice_date, invoice_id",
     "SELECT invoice_id AS invoice_id, invoice_date AS invoice_date, total AS total FROM invoice "
     "ORDER BY invoice_date, invoice_id"},
    {"timestamps from aggregates (untyped text in SQLite)",
     "SELECT CustomerId AS customer_id, min(InvoiceDate) AS first_invoice, max(InvoiceDate) AS last_invoice "
     "FROM Invoice GROUP BY CustomerId",
     "SELECT customer_id AS customer_id, min(invoice_date) AS first_invoice, max(invoice_date) AS last_invoice "
     "FROM invoice GROUP BY customer_id"},
    {"yearly revenue",
     "SELECT strftime('%Y', InvoiceDate) AS year, count(*) AS invoices, sum(Total) AS revenue FROM Invoice "
     "GROUP BY year ORDER BY year",
     "SELECT to_char(invoice_date, 'YYYY') AS year, count(*) AS invoices, sum(total) AS revenue FROM invoice "
     "GROUP BY year ORDER BY year"},
    {"employees' dates",
     "SELECT EmployeeId AS employee_id, BirthDate AS birth_date, HireDate AS hire_date, ReportsTo AS reports_to "
     "FROM Employee",
     "SELECT employee_id AS employee_id, birth_date AS birth_date, hire_date AS hire_date, reports_to AS reports_to "
     "FROM employee"},
    {"NULLs in a left join, ties in the ORDER BY key",
     "SELECT p.PlaylistId AS playlist_id, p.Name AS name, count(pt.TrackId) AS tracks FROM Playlist p "
     "LEFT JOIN PlaylistTrack pt ON pt.PlaylistId = p.PlaylistId GROUP BY p.PlaylistId, p.Name ORDER BY tracks",
     "SELECT p.playlist_id AS playlist_id, p.name AS name, count(pt.track_id) AS tracks FROM playlist p "
     "LEFT JOIN playlist_track pt ON pt.playlist_id = p.playlist_id GROUP BY p.playlist_id, p.name ORDER BY tracks"},
    {"nullable text columns",
     "SELECT CustomerId AS customer_id, Company AS company, State AS state, Fax AS fax FROM Customer",
     "SELECT customer_id AS customer_id, company AS company, state AS state, fax AS fax FROM customer"},
    {"a boolean (0/1 in SQLite)",
     "SELECT TrackId AS track_id, Milliseconds > 300000 AS long_track FROM Track",
     "SELECT track_id AS track_id, milliseconds > 300000 AS long_track FROM track"},
    {"line totals: price times quantity",
     "SELECT InvoiceId AS invoice_id, sum(UnitPrice * Quantity) AS amount FROM InvoiceLine GROUP BY InvoiceId",
     "SELECT invoice_id AS invoice_id, sum(unit_price * quantity) AS amount FROM invoice_line GROUP BY invoice_id"},
};

replay::SideResult run(db::Database& database, const char* sql) {
    replay::SideResult side;
    side.result = database.query(sql);
    return side;
}

replay::DifferenceClass compare(const replay::SideResult& primary, const replay::SideResult& shadow,
                                const char* primary_sql, std::string* detail = nullptr) {
    const auto comparison =
        replay::compare_results(primary, shadow, sql::analyze_statement(primary_sql), replay::CompareOptions{});
    if (detail != nullptr) *detail = comparison.detail;
    return comparison.difference;
}

struct Engines {
    std::unique_ptr<db::Database> sqlite;
    std::unique_ptr<db::Database> postgres;
};

std::optional<Engines> open_chinook() {
    const auto url = test::postgres_url("chinook");
    if (!url) return std::nullopt;
    db::OpenOptions read_only;
    read_only.read_only = true;
    return Engines{db::open_database(test::source_path("fixtures/sampledb/chinook.sqlite").string(), read_only),
                   db::open_database(*url, read_only)};
}

}  // namespace

TEST_CASE("compare: Chinook in SQLite and in PostgreSQL give equal results") {
    auto engines = open_chinook();
    if (!engines) return;
    for (const auto& question : k_questions) {
        CAPTURE(question.what);
        const auto primary = run(*engines->postgres, question.postgres);
        const auto shadow = run(*engines->sqlite, question.sqlite);
        REQUIRE(!primary.result.rows.empty());
        std::string detail;
        CHECK(compare(primary, shadow, question.postgres, &detail) == replay::DifferenceClass::none);
        CAPTURE(detail);
        CHECK(detail.empty());
    }
}

TEST_CASE("compare: Chinook in SQLite and in PostgreSQL, with a real difference") {
    auto engines = open_chinook();
    if (!engines) return;
    const char* totals = "SELECT invoice_id, total, invoice_date FROM invoice";
    const auto primary = run(*engines->postgres, totals);
    SUBCASE("one total a cent off") {
        const auto shadow = run(*engines->sqlite, "SELECT InvoiceId AS invoice_id, CASE WHEN InvoiceId = 7 "
                                                  "THEN Total + 0.01 ELSE Total END AS total, InvoiceDate AS invoice_date "
                                                  "FROM Invoice");
        std::string detail;
        CHECK(compare(primary, shadow, totals, &detail) == replay::DifferenceClass::value_mismatch);
        CHECK(detail.find("column \"total\"") != std::string::npos);
    }
    SUBCASE("one date a second later") {
        const auto shadow = run(*engines->sqlite, "SELECT InvoiceId AS invoice_id, Total AS total, CASE WHEN "
                                                  "InvoiceId = 7 THEN datetime(InvoiceDate, '+1 second') ELSE "
                                                  "InvoiceDate END AS invoice_date FROM Invoice");
        std::string detail;
        CHECK(compare(primary, shadow, totals, &detail) == replay::DifferenceClass::value_mismatch);
        CHECK(detail.find("column \"invoice_date\"") != std::string::npos);
    }
}
