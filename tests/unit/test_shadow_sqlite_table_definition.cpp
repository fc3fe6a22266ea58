// The pieces the SQLite rebuild re-emits: ALTER TABLE commands with their source text (libpg_query's parse
// tree and scanner), and stored CREATE TABLE texts cut and spliced; checked against SQLite where it matters.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "core/shadow/sqlite_table_definition.hpp"
#include "core/sql/ddl_source.hpp"
#include "core/util/error.hpp"

using namespace schemaflip;
using shadow::TableDefinition;
using sql::AlterAction;

namespace {

sql::AlterCommand only_command(const std::optional<sql::AlterTable>& alter) {
    REQUIRE(alter.has_value());
    REQUIRE(alter->commands.size() == 1);
    return alter->commands.front();
}

// What SQLite itself reads from a CREATE TABLE: "name type notnull default pk hidden" per column.
std::vector<std::string> columns_seen_by_sqlite(const std::string& create, const std::string& table) {
    auto database = db::open_database("sqlite::memory:");
    database->execute(create);
    std::vector<std::string> columns;
    const auto rows = database->query("SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || coalesce(dflt_value, '-') || ' ' || pk "
                                      "|| ' ' || hidden FROM pragma_table_xinfo(" + database->quote_literal(table) + ")");
    for (const auto& row : rows.rows) columns.push_back(db::value_text(row[0]));
    return columns;
}

}  // namespace

TEST_CASE("sql: the PostgreSQL lexer's tokens leave strings, quoted names and comments whole") {
    const std::string text = "a 'x, y' \"b)c\" /* (, */ -- ,\n[d e] (1,2)";
    const auto tokens = sql::scan_tokens(text);
    REQUIRE(tokens.has_value());
    std::vector<std::string> words;
    for (const auto& token : *tokens) words.emplace_back(token.text(text));
    CHECK(words == std::vector<std::string>{"a", "'x, y'", "\"b)c\"", "[", "d", "e", "]", "(", "1", ",", "2", ")"});
    CHECK_FALSE(sql::scan_tokens("SELECT 'unterminated").has_value());
    const std::string keywords = "NOT null \"not\" foo";
    const auto kinds = sql::scan_tokens(keywords);
    REQUIRE(kinds.has_value());
    REQUIRE(kinds->size() == 4);
    CHECK((*kinds)[0].keyword);
    CHECK((*kinds)[1].keyword);
    CHECK_FALSE((*kinds)[2].keyword);  // a quoted name is never a keyword
    CHECK_FALSE((*kinds)[3].keyword);
}

