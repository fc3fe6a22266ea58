// Missing objects from server error messages: the application referencing a column or table the
// schema does not have yet is the strongest sign of an imminent schema change.
#include <string_view>

#include "core/profile/profile.hpp"

namespace schemaflip::profile {
namespace {

// The text between the first pair of double quotes after `from`, or the bare word there.
std::string quoted_name_at(std::string_view message, std::size_t from) {
    if (from < message.size() && message[from] == '"') {
        const auto end = message.find('"', from + 1);
        if (end != std::string_view::npos) return std::string(message.substr(from + 1, end - from - 1));
        return {};
    }
    const auto end = message.find(' ', from);
    return std::string(message.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from));
}

std::string without_public_schema(std::string name) {
    if (name.starts_with("public.")) name.erase(0, 7);
    return name;
}

// The table the failed statement reads or writes that the column belongs to: the parser attributed the
// column when it could; otherwise a statement over exactly one table decides.
std::string table_for_column(const sql::StatementInfo* statement, const std::string& column, const std::string& qualifier) {
    if (statement == nullptr) return qualifier;
    for (const auto& ref : statement->columns) {
        if (ref.column == column && !ref.table.empty()) return ref.table;
    }
    std::set<std::string> tables(statement->tables_read.begin(), statement->tables_read.end());
    tables.insert(statement->tables_written.begin(), statement->tables_written.end());
    if (!qualifier.empty() && tables.count(qualifier) != 0) return qualifier;
    if (tables.size() == 1) return *tables.begin();
    return qualifier;
}

}  // namespace

std::optional<MissingObject> missing_object_from_error(const std::string& message, const sql::StatementInfo* statement) {
    constexpr std::string_view k_column = "column ";
    constexpr std::string_view k_relation = "relation ";
    constexpr std::string_view k_does_not_exist = " does not exist";
    const std::string_view text(message);
    if (text.find(k_does_not_exist) == std::string_view::npos) return std::nullopt;

    if (text.starts_with(k_column)) {
        // column "x" does not exist | column t.x does not exist | column "x" of relation "t" does not exist
        std::string name = quoted_name_at(text, k_column.size());
        std::string qualifier;
        if (text[k_column.size()] != '"') {
            if (const auto dot = name.rfind('.'); dot != std::string::npos) {
                qualifier = name.substr(0, dot);
                name = name.substr(dot + 1);
            }
        }
        const auto of_relation = text.find(" of relation ");
        if (of_relation != std::string_view::npos) qualifier = quoted_name_at(text, of_relation + 13);
        if (name.empty()) return std::nullopt;
        MissingObject object;
        object.kind = "column";
        object.column = name;
        object.table = without_public_schema(table_for_column(statement, name, without_public_schema(qualifier)));
        return object;
    }
    if (text.starts_with(k_relation)) {
        const std::string name = quoted_name_at(text, k_relation.size());
        if (name.empty()) return std::nullopt;
        MissingObject object;
        object.kind = "table";
        object.table = without_public_schema(name);
        return object;
    }
    return std::nullopt;
}

}  // namespace schemaflip::profile
