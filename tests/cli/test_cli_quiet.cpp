// --quiet: diagnostics on stderr disappear, errors stay, and it cannot be combined with --verbose.
#include <doctest/doctest.h>

#include "support/test_support.hpp"

using namespace schemaflip;

TEST_CASE("--quiet drops predict's gate notice but keeps the exit code; errors are still printed") {
    const std::vector<std::string> args = {"predict", "--at", "2026-11-24", "--pending",
                                           test::source_path("fixtures/predict/pending").string(), "--fail-above", "0"};
    const auto loud = test::run_cli(args);
    CHECK(loud.exit_code == 1);
    CHECK(loud.err.find("at or above risk 0") != std::string::npos);

    auto quiet_args = args;
    quiet_args.insert(quiet_args.begin(), "--quiet");
    const auto quiet = test::run_cli(quiet_args);
    CHECK(quiet.exit_code == 1);
    CHECK(quiet.err.empty());
    CHECK(quiet.out == loud.out);

    const auto failing = test::run_cli({"-q", "inspect", "/nonexistent/app.sqlite"});
    CHECK(failing.exit_code == 3);
    CHECK(failing.err.starts_with("schemaflip: error: "));

    CHECK(test::run_cli({"-q", "-v", "inspect", "x.sqlite"}).exit_code == 2);
}
