// Column types read by PostgreSQL's own grammar: "character varying(120)", "NVARCHAR(160)" and
// "varchar(120)" all come back as the parser's type name plus modifiers.
#include "core/sql/parse_tree.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::sql {
namespace {

// A CAST's TypeName inside "SELECT NULL::<type>", or null when the text is not exactly one type.
const detail::Json* cast_type_name(const detail::ParsedText& parsed) {
    if (!parsed.ok || parsed.statements.size() != 1) return nullptr;
    const auto& select = detail::node_body(detail::field(parsed.statements[0], "stmt"));
    const auto& targets = detail::field(select, "targetList");
    if (!targets.is_array() || targets.size() != 1) return nullptr;
    const auto& value = detail::field(detail::node_body(targets[0]), "val");
    if (detail::node_type(value) != "TypeCast") return nullptr;
    const auto& type_name = detail::field(detail::node_body(value), "typeName");
    return type_name.is_object() ? &type_name : nullptr;
}

}  // namespace

std::optional<SqlType> parse_type(std::string_view text) {
    // A type text that closes the cast and goes on ("int) FROM x; --") parses to something else: the
    // checks below accept exactly one SELECT with one cast target and nothing after it.
    if (text.empty() || text.find(';') != std::string_view::npos) return std::nullopt;
    const auto parsed = detail::parse_tree("SELECT NULL::" + std::string(text));
    const auto* type_name = cast_type_name(parsed);
    if (type_name == nullptr) return std::nullopt;
    const auto& select = detail::node_body(detail::field(parsed.statements[0], "stmt"));
    if (detail::field(select, "fromClause").is_array()) return std::nullopt;

    SqlType type;
    auto names = detail::string_values(detail::field(*type_name, "names"));
    if (names.empty()) return std::nullopt;
    type.name = names.back();
    for (const auto& modifier : detail::field(*type_name, "typmods")) {
        const auto& body = detail::node_body(modifier);
        if (detail::node_type(modifier) != "A_Const") return std::nullopt;
        const auto& ival = detail::field(detail::field(body, "ival"), "ival");
        type.modifiers.push_back(ival.is_number_integer() ? ival.get<long long>() : 0);  // protobuf JSON omits 0
    }
    const auto& bounds = detail::field(*type_name, "arrayBounds");
    type.array_dimensions = bounds.is_array() ? static_cast<int>(bounds.size()) : 0;
    type.text = detail::type_name_text(*type_name);
    return type;
}

}  // namespace schemaflip::sql
