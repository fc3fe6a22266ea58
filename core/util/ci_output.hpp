// Text for CI systems: GitHub Actions workflow commands (annotations) and XML escaping for JUnit reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace schemaflip::util {

enum class AnnotationLevel { error, warning, notice };

// One annotation: `::error file=F,line=L,title=T::message`. Empty file, line 0 and empty title are left out.
struct Annotation {
    AnnotationLevel level = AnnotationLevel::notice;
    std::string file;
    std::uint64_t line = 0;
    std::string title;
    std::string message;
};

// GitHub's rules (actions/toolkit, command.ts): the message escapes % CR LF as %25 %0D %0A; a property
// value also escapes : and , (%3A, %2C), which would otherwise end it.
std::string escape_annotation_message(std::string_view text);
std::string escape_annotation_property(std::string_view text);
// The workflow command line, ending in '\n'.
std::string render_annotation(const Annotation& annotation);

// Text for XML content and attribute values: & < > " ' as entities; characters XML 1.0 forbids (controls
// other than tab, LF and CR) and bytes that are not UTF-8 (logs carry any bytes) become '?', so the
// document always parses. CR and LF in attributes become character references so they survive parsing.
std::string xml_escape(std::string_view text);

}  // namespace schemaflip::util
