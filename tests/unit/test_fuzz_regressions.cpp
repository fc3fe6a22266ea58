// Inputs that crashed a fuzz target (fuzz/), each fed again through the production entry point the target
// drives, in the ordinary build too: the file the fuzzer wrote (fixtures/fuzz-regressions/<target>/)
// must now be read without an exception other than the documented InputError, and a small hand-written
// input with the same defect must give what a reader of the format expects.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/history/history.hpp"
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
