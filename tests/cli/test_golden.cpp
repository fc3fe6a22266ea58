// Golden end-to-end cases: every folder fixtures/cli/<command>/<case>/ holds `args` (one argument a line),
// `expected.stdout`, `expected.exit` and optionally `expected.stderr`. Arguments may use ${FIXTURES},
// ${SHARED} and ${TMP}; outputs have those paths put back as placeholders before comparing.
// SCHEMAFLIP_UPDATE_GOLDEN=1 rewrites the expected files, for review as a git diff.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    if (from.empty()) return text;
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
        text.replace(pos, from.size(), to);
    }
    return text;
}

struct Placeholders {
    std::vector<std::pair<std::string, std::string>> pairs;  // placeholder -> real path

    std::string expand(std::string text) const {
        for (const auto& [name, path] : pairs) text = replace_all(text, name, path);
        return text;
    }
    std::string mask(std::string text) const {
        for (const auto& [name, path] : pairs) text = replace_all(text, path, name);
        return text;
    }
};

std::vector<std::string> read_args(const std::filesystem::path& file, const Placeholders& placeholders) {
    std::vector<std::string> args;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) args.push_back(placeholders.expand(line));
    }
    return args;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

void run_case(const std::filesystem::path& folder) {
    test::TempDir tmp;
    const Placeholders placeholders{{{"${TMP}", tmp.path().string()},
                                     {"${FIXTURES}", test::source_path("fixtures").string()},
                                     {"${SHARED}", test::shared_data_path("").string()}}};
    const auto result = test::run_cli(read_args(folder / "args", placeholders));
    const std::string out = placeholders.mask(result.out);
    const std::string err = placeholders.mask(result.err);
    const std::string exit = std::to_string(result.exit_code) + "\n";

    if (const char* update = std::getenv("SCHEMAFLIP_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        write_file(folder / "expected.stdout", out);
        write_file(folder / "expected.exit", exit);
        if (std::filesystem::exists(folder / "expected.stderr") || !err.empty()) write_file(folder / "expected.stderr", err);
        return;
    }
    CHECK(exit == test::read_file(folder / "expected.exit"));
    CHECK(out == test::read_file(folder / "expected.stdout"));
    if (std::filesystem::exists(folder / "expected.stderr")) CHECK(err == test::read_file(folder / "expected.stderr"));
}

std::vector<std::filesystem::path> case_folders() {
    std::vector<std::filesystem::path> folders;
    const auto root = test::source_path("fixtures/cli");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file() && entry.path().filename() == "args") folders.push_back(entry.path().parent_path());
    }
    std::sort(folders.begin(), folders.end());
    return folders;
}

}  // namespace

TEST_CASE("golden CLI cases in fixtures/cli") {
    ::setenv("TZ", "UTC", 1);
    ::setenv("LC_ALL", "C", 1);
    ::setenv("NO_COLOR", "1", 1);
    ::tzset();
    const auto folders = case_folders();
    REQUIRE_FALSE(folders.empty());
    for (const auto& folder : folders) {
        const std::string name = std::filesystem::relative(folder, test::source_path("fixtures/cli")).string();
        SUBCASE(name.c_str()) { run_case(folder); }
    }
}
