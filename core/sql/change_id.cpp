// The stable ID of a schema change: a hash of its statements' parse trees, so that whitespace, comments,
// keyword case and unquoted identifier case do not change it, while every name, type and literal does.
#include <cstdint>
#include <cstdio>

#include "core/sql/parse_tree.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::sql {
namespace {

// Byte offsets into the text are the only parts of a parse tree that change when the text is reformatted.
void drop_locations(detail::Json& node) {
    if (node.is_object()) {
        node.erase("location");
        node.erase("stmt_location");
        node.erase("stmt_len");
        for (auto& [key, child] : node.items()) drop_locations(child);
    } else if (node.is_array()) {
        for (auto& child : node) drop_locations(child);
    }
}

// The canonical form of one statement: its location-free parse tree, or the text itself when it does not
// parse (still stable, just not insensitive to formatting).
std::string canonical_form(const std::string& statement) {
    auto parsed = detail::parse_tree(statement);
    if (!parsed.ok) return "text:" + statement;
    drop_locations(parsed.statements);
    return parsed.statements.dump();  // nlohmann::json keeps object keys sorted: one form per tree
}

}  // namespace

std::string change_id(const std::vector<std::string>& statements) {
    std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64 bit
    const auto mix = [&hash](unsigned char byte) {
        hash ^= byte;
        hash *= 1099511628211ULL;
    };
    for (const auto& statement : statements) {
        for (const char c : canonical_form(statement)) mix(static_cast<unsigned char>(c));
        mix(0);  // statement boundary
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

}  // namespace schemaflip::sql