TEST_CASE("sql: ALTER TABLE commands with the source text of what they define") {
    SUBCASE("several commands, each with its own text") {
        const auto alter = sql::alter_table(
            "ALTER TABLE IF EXISTS main.\"Book\" ALTER COLUMN price SET DEFAULT round(1.5, 0), "
            "ADD CONSTRAINT \"pages, positive\" CHECK (pages > 0 AND title <> 'a,b'), ALTER pages DROP NOT NULL, "
            "DROP CONSTRAINT IF EXISTS old_check");
        REQUIRE(alter.has_value());
        CHECK(alter->schema == "main");
        CHECK(alter->table == "Book");
        CHECK(alter->missing_ok);
        REQUIRE(alter->commands.size() == 4);
        CHECK(alter->commands[0].action == AlterAction::set_default);
        CHECK(alter->commands[0].name == "price");
        CHECK(alter->commands[0].definition == "round(1.5, 0)");
        CHECK(alter->commands[1].action == AlterAction::add_constraint);
        CHECK(alter->commands[1].constraint == "check");
        CHECK(alter->commands[1].definition == "CONSTRAINT \"pages, positive\" CHECK (pages > 0 AND title <> 'a,b')");
        CHECK(alter->commands[2].action == AlterAction::drop_not_null);
        CHECK(alter->commands[3].action == AlterAction::drop_constraint);
        CHECK(alter->commands[3].name == "old_check");
        CHECK(alter->commands[3].missing_ok);
    }
    SUBCASE("unnamed constraints start at their keyword") {
        const auto command = only_command(sql::alter_table("ALTER TABLE t ADD PRIMARY KEY (b, a)"));
        CHECK(command.constraint == "primary key");
        CHECK(command.definition == "PRIMARY KEY (b, a)");
        CHECK(command.keys == std::vector<std::string>{"b", "a"});
        const auto foreign = only_command(sql::alter_table("alter table t add foreign key (x) references u (id) on delete cascade"));
        CHECK(foreign.constraint == "foreign key");
        CHECK(foreign.definition == "foreign key (x) references u (id) on delete cascade");
    }
    SUBCASE("USING: a column, a cast of one, an expression, a cast inside an expression") {
        const auto column = only_command(sql::alter_table("ALTER TABLE t ALTER COLUMN a TYPE bigint USING b"));
        CHECK(column.type == "bigint");
        CHECK(column.using_column == "b");
        CHECK(column.using_text == "b");
        const auto cast = only_command(sql::alter_table("ALTER TABLE t ALTER COLUMN a TYPE integer USING a::integer"));
        CHECK(cast.using_column == "a");
        CHECK_FALSE(cast.using_has_cast);
        const auto expression = only_command(sql::alter_table("ALTER TABLE t ALTER a TYPE varchar(20) USING lower(a) || 'x'"));
        CHECK(expression.type == "varchar(20)");
        CHECK(expression.using_column.empty());
        CHECK(expression.using_text == "lower(a) || 'x'");
        CHECK_FALSE(expression.using_has_cast);
        CHECK(only_command(sql::alter_table("ALTER TABLE t ALTER a TYPE int USING (a * 2)::int")).using_has_cast);
        CHECK(only_command(sql::alter_table("ALTER TABLE t ALTER a TYPE int")).using_text.empty());
    }
    SUBCASE("what only PostgreSQL can say is named") {
        CHECK(only_command(sql::alter_table("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID")).postgres_only == "NOT VALID");
        CHECK(only_command(sql::alter_table("ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i")).postgres_only == "USING INDEX");
        CHECK(only_command(sql::alter_table("ALTER TABLE t ADD EXCLUDE USING gist (a WITH &&)")).postgres_only == "EXCLUDE");
        CHECK(only_command(sql::alter_table("ALTER TABLE t ALTER a TYPE text COLLATE \"C\"")).postgres_only == "COLLATE");
        CHECK(only_command(sql::alter_table("ALTER TABLE t ADD UNIQUE (a)")).postgres_only.empty());
        CHECK(only_command(sql::alter_table("ALTER TABLE t ALTER a ADD GENERATED ALWAYS AS IDENTITY")).action == AlterAction::other);
    }
    SUBCASE("anything but an ALTER TABLE") {
        CHECK_FALSE(sql::alter_table("CREATE INDEX i ON t (a)").has_value());
        CHECK_FALSE(sql::alter_table("ALTER INDEX i RENAME TO j").has_value());
        CHECK_FALSE(sql::alter_table("ALTER TABLE t ADD").has_value());
    }
}

