// Inputs that crashed a fuzz target (fuzz/), each fed again through the production entry point the target
// drives, in the ordinary build too: the file the fuzzer wrote (fixtures/fuzz-regressions/<target>/)
// must now be read without an exception other than the documented InputError, and a small hand-written
// input with the same defect must give what a reader of the format expects.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/history/history.hpp"
#include "core/predict/predictions_inputs.hpp"
#include "core/replay/query_source.hpp"
#include "core/schema/snapshot.hpp"
#include "core/shadow/shadow_engine.hpp"
#include "core/shadow/shadow_manifest.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

std::string regression_input(const std::string& target, const std::string& name) {
    std::ifstream in(test::source_path("fixtures/fuzz-regressions/" + target + "/" + name), std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("fuzz regression history_django: an empty field tuple or db_table value is skipped, not a crash") {
    // The fuzzer's file: a CreateModel cut short, whose fields list ends in an empty tuple
    // (std::out_of_range from substr(1) on it before the fix).
    history::History from_fuzzer;
    CHECK_NOTHROW(history::read_django_migration_text(regression_input("history_django", "empty_field_tuple.py"),
                                                      "shop/migrations/0001_initial.py", "fuzz", from_fuzzer));

    const std::string text = R"(class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(
            name='Tag',
            fields=[
                (),
                ('id', models.AutoField(primary_key=True)),
                ,
            ],
            options={'db_table': },
        ),
    ]
)";
    history::History read;
    history::read_django_migration_text(text, "shop/migrations/0009_tag.py", "fuzz", read);
    REQUIRE(read.events.size() == 1);
    CHECK(read.events[0].table == "shop_tag");
    CHECK(read.events[0].op == "create_table");
    CHECK(read.events[0].detail == "id:AutoField");
}

TEST_CASE("fuzz regression doc_*: a \"kind\" or \"schema_version\" of another type is a wrong document, not a crash") {
    // json::value("kind", "") threw nlohmann's type_error for {"kind": 1}: exit 5, "internal error".
    const auto kind_number = nlohmann::json::parse(regression_input("doc_manifest", "kind_is_a_number.json"));
    CHECK_THROWS_AS(shadow::manifest_from_json(kind_number), InputError);
    CHECK_THROWS_AS(shadow::predicted_change_from_json(kind_number, "p.json", ""), InputError);
    CHECK_THROWS_AS(predict::workload_from_json(kind_number, "p.json", nullptr), InputError);
    CHECK_THROWS_AS(schema::snapshot_from_json(kind_number), InputError);
    const auto version_string = nlohmann::json::parse(regression_input("doc_profile", "version_is_a_string.json"));
    CHECK_THROWS_WITH_AS(predict::workload_from_json(version_string, "p.json", nullptr),
                         doctest::Contains("unsupported workload profile version"), InputError);
    CHECK_THROWS_WITH_AS(schema::snapshot_from_json({{"kind", "schema_snapshot"}, {"schema_version", "1"}}),
                         doctest::Contains("unsupported schema snapshot version"), InputError);

    // Through the CLI: the documented exit code 3 with a one-line error.
    test::TempDir dir;
    const auto manifest = dir.path() / "shadow.json";
    std::ofstream(manifest) << kind_number.dump();
    const auto status = test::run_cli({"shadow", "status", "--manifest", manifest.string()});
    CHECK(status.exit_code == 3);
    CHECK(status.err.find("not a shadow manifest") != std::string::npos);
}

TEST_CASE("fuzz regression: replay --queries reads a profile whose fingerprint is not a string, and a kind that is a number") {
    test::TempDir dir;
    const auto profile = dir.path() / "profile.json";
    std::ofstream(profile) << R"({"kind": "workload_profile", "fingerprints": [{"example": "SELECT 1", "count": 2, "fingerprint": 7}]})";
    const auto stream = replay::load_queries({profile.string()}, {});
    CHECK(stream.read_count() == 2);
    CHECK(replay::origin_of(stream, stream.all().at(0)) == profile.string() + "@");

    // Not a string kind: not a profile, so read as a log, which it is not either.
    const auto odd = dir.path() / "odd.json";
    std::ofstream(odd) << R"({"kind": 1})";
    CHECK_THROWS_AS(replay::load_queries({odd.string()}, {}), InputError);
}
