// Output safety for every command that writes files (-o, --junit, --dump-scores, --dir, manifests): an
// output path that cannot be written fails with exit 3 before any work — no connection attempted, no
// shadow created or replaced — and names the path on the error's first line; a command that fails half
// way leaves neither its output file nor a temporary file beside it.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;

namespace {

// Nothing listens on port 1: a command that tried to connect would exit 4 after the refusal, so exit 3
// shows the output path was checked first.
const std::string k_unreachable = "postgresql://nobody@127.0.0.1:1/nowhere";

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    return names;
}

struct Workspace {
    test::TempDir dir;
    fs::path out = dir.path() / "out";  // outputs only: must stay empty when a command fails
    fs::path regular_file = dir.path() / "regular-file";
    fs::path sqlite_primary = dir.path() / "primary.sqlite";
    fs::path log = test::source_path("fixtures/logs/chinook_app.log");
    fs::path reads = test::source_path("fixtures/replay/chinook_sqlite_reads.sql");
    fs::path change = dir.path() / "change.sql";

    Workspace() {
        fs::create_directory(out);
        std::ofstream(regular_file) << "not a directory\n";
        fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), sqlite_primary);
        std::ofstream(change) << "ALTER TABLE Track ADD COLUMN Rating integer;\n";
    }

    // Paths no command can write: under a regular file, and in a directory that does not exist.
    std::vector<fs::path> unwritable(const std::string& name) const {
        return {regular_file / name, dir.path() / "missing-dir" / name};
    }
};

void check_refused_first(const std::vector<std::string>& args, const fs::path& path) {
    CAPTURE(path.string());
    const auto result = test::run_cli(args);
    INFO(result.err);
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    // One line saying what and where, then the reason.
    CHECK(first_line(result.err).find(path.string()) != std::string::npos);
    CHECK(first_line(result.err).starts_with("schemaflip: error: "));
    CHECK_FALSE(fs::exists(path));
}

}  // namespace

TEST_CASE("an unwritable output path is refused with exit 3 before any work, for every command") {
    Workspace w;
    const auto history = test::shared_data_path("schema-history/train.csv").string();
    SUBCASE("inspect: no connection attempted") {
        for (const auto& bad : w.unwritable("result.json")) {
            check_refused_first({"inspect", k_unreachable, "-o", bad.string()}, bad);
        }
    }
    SUBCASE("analyze: before reading any log") {
        for (const auto& bad : w.unwritable("result.json")) {
            check_refused_first({"analyze", (w.dir.path() / "no-such.log").string(), "-o", bad.string()}, bad);
        }
    }
    SUBCASE("predict: before reading inputs or connecting") {
        for (const auto& bad : w.unwritable("result.json")) {
            check_refused_first({"predict", "--db", k_unreachable, "-o", bad.string()}, bad);
        }
    }
    SUBCASE("replay -o and --junit: before connecting to either side or reading queries") {
        for (const auto& bad : w.unwritable("result.json")) {
            check_refused_first({"replay", "--primary", k_unreachable, "--shadow", k_unreachable + "2", "--queries",
                                 w.reads.string(), "-o", bad.string()},
                                bad);
            check_refused_first({"replay", "--primary", k_unreachable, "--shadow", k_unreachable + "2", "--queries",
                                 w.reads.string(), "--junit", bad.string()},
                                bad);
        }
    }
    SUBCASE("flip: before reading the report") {
        for (const auto& bad : w.unwritable("result.json")) {
            check_refused_first({"flip", "--report", (w.dir.path() / "no-such-report.json").string(), "-o", bad.string()}, bad);
        }
    }
    SUBCASE("train -o and --dump-scores: before reading the history") {
        for (const auto& bad : w.unwritable("result.json")) {
            check_refused_first({"train", "--history", history, "-o", bad.string()}, bad);
            check_refused_first({"train", "--evaluate", history, "--dump-scores", bad.string()}, bad);
        }
    }
    SUBCASE("shadow up on PostgreSQL: no connection attempted") {
        for (const auto& bad : w.unwritable("result.json")) {
            check_refused_first({"shadow", "up", "--primary", k_unreachable, "--shadow", k_unreachable + "_shadow", "--ddl",
                                 w.change.string(), "-o", bad.string()},
                                bad);
        }
    }
    SUBCASE("shadow up --force on SQLite: the existing shadow is kept, nothing is copied") {
        for (const auto& bad : w.unwritable("result.json")) {
            const auto shadow = w.dir.path() / "shadow.sqlite";
            std::ofstream(shadow) << "an earlier shadow";
            check_refused_first({"shadow", "up", "--primary", w.sqlite_primary.string(), "--shadow", shadow.string(), "--ddl",
                                 w.change.string(), "--force", "-o", bad.string()},
                                bad);
            CHECK(test::read_file(shadow) == "an earlier shadow");
        }
    }
    SUBCASE("demo --dir under a regular file") {
        const auto bad = w.regular_file / "demo";
        const auto result = test::run_cli({"demo", "--dir", bad.string()});
        CHECK(result.exit_code == 3);
        CHECK(first_line(result.err).find(bad.string()) != std::string::npos);
    }
    CHECK(listing(w.out).empty());
}