TEST_CASE("shadow: a stored SQLite CREATE TABLE is cut into its elements whatever its quoting and comments") {
    const std::string create =
        "CREATE TABLE [Odd Table] (\n"
        "  [id, 1] INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "  `name` VARCHAR (40) /* not (null, here */ NOT NULL COLLATE NOCASE, -- a comment, with a comma\n"
        "  note TEXT CONSTRAINT note_default DEFAULT 'a, b' CONSTRAINT note_check CHECK (note <> ')'),\n"
        "  parent INTEGER REFERENCES \"Odd Table\" ([id, 1]) ON DELETE SET NULL ON UPDATE SET DEFAULT NOT DEFERRABLE,\n"
        "  twice INTEGER AS ([id, 1] * 2) STORED,\n"
        "  CONSTRAINT [name unique] UNIQUE (`name`),\n"
        "  CHECK (length(note) < 100)\n"
        ")";
    const auto original = columns_seen_by_sqlite(create, "Odd Table");
    REQUIRE(original.size() == 5);

    SUBCASE("nothing edited: the text comes back unchanged") {
        CHECK(TableDefinition(create, 5).text() == create);
    }
    SUBCASE("a new type replaces all of the old one's words and nothing else") {
        TableDefinition definition(create, 5);
        definition.set_type(1, "text");
        definition.set_type(3, "bigint");
        const auto text = definition.text();
        CHECK(text.find("`name` text /* not (null, here */ NOT NULL COLLATE NOCASE") != std::string::npos);
        CHECK(text.find("parent bigint REFERENCES") != std::string::npos);
        auto expected = original;
        expected[1] = "name TEXT 1 - 0 0";
        expected[3] = "parent bigint 0 - 0 0";
        CHECK(columns_seen_by_sqlite(text, "Odd Table") == expected);
    }
    SUBCASE("NOT NULL and DEFAULT come and go; FOREIGN KEY actions are not constraints of their own") {
        TableDefinition definition(create, 5);
        CHECK(definition.remove_not_null(1));
        CHECK(definition.remove_default(2));
        CHECK_FALSE(definition.remove_not_null(3));  // ON DELETE SET NULL, NOT DEFERRABLE
        CHECK_FALSE(definition.remove_default(3));   // ON UPDATE SET DEFAULT
        definition.append_to_column(3, "NOT NULL");
        definition.append_to_column(3, "DEFAULT (-1)");
        auto expected = original;
        expected[1] = "name VARCHAR (40) 0 - 0 0";
        expected[2] = "note TEXT 0 - 0 0";
        expected[3] = "parent INTEGER 1 -1 0 0";
        CHECK(columns_seen_by_sqlite(definition.text(), "Odd Table") == expected);
    }
    SUBCASE("constraints are dropped by name, on a column or on the table, and added at the end") {
        TableDefinition definition(create, 5);
        CHECK(definition.remove_constraint("NOTE_CHECK"));
        CHECK(definition.remove_constraint("name unique"));
        CHECK_FALSE(definition.remove_constraint("no_such_constraint"));
        definition.add_constraint("CONSTRAINT twice_positive CHECK (twice > 0)");
        const auto text = definition.text();
        CHECK(text.find("note_check") == std::string::npos);
        CHECK(text.find("name unique") == std::string::npos);
        CHECK(text.find("CONSTRAINT note_default DEFAULT 'a, b'") != std::string::npos);
        CHECK(text.find("CHECK (length(note) < 100), CONSTRAINT twice_positive CHECK (twice > 0)\n)") != std::string::npos);
        CHECK(columns_seen_by_sqlite(text, "Odd Table") == original);
    }
    SUBCASE("the table's name is replaced, table options kept") {
        TableDefinition definition("CREATE TABLE \"t\" (a INT PRIMARY KEY, b) WITHOUT ROWID, STRICT", 2);
        definition.rename("\"new t\"");
        definition.set_type(1, "TEXT");
        CHECK(definition.text() == "CREATE TABLE \"new t\" (a INT PRIMARY KEY, b TEXT) WITHOUT ROWID, STRICT");
    }
    SUBCASE("a text that does not cut into its columns is refused") {
        CHECK_THROWS_AS(TableDefinition("CREATE TABLE t (a INT, b INT)", 3), InputError);
        CHECK_THROWS_AS(TableDefinition("CREATE TABLE t (a INT, 'unterminated)", 1), InputError);
        CHECK_THROWS_AS(TableDefinition("CREATE TABLE t (a INT", 1), InputError);
    }
}
