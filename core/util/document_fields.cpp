// Reading a document's kind, version and optional strings without nlohmann's type_error.
#include "core/util/document_fields.hpp"

#include <nlohmann/json.hpp>

namespace schemaflip::util {

std::string string_or(const nlohmann::json& object, const char* key, std::string fallback) {
    if (!object.is_object()) return fallback;
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : fallback;
}

std::string document_kind(const nlohmann::json& document) { return string_or(document, "kind"); }

std::optional<std::int64_t> document_version(const nlohmann::json& document) {
    if (!document.is_object()) return std::nullopt;
    const auto found = document.find("schema_version");
    if (found == document.end() || !found->is_number_integer()) return std::nullopt;
    return found->get<std::int64_t>();
}

}  // namespace schemaflip::util
