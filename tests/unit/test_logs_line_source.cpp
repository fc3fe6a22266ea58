// Line sources: buffers and files, CRLF, gzip by magic bytes, truncated gzip, over-long lines, lookahead.
#include <doctest/doctest.h>

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/logs/line_source.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

namespace logs = schemaflip::logs;
using schemaflip::test::TempDir;

namespace {

std::vector<std::string> all_lines(logs::LineSource& source) {
    std::vector<std::string> lines;
    std::string_view line;
    while (source.next_line(line)) lines.emplace_back(line);
    return lines;
}

void write_file(const std::filesystem::path& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

void write_gzip(const std::filesystem::path& path, std::string_view content) {
    gzFile file = gzopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    REQUIRE(gzwrite(file, content.data(), static_cast<unsigned>(content.size())) == static_cast<int>(content.size()));
    gzclose(file);
}

}  // namespace

TEST_CASE("buffer line source splits lines, drops CR before LF, and keeps a last line without newline") {
    auto source = logs::buffer_line_source("one\r\ntwo\n\nthree", "mem");
    CHECK(all_lines(*source) == std::vector<std::string>{"one", "two", "", "three"});
    CHECK(source->line_number() == 4);
    CHECK(source->name() == "mem");
    CHECK(source->damage().empty());
}

TEST_CASE("file line source reads plain and gzip files alike, whatever their names") {
    TempDir dir;
    const std::string content = "alpha\r\nbeta\ngamma";
    write_file(dir.path() / "plain.gz", content);
    write_gzip(dir.path() / "compressed.log", content);
    for (const char* name : {"plain.gz", "compressed.log"}) {
        CAPTURE(name);
        auto source = logs::open_line_source((dir.path() / name).string());
        CHECK(all_lines(*source) == std::vector<std::string>{"alpha", "beta", "gamma"});
        CHECK(source->damage().empty());
    }
}

TEST_CASE("file line source reads lines across its block boundaries") {
    TempDir dir;
    std::string content;
    for (int i = 0; i < 200000; ++i) content += "line number " + std::to_string(i) + "\n";
    write_gzip(dir.path() / "many.gz", content);
    auto source = logs::open_line_source((dir.path() / "many.gz").string());
    const auto lines = all_lines(*source);
    REQUIRE(lines.size() == 200000);
    CHECK(lines[123456] == "line number 123456");
    CHECK(lines.back() == "line number 199999");
}

TEST_CASE("a truncated gzip file stops with damage set instead of failing") {
    TempDir dir;
    const auto original = schemaflip::test::read_file(schemaflip::test::shared_data_path("pglogs/pgbadger__rds.log.gz"));
    write_file(dir.path() / "cut.log.gz", std::string_view(original).substr(0, original.size() / 2));
    auto source = logs::open_line_source((dir.path() / "cut.log.gz").string());
    const auto lines = all_lines(*source);
    CHECK(lines.size() > 1000);
    CHECK(lines.size() < 114604);
    CHECK_FALSE(source->damage().empty());
}

TEST_CASE("an over-long line is cut at max_line_bytes and the next line still comes") {
    TempDir dir;
    const std::string huge(50u << 20, 'x');
    write_file(dir.path() / "huge.log", "before\n" + huge + "\nafter\n");
    auto source = logs::open_line_source((dir.path() / "huge.log").string(), 1u << 20);
    std::string_view line;
    REQUIRE(source->next_line(line));
    CHECK(line == "before");
    REQUIRE(source->next_line(line));
    CHECK(line.size() == (1u << 20));
    REQUIRE(source->next_line(line));
    CHECK(line == "after");
    CHECK(source->line_number() == 3);
    CHECK_FALSE(source->next_line(line));
}

TEST_CASE("opening a missing file or a directory is an input error") {
    TempDir dir;
    CHECK_THROWS_AS(logs::open_line_source((dir.path() / "missing.log").string()), schemaflip::InputError);
    CHECK_THROWS_AS(logs::open_line_source(dir.path().string()), schemaflip::InputError);
}

TEST_CASE("lookahead line source replays the peeked lines, then continues") {
    auto inner = logs::buffer_line_source("a\nb\nc\nd\n");
    logs::LookaheadLineSource lookahead(std::move(inner));
    const auto peeked = lookahead.peek(2);
    REQUIRE(peeked.size() == 2);
    CHECK(peeked[1] == "b");
    CHECK(all_lines(lookahead) == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(lookahead.line_number() == 4);
}
