// GitHub annotation escaping and XML escaping, against values worked out by hand from GitHub's rules
// (actions/toolkit command.ts) and XML 1.0's character set.
#include <doctest/doctest.h>

#include "core/util/ci_output.hpp"

using namespace schemaflip::util;

TEST_CASE("annotation messages escape % CR LF; properties also : and ,") {
    CHECK(escape_annotation_message("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b");
    CHECK(escape_annotation_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A");
    // Escaping %25 first matters: a literal "%0A" in the text must not become a newline.
    CHECK(escape_annotation_message("%0A") == "%250A");
}

TEST_CASE("an annotation line has its properties in order and leaves out the empty ones") {
    Annotation annotation;
    annotation.level = AnnotationLevel::error;
    annotation.file = "db/migrate/1.sql";
    annotation.line = 3;
    annotation.title = "replay: x, y";
    annotation.message = "two\nlines";
    CHECK(render_annotation(annotation) == "::error file=db/migrate/1.sql,line=3,title=replay%3A x%2C y::two%0Alines\n");
    Annotation bare;
    bare.level = AnnotationLevel::warning;
    bare.message = "m";
    CHECK(render_annotation(bare) == "::warning::m\n");
    bare.level = AnnotationLevel::notice;
    bare.title = "t";
    CHECK(render_annotation(bare) == "::notice title=t::m\n");
}

TEST_CASE("xml_escape: entities, forbidden characters and bytes that are not UTF-8") {
    CHECK(xml_escape("<a & 'b'>\"") == "&lt;a &amp; &apos;b&apos;&gt;&quot;");
    CHECK(xml_escape("a\nb\tc\rd") == "a&#10;b&#9;c&#13;d");
    CHECK(xml_escape(std::string("x\x01y\0z", 5)) == "x?y?z");
    CHECK(xml_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    CHECK(xml_escape("\xff") == "?");
    CHECK(xml_escape("\xc0\xaf") == "??");           // overlong '/'
    CHECK(xml_escape("\xed\xa0\x80") == "???");      // a UTF-16 surrogate
    CHECK(xml_escape("\xef\xbf\xbe") == "???");      // U+FFFE is not an XML character
    CHECK(xml_escape("ab\xc3") == "ab?");            // cut in the middle of a sequence
}
