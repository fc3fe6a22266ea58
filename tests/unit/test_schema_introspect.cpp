// Schema introspection on the Chinook sample (SQLite fixture and the PostgreSQL script) and on a table
// that exercises every kind of column, index and constraint.
#include <doctest/doctest.h>

#include <map>

#include "core/db/database.hpp"
#include "core/schema/introspect.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

// Row counts from shared/data/sampledb/chinook/README.md, keyed by the PostgreSQL (snake_case) names.
const std::map<std::string, std::int64_t> k_chinook_counts = {
    {"album", 347},   {"artist", 275},       {"customer", 59},    {"employee", 8},
    {"genre", 25},    {"invoice", 412},      {"invoice_line", 2240}, {"media_type", 5},
    {"playlist", 18}, {"playlist_track", 8715}, {"track", 3503},
};

std::string snake_case(const std::string& pascal) {
    std::string out;
    for (char c : pascal) {
        if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out += '_';
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

const schema::ConstraintInfo* find_constraint(const schema::TableInfo& table, const std::string& type,
                                              const std::string& column) {
    for (const auto& c : table.constraints) {
        if (c.type == type && !c.columns.empty() && c.columns.front() == column) return &c;
    }
    return nullptr;
}

void check_everything_table(db::Database& database) {
    database.execute("CREATE TABLE parent (id integer PRIMARY KEY)");
    database.execute(
        "CREATE TABLE everything (id integer NOT NULL, code varchar(10) NOT NULL DEFAULT 'x', "
        "price numeric(10,2) CHECK (price >= 0), parent_id integer REFERENCES parent (id), note text, "
        "PRIMARY KEY (id), CONSTRAINT everything_code_key UNIQUE (code))");
    database.execute("CREATE INDEX everything_note_idx ON everything (note, parent_id)");
    database.execute("INSERT INTO parent VALUES (1)");
    database.execute("INSERT INTO everything (id, price, parent_id) VALUES (1, 2.5, 1)");

    const auto snapshot = schema::introspect(database, {/*exact_counts=*/true});
    const auto* table = snapshot.find_table("everything");
    REQUIRE(table != nullptr);
    REQUIRE(table->columns.size() == 5);
    CHECK(table->columns[0].name == "id");
    CHECK(table->columns[0].position == 1);
    CHECK_FALSE(table->columns[0].nullable);
    CHECK(table->columns[1].default_value.has_value());
    CHECK(table->columns[4].nullable);
    CHECK(table->primary_key == std::vector<std::string>{"id"});
    CHECK(find_constraint(*table, "unique", "code") != nullptr);
    const auto* foreign_key = find_constraint(*table, "foreign_key", "parent_id");
    REQUIRE(foreign_key != nullptr);
    CHECK(foreign_key->references_table == "parent");
    bool found_index = false;
    for (const auto& index : table->indexes) {
        if (index.name == "everything_note_idx") {
            found_index = true;
            CHECK(index.columns == std::vector<std::string>{"note", "parent_id"});
            CHECK_FALSE(index.unique);
        }
    }
    CHECK(found_index);
    CHECK(table->row_count == 1);
    CHECK(table->row_count_exact);
    REQUIRE(table->bytes.has_value());
    CHECK(*table->bytes > 0);
}

}  // namespace

TEST_CASE("introspect lists Chinook's 11 tables with their row counts on SQLite") {
    db::OpenOptions read_only;
    read_only.read_only = true;
    auto database = db::open_database(test::source_path("fixtures/sampledb/chinook.sqlite").string(), read_only);
    const auto snapshot = schema::introspect(*database);
    CHECK(snapshot.engine == "sqlite");
    REQUIRE(snapshot.tables.size() == 11);
    for (const auto& table : snapshot.tables) {
        CAPTURE(table.name);
        CHECK(table.row_count == k_chinook_counts.at(snake_case(table.name)));
        CHECK(table.row_count_exact);
    }
    const auto* track = snapshot.find_table("Track");
    REQUIRE(track != nullptr);
    CHECK(track->columns.size() == 9);
    CHECK(track->primary_key == std::vector<std::string>{"TrackId"});
    const auto* album_key = find_constraint(*track, "foreign_key", "AlbumId");
    REQUIRE(album_key != nullptr);
    CHECK(album_key->references_table == "Album");
    CHECK(album_key->references_columns == std::vector<std::string>{"AlbumId"});
    const auto* playlist_track = snapshot.find_table("PlaylistTrack");
    REQUIRE(playlist_track != nullptr);
    CHECK(playlist_track->primary_key == std::vector<std::string>{"PlaylistId", "TrackId"});
}

TEST_CASE("introspect lists Chinook's 11 tables with keys, indexes and counts on PostgreSQL") {
    const auto url = test::postgres_url("chinook");
    if (!url) return;
    auto database = db::open_database(*url);
    const auto snapshot = schema::introspect(*database, {/*exact_counts=*/true});
    CHECK(snapshot.engine == "postgresql");
    REQUIRE(snapshot.tables.size() == 11);
    for (const auto& table : snapshot.tables) {
        CAPTURE(table.name);
        CHECK(table.schema == "public");
        CHECK(table.row_count == k_chinook_counts.at(table.name));
        CHECK(table.row_count_exact);
        CHECK(table.bytes.value_or(0) > 0);
    }
    const auto* line = snapshot.find_table("invoice_line");
    REQUIRE(line != nullptr);
    CHECK(line->columns.size() == 5);
    CHECK(line->columns[3].name == "unit_price");
    CHECK(line->columns[3].type == "numeric(10,2)");
    CHECK(line->primary_key == std::vector<std::string>{"invoice_line_id"});
    const auto* to_track = find_constraint(*line, "foreign_key", "track_id");
    REQUIRE(to_track != nullptr);
    CHECK(to_track->name == "invoice_line_track_id_fkey");
    CHECK(to_track->references_table == "track");
    bool has_index = false;
    for (const auto& index : line->indexes) has_index |= index.name == "invoice_line_track_id_idx" && index.method == "btree";
    CHECK(has_index);
}

TEST_CASE("PostgreSQL row counts are estimates unless exact counts are asked for") {
    const auto url = test::postgres_url("chinook");
    if (!url) return;
    auto database = db::open_database(*url);
    const auto snapshot = schema::introspect(*database);
    const auto* track = snapshot.find_table("track");
    REQUIRE(track != nullptr);
    CHECK_FALSE(track->row_count_exact);
    // The loader runs ANALYZE, after which a table this small is estimated exactly.
    CHECK(track->row_count == 3503);
}

TEST_CASE("introspect reports columns, defaults, keys, indexes and constraints on SQLite") {
    auto database = db::open_database("sqlite::memory:");
    check_everything_table(*database);
}

TEST_CASE("introspect reports columns, defaults, keys, indexes and constraints on PostgreSQL") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    test::ScratchPostgresDatabase scratch(*admin);
    auto database = db::open_database(scratch.url());
    check_everything_table(*database);
    const auto snapshot = schema::introspect(*database);
    const auto* table = snapshot.find_table("everything");
    REQUIRE(table != nullptr);
    const auto* check = find_constraint(*table, "check", "price");
    REQUIRE(check != nullptr);
    CHECK(check->definition->find("price >= ") != std::string::npos);
}
