// libpg_query's scanner tokens, and ALTER TABLE commands with the source text of their definitions: the
// parse tree says what each command is, the scanner's token positions say where its text is.
#include "core/sql/ddl_source.hpp"

#include <pg_query.h>

#include <cstdint>

#include "core/util/ascii_case.hpp"
#include "core/sql/parse_tree.hpp"

namespace schemaflip::sql {
namespace {

using detail::field;
using detail::Json;
using detail::node_body;
using detail::node_type;
using detail::string_field;

// pg_query_scan answers with a protobuf ScanResult (pg_query.proto). Its generated C bindings need
// protobuf-c's headers, which Debian does not ship with libpg-query-dev, and the message is two levels of
// varints, so it is read straight from the wire format.
class WireReader {
public:
    WireReader() = default;
    WireReader(const unsigned char* data, std::size_t size) : m_data(data), m_size(size) {}

    bool done() const { return m_position >= m_size; }

    // One field: its number and a varint's value, or a length-delimited field's bytes as `nested`.
    bool next(std::uint64_t& number, std::uint64_t& value, WireReader& nested) {
        std::uint64_t key = 0;
        if (!varint(key)) return false;
        number = key >> 3;
        switch (key & 7) {
            case 0: return varint(value);
            case 1: return skip(8);
            case 2: {
                std::uint64_t length = 0;
                if (!varint(length) || length > m_size - m_position) return false;
                nested = WireReader(m_data + m_position, static_cast<std::size_t>(length));
                return skip(static_cast<std::size_t>(length));
            }
            case 5: return skip(4);
            default: return false;
        }
    }

private:
    bool varint(std::uint64_t& value) {
        value = 0;
        for (int shift = 0; shift < 64 && m_position < m_size; shift += 7) {
            const unsigned char byte = m_data[m_position++];
            value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) return true;
        }
        return false;
    }
    bool skip(std::size_t bytes) {
        if (bytes > m_size - m_position) return false;
        m_position += bytes;
        return true;
    }

    const unsigned char* m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_position = 0;
};

// pg_query.proto: ScanToken {start = 1, end = 2, token = 4, keyword_kind = 5}; Token SQL_COMMENT and C_COMMENT.
constexpr std::uint64_t k_token_start = 1, k_token_end = 2, k_token_kind = 4, k_token_keyword_kind = 5;
constexpr std::uint64_t k_scan_tokens = 2;
constexpr std::uint64_t k_sql_comment = 275, k_c_comment = 276;

bool read_token(WireReader reader, std::size_t text_size, Token& token, bool& comment) {
    std::uint64_t kind = 0;
    while (!reader.done()) {
        std::uint64_t number = 0;
        std::uint64_t value = 0;
        WireReader nested;
        if (!reader.next(number, value, nested)) return false;
        if (number == k_token_start) token.begin = static_cast<std::size_t>(value);
        if (number == k_token_end) token.end = static_cast<std::size_t>(value);
        if (number == k_token_kind) kind = value;
        if (number == k_token_keyword_kind) token.keyword = value != 0;
    }
    comment = kind == k_sql_comment || kind == k_c_comment;
    return token.begin <= token.end && token.end <= text_size;
}

std::optional<std::vector<Token>> read_scan(const PgQueryProtobuf& buffer, std::size_t text_size) {
    WireReader reader(reinterpret_cast<const unsigned char*>(buffer.data), buffer.len);
    std::vector<Token> tokens;
    while (!reader.done()) {
        std::uint64_t number = 0;
        std::uint64_t value = 0;
        WireReader nested;
        if (!reader.next(number, value, nested)) return std::nullopt;
        if (number != k_scan_tokens) continue;
        Token token;
        bool comment = false;
        if (!read_token(nested, text_size, token, comment)) return std::nullopt;
        if (!comment) tokens.push_back(token);
    }
    return tokens;
}

// The tokens of one ALTER TABLE subcommand: the statement's tokens between commas outside parentheses.
// The first region also holds "ALTER TABLE name"; each region is [first, last) token indexes.
struct Region {
    std::size_t first = 0;
    std::size_t last = 0;
};

std::vector<Region> command_regions(std::string_view text, const std::vector<Token>& tokens) {
    std::vector<Region> regions(1);
    int depth = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto token = tokens[i].text(text);
        if (token == "(" || token == "[") ++depth;
        if (token == ")" || token == "]") --depth;
        if (token == "," && depth == 0) {
            regions.back().last = i;
            regions.push_back({i + 1, i + 1});
        }
    }
    regions.back().last = tokens.size();
    return regions;
}

