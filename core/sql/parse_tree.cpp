// The one place that calls libpg_query's parser, fingerprint and normalizer, plus JSON tree helpers.
#include "core/sql/parse_tree.hpp"

#include <pg_query.h>

#include <cstdio>

namespace schemaflip::sql::detail {
namespace {

const Json k_null_json = nullptr;

std::string error_message(const PgQueryError* error) {
    if (error == nullptr || error->message == nullptr) return "unknown parser error";
    std::string message = error->message;
    if (error->cursorpos > 0) message += " (at character " + std::to_string(error->cursorpos) + ")";
    return message;
}

// pg_query's internal names as users write them.
std::string friendly_type(const std::string& name) {
    static const std::pair<const char*, const char*> k_names[] = {
        {"int2", "smallint"}, {"int4", "integer"}, {"int8", "bigint"},       {"float4", "real"},
        {"float8", "double precision"}, {"bool", "boolean"}, {"bpchar", "char"},
    };
    for (const auto& [internal, friendly] : k_names) {
        if (name == internal) return friendly;
    }
    return name;
}

std::string type_modifier_text(const Json& modifier) {
    const Json& body = node_body(modifier);
    if (node_type(modifier) == "A_Const") {
        if (const Json& ival = field(field(body, "ival"), "ival"); ival.is_number_integer()) {
            return std::to_string(ival.get<long long>());
        }
        if (body.contains("ival")) return "0";  // protobuf JSON leaves out zero values
        if (const Json& sval = field(field(body, "sval"), "sval"); sval.is_string()) return sval.get<std::string>();
    }
    if (node_type(modifier) == "ColumnRef") {
        const auto names = string_values(field(body, "fields"));
        if (!names.empty()) return names.back();
    }
    return "?";
}

}  // namespace

ParsedText parse_tree(const std::string& sql) {
    ParsedText parsed;
    PgQueryParseResult result = pg_query_parse(sql.c_str());
    if (result.error != nullptr) {
        parsed.error = error_message(result.error);
    } else {
        Json tree = Json::parse(result.parse_tree, nullptr, false);
        if (tree.is_discarded()) {
            parsed.error = "libpg_query returned an unreadable parse tree";
        } else {
            parsed.ok = true;
            parsed.statements = tree.contains("stmts") ? std::move(tree["stmts"]) : Json::array();
        }
    }
    pg_query_free_parse_result(result);
    return parsed;
}

Fingerprint fingerprint(const std::string& sql) {
    Fingerprint print;
    PgQueryFingerprintResult result = pg_query_fingerprint(sql.c_str());
    if (result.error == nullptr && result.fingerprint_str != nullptr) {
        print.ok = true;
        print.value = result.fingerprint;
        print.hex = result.fingerprint_str;
    }
    pg_query_free_fingerprint_result(result);
    return print;
}

std::string normalize(const std::string& sql) {
    PgQueryNormalizeResult result = pg_query_normalize(sql.c_str());
    std::string normalized;
    if (result.error == nullptr && result.normalized_query != nullptr) normalized = result.normalized_query;
    pg_query_free_normalize_result(result);
    return normalized;
}

std::string_view node_type(const Json& node) {
    if (!node.is_object() || node.size() != 1) return {};
    return node.begin().key();
}

const Json& node_body(const Json& node) {
    if (!node.is_object() || node.size() != 1) return k_null_json;
    return node.begin().value();
}

const Json& field(const Json& object, const char* name) {
    if (!object.is_object()) return k_null_json;
    auto it = object.find(name);
    return it == object.end() ? k_null_json : *it;
}

std::string string_field(const Json& object, const char* name) {
    const Json& value = field(object, name);
    return value.is_string() ? value.get<std::string>() : std::string{};
}

bool bool_field(const Json& object, const char* name) {
    const Json& value = field(object, name);
    return value.is_boolean() && value.get<bool>();
}

std::string string_value(const Json& node) {
    if (node_type(node) != "String") return {};
    return string_field(node_body(node), "sval");
}

std::vector<std::string> string_values(const Json& list) {
    std::vector<std::string> values;
    if (!list.is_array()) return values;
    for (const auto& item : list) {
        if (node_type(item) == "String") values.push_back(string_value(item));
    }
    return values;
}

std::string qualified_name(const std::string& schema, const std::string& relation) {
    if (schema.empty() || schema == "public") return relation;
    return schema + "." + relation;
}

std::string range_var_name(const Json& range_var_body) {
    return qualified_name(string_field(range_var_body, "schemaname"), string_field(range_var_body, "relname"));
}

std::string type_name_text(const Json& type_name_body) {
    std::vector<std::string> names = string_values(field(type_name_body, "names"));
    // The parser spells built-in types as pg_catalog.int4; the schema adds nothing for a reader.
    if (names.size() == 2 && names.front() == "pg_catalog") names.erase(names.begin());
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ".") + friendly_type(name);
    const Json& modifiers = field(type_name_body, "typmods");
    if (modifiers.is_array() && !modifiers.empty()) {
        text += "(";
        for (std::size_t i = 0; i < modifiers.size(); ++i) text += (i ? "," : "") + type_modifier_text(modifiers[i]);
        text += ")";
    }
    const Json& bounds = field(type_name_body, "arrayBounds");
    if (bounds.is_array()) {
        for (std::size_t i = 0; i < bounds.size(); ++i) text += "[]";
    }
    return text;
}

}  // namespace schemaflip::sql::detail
