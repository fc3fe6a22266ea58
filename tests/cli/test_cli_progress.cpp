// Progress on stderr: ProgressLine's modes and throttle (with a clock moved by hand), and what analyze and
// replay print with -v, without it (stderr is no terminal in tests: nothing) and with --quiet.
#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/progress.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

bool ends_with(const std::string& text, const std::string& end) {
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// A ProgressLine on a string stream with a clock the test moves.
struct Watched {
    std::ostringstream err;
    Clock::time_point now{};
    cli::ProgressLine progress;
    explicit Watched(cli::ProgressLine::Mode mode) : progress(err, mode, [this] { return now; }) {}
};

}  // namespace

TEST_CASE("ProgressLine: -v lines keep every step and at most one running count a second") {
    Watched watched(cli::ProgressLine::Mode::lines);
    watched.progress.update("count 1");  // the first count is always shown
    watched.progress.update("count 2");
    watched.now += std::chrono::milliseconds(999);
    watched.progress.update("count 3");
    watched.progress.step("step A");  // steps are never held back
    watched.now += std::chrono::milliseconds(999);
    watched.progress.update("count 4");  // 999 ms after step A, which counts as a line: held back
    watched.now += std::chrono::milliseconds(1);
    watched.progress.update("count 5");
    watched.progress.clear();  // lines stay: nothing to erase
    CHECK(watched.err.str() == "schemaflip: count 1\nschemaflip: step A\nschemaflip: count 5\n");
}

TEST_CASE("ProgressLine: on a terminal one line is redrawn at most every 100 ms and erased by clear()") {
    Watched watched(cli::ProgressLine::Mode::terminal);
    watched.progress.update("a");
    watched.now += std::chrono::milliseconds(50);
    watched.progress.update("b");
    watched.now += std::chrono::milliseconds(50);
    watched.progress.update("c");
    watched.progress.step("d");
    watched.progress.clear();
    watched.progress.clear();  // erased once: the second has nothing on screen
    CHECK(watched.err.str() == "\r\033[Ka\r\033[Kc\r\033[Kd\r\033[K");
}

TEST_CASE("ProgressLine: nothing when stderr is not a terminal or with --quiet") {
    Watched watched(cli::ProgressLine::Mode::none);
    watched.progress.update("a");
    watched.progress.step("b");
    watched.progress.clear();
    CHECK(watched.err.str().empty());

    std::ostringstream out, err;
    cli::Context context{out, err};
    CHECK(cli::ProgressLine::mode_for(context) == cli::ProgressLine::Mode::none);  // not the real stderr
    context.verbosity = 1;
    CHECK(cli::ProgressLine::mode_for(context) == cli::ProgressLine::Mode::lines);
}

TEST_CASE("analyze -v: the file's final counts on stderr, stdout unchanged, and nothing without -v or with -q") {
    const auto log = test::shared_data_path("pglogs/pgbadger__light.postgres.log").string();
    const auto plain = test::run_cli({"--format", "json", "analyze", log});
    REQUIRE(plain.exit_code == 0);
    CHECK(plain.err.empty());
    const auto records = nlohmann::json::parse(plain.out)["sources"][0]["records"].get<std::uint64_t>();
    REQUIRE(records > 600);  // the log's 629 statements, in records of their own

    const auto verbose = test::run_cli({"-v", "--format", "json", "analyze", log});
    CHECK(verbose.exit_code == 0);
    CHECK(verbose.out == plain.out);
    // Fewer than 4096 statements: no running count, only the final one. The file ends in LF and has no CR,
    // so the bytes read are the file's size.
    CHECK(verbose.err == "schemaflip: analyze: " + log + ": " + std::to_string(records) + " records, " +
                             std::to_string(fs::file_size(log)) + " bytes, done\n");

    const auto quiet = test::run_cli({"-q", "--format", "json", "analyze", log});
    CHECK(quiet.out == plain.out);
    CHECK(quiet.err.empty());
}

TEST_CASE("analyze -v -j 2 on a large log: running counts from the parallel ranges, then the whole file's") {
    test::TempDir dir;
    const auto big = dir.path() / "rds.log";
    {
        gzFile in = gzopen(test::shared_data_path("pglogs/pgbadger__rds.log.gz").c_str(), "rb");
        REQUIRE(in != nullptr);
        std::ofstream out(big, std::ios::binary);
        char buffer[1 << 16];
        for (int got; (got = gzread(in, buffer, sizeof buffer)) > 0;) out.write(buffer, got);
        gzclose(in);
    }
    REQUIRE(fs::file_size(big) >= (16u << 20));  // large enough for the parallel read
    const auto result = test::run_cli({"-v", "--format", "json", "analyze", "-j", "2", big.string()});
    REQUIRE(result.exit_code == 0);
    const auto records = nlohmann::json::parse(result.out)["sources"][0]["records"].get<std::uint64_t>();
    const auto lines = lines_of(result.err);
    // 114594 statements: the first running count is always shown, the final one always.
    REQUIRE(lines.size() >= 2);
    const std::string prefix = "schemaflip: analyze: " + big.string() + ": ";
    for (const auto& line : lines) CHECK_MESSAGE(line.starts_with(prefix), line);
    CHECK_FALSE(ends_with(lines.front(), ", done"));
    CHECK(lines.back() == prefix + std::to_string(records) + " records, " + std::to_string(fs::file_size(big)) + " bytes, done");
    // Counts only grow, and no running count exceeds the final one.
    std::uint64_t previous = 0;
    for (const auto& line : lines) {
        const auto count = std::stoull(line.substr(prefix.size()));
        CHECK(count >= previous);
        CHECK(count <= records);
        previous = count;
    }
}

TEST_CASE("replay -v: one final line per stage that ran on stderr, the JSON report alone on stdout") {
    test::TempDir dir;
    const auto primary = dir.path() / "primary.sqlite";
    const auto shadow = dir.path() / "shadow.sqlite";
    fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), primary);
    fs::copy_file(primary, shadow);
    const std::vector<std::string> args = {"--format", "json", "replay", "--primary", primary.string(), "--shadow", shadow.string(),
                                           "--queries", test::source_path("fixtures/replay/chinook_sqlite_reads.sql").string()};
    const auto plain = test::run_cli(args);
    CHECK(plain.exit_code == 0);
    CHECK(plain.err.empty());

    auto verbose_args = args;
    verbose_args.insert(verbose_args.begin(), "-v");
    const auto verbose = test::run_cli(verbose_args);
    CHECK(verbose.exit_code == 0);
    const auto report = nlohmann::json::parse(verbose.out);  // nothing but the report on stdout
    REQUIRE(report["stages"].size() == 5);                   // the default plan
    std::vector<std::string> done;
    for (const auto& line : lines_of(verbose.err)) {
        CHECK_MESSAGE(line.starts_with("schemaflip: replay: stage "), line);
        if (ends_with(line, ", done")) done.push_back(line);
    }
    REQUIRE(done.size() == 5);
    for (std::size_t i = 0; i < done.size(); ++i) {
        const auto& stage = report["stages"][i];
        CHECK(done[i].starts_with("schemaflip: replay: stage " + std::to_string(i + 1) + " of 5 ("));
        CHECK(done[i].find("): " + std::to_string(stage["compared"].get<std::uint64_t>()) + " reads compared, " +
                           std::to_string(stage["min_queries"].get<std::uint64_t>()) + " needed") != std::string::npos);
    }
}