struct Source {
    std::string_view text;
    const std::vector<Token>* tokens = nullptr;
    std::optional<Region> region;  // nullopt when the regions did not match the commands

    // The source text from the first token at or after `offset` to the end of the region.
    std::string from_offset(std::size_t offset) const {
        if (!region) return {};
        for (std::size_t i = region->first; i < region->last; ++i) {
            if ((*tokens)[i].begin >= offset) return std::string(text.substr((*tokens)[i].begin, (*tokens)[region->last - 1].end - (*tokens)[i].begin));
        }
        return {};
    }
    // The source text after the region's first `keyword` outside parentheses, to the end of the region.
    std::string after_keyword(std::string_view keyword) const {
        if (!region) return {};
        int depth = 0;
        for (std::size_t i = region->first; i < region->last; ++i) {
            const Token& token = (*tokens)[i];
            const auto word = token.text(text);
            if (word == "(") ++depth;
            if (word == ")") --depth;
            if (depth == 0 && token.keyword && util::ascii_lower(word) == keyword && i + 1 < region->last) {
                return from_offset((*tokens)[i + 1].begin);
            }
        }
        return {};
    }
};

bool contains_node(const Json& node, std::string_view type) {
    if (!node.is_structured()) return false;
    if (node.is_object() && node.contains(std::string(type))) return true;
    for (const auto& [key, value] : node.items()) {
        if (contains_node(value, type)) return true;
    }
    return false;
}

// `c` or `t.c`: the column's name; empty for anything else.
std::string column_name(const Json& node) {
    if (node_type(node) != "ColumnRef") return {};
    const auto names = detail::string_values(field(node_body(node), "fields"));
    return names.empty() ? std::string() : names.back();
}

void read_using(const Json& expression, const Source& source, AlterCommand& command) {
    if (!expression.is_object()) return;
    command.using_text = source.after_keyword("using");
    command.using_column = column_name(expression);
    if (command.using_column.empty() && node_type(expression) == "TypeCast") {
        command.using_column = column_name(field(node_body(expression), "arg"));
    }
    command.using_has_cast = command.using_column.empty() && contains_node(expression, "TypeCast");
}

std::string constraint_kind(const std::string& contype) {
    if (contype == "CONSTR_PRIMARY") return "primary key";
    if (contype == "CONSTR_UNIQUE") return "unique";
    if (contype == "CONSTR_CHECK") return "check";
    if (contype == "CONSTR_FOREIGN") return "foreign key";
    if (contype == "CONSTR_EXCLUSION") return "exclude";
    return util::ascii_lower(contype);
}

// What a PostgreSQL table constraint can say that no other engine's CREATE TABLE understands.
std::string postgres_only_constraint_part(const Json& constraint) {
    const std::string contype = string_field(constraint, "contype");
    if (contype == "CONSTR_EXCLUSION") return "EXCLUDE";
    if (detail::bool_field(constraint, "skip_validation")) return "NOT VALID";
    if (detail::bool_field(constraint, "is_no_inherit")) return "NO INHERIT";
    if (detail::bool_field(constraint, "nulls_not_distinct")) return "NULLS NOT DISTINCT";
    if (!string_field(constraint, "indexname").empty()) return "USING INDEX";
    if (!string_field(constraint, "indexspace").empty()) return "USING INDEX TABLESPACE";
    if (field(constraint, "including").is_array()) return "INCLUDE";
    if (field(constraint, "options").is_array()) return "WITH (...)";
    if (detail::bool_field(constraint, "deferrable") && contype != "CONSTR_FOREIGN") return "DEFERRABLE";
    return {};
}

