// inspect_query_text and substitute_parameters: the statement count, plain-query test and $n locations of a
// text, read from libpg_query's parse tree.
#include "core/sql/query_text.hpp"

#include <algorithm>

#include "core/sql/parse_tree.hpp"

namespace schemaflip::sql {
namespace {

// Every ParamRef node anywhere in the tree, with its location (absent in protobuf JSON when 0).
void collect_parameters(const detail::Json& node, std::string_view sql, std::vector<ParameterRef>& out) {
    if (node.is_array()) {
        for (const auto& child : node) collect_parameters(child, sql, out);
        return;
    }
    if (!node.is_object()) return;
    if (detail::node_type(node) == "ParamRef") {
        const detail::Json& body = detail::node_body(node);
        const detail::Json& number = detail::field(body, "number");
        const detail::Json& location = detail::field(body, "location");
        ParameterRef ref;
        ref.number = number.is_number_integer() ? number.get<int>() : 0;
        ref.offset = location.is_number_integer() ? location.get<std::size_t>() : 0;
        // The parser gives where "$n" starts; its length is the '$' and the digits that follow.
        std::size_t end = ref.offset + 1;
        while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
        ref.length = end - ref.offset;
        if (ref.number > 0 && ref.offset < sql.size() && sql[ref.offset] == '$') out.push_back(ref);
        return;
    }
    for (const auto& [key, child] : node.items()) collect_parameters(child, sql, out);
}

// Every FuncCall node's name (its last part: pg_catalog.now → now).
void collect_functions(const detail::Json& node, std::vector<std::string>& out) {
    if (node.is_array()) {
        for (const auto& child : node) collect_functions(child, out);
        return;
    }
    if (!node.is_object()) return;
    if (detail::node_type(node) == "FuncCall") {
        const auto names = detail::string_values(detail::field(detail::node_body(node), "funcname"));
        if (!names.empty()) out.push_back(names.back());
    }
    for (const auto& [key, child] : node.items()) collect_functions(child, out);
}

std::string quoted_literal(const std::string& value) {
    std::string out = "'";
    for (const char c : value) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

}  // namespace

QueryText inspect_query_text(std::string_view sql) {
    QueryText text;
    // The C API reads up to the first NUL byte, so a text holding one is not what would run.
    if (sql.find('\0') != std::string_view::npos) {
        text.error = "the text contains a NUL byte";
        return text;
    }
    const detail::ParsedText parsed = detail::parse_tree(std::string(sql));
    if (!parsed.ok) {
        text.error = parsed.error;
        return text;
    }
    text.parsed = true;
    text.statements = parsed.statements.size();
    if (text.statements == 1) {
        const detail::Json& stmt = detail::field(parsed.statements[0], "stmt");
        text.plain_query = detail::node_type(stmt) == "SelectStmt" && detail::statement_kind(stmt) == StatementKind::read;
    }
    collect_parameters(parsed.statements, sql, text.parameters);
    std::sort(text.parameters.begin(), text.parameters.end(),
              [](const ParameterRef& a, const ParameterRef& b) { return a.offset < b.offset; });
    collect_functions(parsed.statements, text.functions);
    std::sort(text.functions.begin(), text.functions.end());
    text.functions.erase(std::unique(text.functions.begin(), text.functions.end()), text.functions.end());
    return text;
}

std::optional<std::string> substitute_parameters(std::string_view sql, const std::vector<ParameterRef>& parameters,
                                                 const std::vector<std::optional<std::string>>& values) {
    std::string out;
    out.reserve(sql.size() + 16 * parameters.size());
    std::size_t copied = 0;
    for (const auto& parameter : parameters) {
        if (parameter.number < 1 || static_cast<std::size_t>(parameter.number) > values.size()) return std::nullopt;
        if (parameter.offset < copied || parameter.offset + parameter.length > sql.size()) return std::nullopt;
        out.append(sql.substr(copied, parameter.offset - copied));
        const auto& value = values[static_cast<std::size_t>(parameter.number) - 1];
        out += value ? quoted_literal(*value) : "NULL";
        copied = parameter.offset + parameter.length;
    }
    out.append(sql.substr(copied));
    return out;
}

}  // namespace schemaflip::sql