TEST_CASE("shadow up on PostgreSQL with an unwritable manifest creates no database and replaces none") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    Workspace w;
    test::ScratchPostgresDatabase existing(*admin);
    db::open_database(existing.url())->execute("CREATE TABLE kept (id integer); INSERT INTO kept VALUES (1)");
    const auto chinook = *test::postgres_url("chinook");
    const auto bad = w.regular_file / "shadow.json";
    // --force would drop the existing shadow first if the manifest were checked only when first recorded.
    check_refused_first({"shadow", "up", "--primary", chinook, "--shadow", existing.url(), "--ddl", w.change.string(), "--force",
                         "-o", bad.string()},
                        bad);
    CHECK(db::value_integer(db::open_database(existing.url())->query("SELECT count(*) FROM kept").rows.at(0).at(0)) == 1);
}

TEST_CASE("a command that fails half way leaves no output file and no temporary file") {
    Workspace w;
    const auto out = [&w](const char* name) { return (w.out / name).string(); };
    SUBCASE("analyze --strict: a malformed record at the end of the log") {
        const auto log = w.dir.path() / "late.log";
        fs::copy_file(w.log, log);
        std::ofstream(log, std::ios::app) << "this line is not a log record\n";
        const auto result = test::run_cli({"analyze", "--strict", log.string(), "-o", out("profile.json")});
        CHECK(result.exit_code == 3);
    }
    SUBCASE("inspect: the database cannot be reached") {
        CHECK(test::run_cli({"inspect", k_unreachable, "-o", out("snapshot.json")}).exit_code == 4);
    }
    SUBCASE("predict: the database cannot be reached") {
        CHECK(test::run_cli({"predict", "--db", k_unreachable, "-o", out("predictions.json")}).exit_code == 4);
    }
    SUBCASE("replay: a query file that does not exist, and a shadow that cannot be reached") {
        const auto shadow = w.dir.path() / "shadow.sqlite";
        fs::copy_file(w.sqlite_primary, shadow);
        CHECK(test::run_cli({"replay", "--primary", w.sqlite_primary.string(), "--shadow", shadow.string(), "--queries",
                             (w.dir.path() / "none.sql").string(), "-o", out("report.json"), "--junit", out("junit.xml")})
                  .exit_code == 3);
        CHECK(test::run_cli({"replay", "--primary", k_unreachable, "--shadow", k_unreachable + "2", "--queries", w.reads.string(),
                             "-o", out("report.json"), "--junit", out("junit.xml")})
                  .exit_code == 4);
    }
    SUBCASE("flip: a report that is not a replay report") {
        const auto report = w.dir.path() / "report.json";
        std::ofstream(report) << R"({"kind": "workload_profile", "schema_version": 1})";
        CHECK(test::run_cli({"flip", "--report", report.string(), "-o", out("task.json")}).exit_code == 3);
    }
    SUBCASE("train: a history with no usable row") {
        const auto history = w.dir.path() / "history.csv";
        std::ofstream(history) << "project,migration_id,ts,table,op,column,detail\n";
        const auto result = test::run_cli({"train", "--history", history.string(), "-o", out("model.ubj")});
        CHECK(result.exit_code == 3);
    }
    SUBCASE("shadow up on SQLite: a statement of the change fails") {
        const auto change = w.dir.path() / "failing.sql";
        std::ofstream(change) << "ALTER TABLE Track ADD COLUMN Rating integer;\nALTER TABLE NoSuchTable ADD COLUMN x integer;\n";
        const auto shadow = w.dir.path() / "shadow.sqlite";
        CHECK(test::run_cli({"shadow", "up", "--primary", w.sqlite_primary.string(), "--shadow", shadow.string(), "--ddl",
                             change.string(), "-o", out("shadow.json")})
                  .exit_code == 4);
        CHECK_FALSE(fs::exists(shadow));
    }
    CHECK(listing(w.out).empty());
}