void read_constraint(const Json& constraint, const Source& source, AlterCommand& command) {
    command.action = AlterAction::add_constraint;
    command.constraint = constraint_kind(string_field(constraint, "contype"));
    command.keys = detail::string_values(field(constraint, "keys"));
    command.postgres_only = postgres_only_constraint_part(constraint);
    const Json& location = field(constraint, "location");
    command.definition = source.from_offset(location.is_number_integer() ? location.get<std::size_t>() : 0);
}

AlterCommand read_command(const Json& command_body, const Source& source) {
    AlterCommand command;
    command.subtype = string_field(command_body, "subtype");
    command.name = string_field(command_body, "name");
    command.missing_ok = detail::bool_field(command_body, "missing_ok");
    const Json& definition = field(command_body, "def");
    const std::string& subtype = command.subtype;
    if (subtype == "AT_AddColumn") {
        command.action = AlterAction::add_column;
        command.name = string_field(node_body(definition), "colname");
    } else if (subtype == "AT_DropColumn") {
        command.action = AlterAction::drop_column;
    } else if (subtype == "AT_AlterColumnType") {
        command.action = AlterAction::alter_column_type;
        const Json& column = node_body(definition);
        command.type = detail::type_name_text(field(column, "typeName"));
        if (field(column, "collClause").is_object()) command.postgres_only = "COLLATE";
        read_using(field(column, "raw_default"), source, command);
    } else if (subtype == "AT_SetNotNull") {
        command.action = AlterAction::set_not_null;
    } else if (subtype == "AT_DropNotNull") {
        command.action = AlterAction::drop_not_null;
    } else if (subtype == "AT_ColumnDefault") {
        command.action = definition.is_object() ? AlterAction::set_default : AlterAction::drop_default;
        if (definition.is_object()) command.definition = source.after_keyword("default");
    } else if (subtype == "AT_AddConstraint") {
        read_constraint(node_body(definition), source, command);
    } else if (subtype == "AT_DropConstraint") {
        command.action = AlterAction::drop_constraint;
    }
    return command;
}

}  // namespace

std::optional<std::vector<Token>> scan_tokens(std::string_view text) {
    // The C API reads up to the first NUL byte, like the parser.
    const std::string input(text.substr(0, text.find('\0')));
    PgQueryScanResult result = pg_query_scan(input.c_str());
    std::optional<std::vector<Token>> tokens;
    if (result.error == nullptr) tokens = read_scan(result.pbuf, input.size());
    pg_query_free_scan_result(result);
    return tokens;
}

std::string_view without_leading_comments(std::string_view statement) {
    const auto tokens = scan_tokens(statement);
    if (!tokens || tokens->empty()) return statement;
    return statement.substr(tokens->front().begin);
}

std::optional<AlterTable> alter_table(std::string_view statement) {
    const std::string text(statement);
    const detail::ParsedText parsed = detail::parse_tree(text);
    if (!parsed.ok || parsed.statements.size() != 1) return std::nullopt;
    const Json& stmt = field(parsed.statements[0], "stmt");
    if (node_type(stmt) != "AlterTableStmt") return std::nullopt;
    const Json& body = node_body(stmt);
    if (string_field(body, "objtype") != "OBJECT_TABLE") return std::nullopt;
    const Json& relation = field(body, "relation");
    AlterTable alter{string_field(relation, "schemaname"), string_field(relation, "relname"),
                     detail::bool_field(body, "missing_ok"), {}};

    const Json& commands = field(body, "cmds");
    if (!commands.is_array()) return alter;
    const auto tokens = scan_tokens(text);
    const auto regions = tokens ? command_regions(text, *tokens) : std::vector<Region>{};
    for (std::size_t i = 0; i < commands.size(); ++i) {
        Source source{text, tokens ? &*tokens : nullptr, std::nullopt};
        // Only when every command has its own region can a region be trusted to be that command's text.
        if (regions.size() == commands.size()) source.region = regions[i];
        alter.commands.push_back(read_command(node_body(commands[i]), source));
    }
    return alter;
}

}  // namespace schemaflip::sql
