// What every document reader checks first, read without throwing: a document whose "kind" is a number is
// a wrong document (InputError, exit 3), never nlohmann's type_error (exit 5, "internal error"), which
// json::value("kind", "") throws when the member exists with another type. Found by fuzz/fuzz_doc_*.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace schemaflip::util {

// document["kind"] when the document is an object whose "kind" is a string; empty otherwise.
std::string document_kind(const nlohmann::json& document);
// document["schema_version"] when the document is an object whose "schema_version" is an integer.
std::optional<std::int64_t> document_version(const nlohmann::json& document);
// object[key] when `object` is an object and that member a string; `fallback` otherwise.
std::string string_or(const nlohmann::json& object, const char* key, std::string fallback = {});

}  // namespace schemaflip::util
