// The migration-directory readers on fixtures that look like real projects: Flyway, golang-migrate,
// dbmate, sqitch (SQL through libpg_query), Rails db/migrate and Django migrations. Expected events are
// read off the fixture files by hand.
#include <doctest/doctest.h>

#include <fstream>

#include "core/history/history.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;

namespace {

// table op column detail, one string per event, in reading order.
std::vector<std::string> summary(const history::History& history, bool with_detail = false) {
    std::vector<std::string> lines;
    for (const auto& event : history.events) {
        auto line = event.table + " " + event.op;
        if (!event.column.empty()) line += " " + event.column;
        if (with_detail && !event.detail.empty()) line += " [" + event.detail + "]";
        lines.push_back(line);
    }
    return lines;
}

history::History read_fixture(const std::string& name) {
    history::History history;
    history::read_history_path(test::source_path("fixtures/migrations/" + name), history);
    return history;
}

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

const history::HistoryEvent& first_of(const history::History& history, const std::string& migration_id) {
    for (const auto& event : history.events) {
        if (event.migration_id == migration_id) return event;
    }
    FAIL("no event of migration " << migration_id);
    return history.events.front();
}

}  // namespace

TEST_CASE("history reader for Flyway SQL migrations: libpg_query ops, dates from names, broken SQL counted") {
    const auto history = read_fixture("flyway");
    CHECK(history.files_read == 4);
    CHECK(summary(history) == std::vector<std::string>{
                                  "customers create_table", "customers add_index email",        // V1
                                  "invoices add_column status", "invoices data_migration",      // V20230301101500
                                  "invoices alter_column_null status",
                                  "invoices create_table", "invoices add_index customer_id",  // V2
                              });
    CHECK(history.problems.unparsed_statements == 1);  // V3__broken.sql
    CHECK(history.events.front().project == "flyway");
    CHECK(history.events.front().migration_id == "db/migration/V1__create_customers");
    CHECK(first_of(history, "db/migration/V20230301101500__invoice_status").ts == 1677665700);
}

TEST_CASE("history reader for golang-migrate: .up.sql only, renames carry the new name") {
    const auto history = read_fixture("golang-migrate");
    CHECK(history.files_read == 3);
    CHECK(summary(history) == std::vector<std::string>{
                                  "users create_table",
                                  "users add_column email",
                                  "users rename_column username",
                                  "sessions create_table",
                                  "users rename_table",
                              });
    CHECK(history.events[2].detail == "-> login");
    CHECK(history.events[4].detail == "-> accounts");
    CHECK(first_of(history, "migrations/20240115093000_sessions").ts == 1705311000);
}

TEST_CASE("history reader for dbmate and sqitch: only the up section, only deploy/") {
    test::TempDir dir;
    write(dir.path() / "app/db/migrations/20230101120000_create_things.sql",
          "-- migrate:up\nCREATE TABLE things (id int);\n\n-- migrate:down\nDROP TABLE things;\n");
    write(dir.path() / "app/sqitch/deploy/add_widgets.sql", "BEGIN;\nCREATE TABLE widgets (id int);\nCOMMIT;\n");
    write(dir.path() / "app/sqitch/revert/add_widgets.sql", "DROP TABLE widgets;\n");
    write(dir.path() / "app/sqitch/verify/add_widgets.sql", "SELECT id FROM widgets WHERE false;\n");
    const auto flyway = dir.path() / "app/sql/V1__undated.sql";
    write(flyway, "ALTER TABLE widgets ADD COLUMN name text;\n");
    const auto written = fs::file_time_type::clock::now() - std::chrono::hours(24 * 400);
    fs::last_write_time(flyway, written);

    history::History history;
    history::read_history_path(dir.path() / "app", history);
    CHECK(summary(history) == std::vector<std::string>{"things create_table", "widgets create_table", "widgets add_column name"});
    CHECK(history.events[0].ts == 1672574400);  // 2023-01-01 12:00 UTC from the dbmate file name
    CHECK(history.events[0].project == "app");
    // An undated name falls back to the file's modification time.
    const auto expected = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::file_clock::to_sys(written).time_since_epoch()).count();
    CHECK(history.events[2].ts == expected);
}

TEST_CASE("history reader for Rails db/migrate: the DSL's calls and blocks, down ignored, noise counted") {
    const auto history = read_fixture("rails");
    CHECK(history.files_read == 5);
    CHECK(summary(history, true) ==
          std::vector<std::string>{
              // 20140825023227_create_articles
              "articles create_table [title:string body:text author_id:references created_at:datetime updated_at:datetime]",
              "articles add_index author_id,created_at",
              // 20150102030405_add_slug_to_articles (def down is skipped)
              "articles add_column slug [string]",
              "articles add_index slug",
              "articles data_migration",
              "articles alter_column_null slug [set not null]",
              // 20160310120000_rework_comments
              "comments create_table [article_id:integer body:text]",
              "comments add_index article_id",
              "comments add_column user_id [references]",
              "comments add_foreign_key user_id",
              "articles rename_column body [-> content]",
              "articles drop_column legacy_flag",
              "articles add_column published [boolean]",
              "comments rename_column body [-> text]",
              "comments alter_column_type text [string]",
              "articles alter_column_default published",
              "comments add_foreign_key [-> articles]",
              // 20170401000000_drop_comments
              "comments drop_foreign_key [articles]",
              "articles rename_table [-> posts]",
              "comments drop_table",
              "posts drop_column slug",
          });
    CHECK(history.problems.unreadable_files == 1);  // 20170402000000_noop.rb
    const auto& first = history.events.front();
    CHECK(first.migration_id == "20140825023227_create_articles");
    CHECK(first.ts == 1408933947);
    CHECK(first.project == "rails");
}

TEST_CASE("history reader for Django migrations: operations, app_label tables, header dates") {
    const auto history = read_fixture("django");
    CHECK(history.files_read == 3);
    CHECK(summary(history, true) == std::vector<std::string>{
                                        // 0001_initial
                                        "shop_product create_table [id:AutoField name:CharField price:DecimalField]",
                                        "shop_order create_table [id:AutoField customer_id:ForeignKey]",
                                        "shop_order_products create_table",
                                        // 0002_product_sku
                                        "shop_product add_column sku [CharField]",
                                        "shop_product alter_column_type name [CharField]",
                                        "shop_order rename_column customer [-> buyer]",
                                        "shop_product add_index",
                                        "shop_product add_constraint",
                                        // 0003_rename_order
                                        "shop_order rename_table [-> shop_purchase]",
                                        "shop_product drop_column price",
                                        "shop_purchase data_migration",
                                        "shop_coupon drop_table",
                                    });
    CHECK(history.problems.total() == 0);
    CHECK(first_of(history, "shop/0001_initial").ts == 1626772440);
    CHECK(first_of(history, "shop/0002_product_sku").ts == 1627922400);
}

TEST_CASE("history load_history sorts by project then time and rejects a missing path") {
    const auto history = history::load_history({test::source_path("fixtures/migrations/rails").string(),
                                                test::source_path("fixtures/migrations/django").string()});
    REQUIRE(history.events.size() == 21 + 12);
    CHECK(history.events.front().project == "django");
    for (std::size_t i = 1; i < history.events.size(); ++i) {
        const auto& a = history.events[i - 1];
        const auto& b = history.events[i];
        CHECK((a.project < b.project || (a.project == b.project && a.ts <= b.ts)));
    }
    CHECK_THROWS(history::load_history({"/nonexistent/migrations"}));
}
