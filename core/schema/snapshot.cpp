// Snapshot (de)serialisation and its text rendering.
#include "core/schema/snapshot.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"
#include "core/util/document_fields.hpp"

namespace schemaflip::schema {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

ordered optional_json(const std::optional<std::string>& value) {
    return value ? ordered(*value) : ordered(nullptr);
}

std::optional<std::string> optional_string(const json& object, const char* key) {
    if (!object.contains(key) || object.at(key).is_null()) return std::nullopt;
    return object.at(key).get<std::string>();
}

}  // namespace

ordered to_json(const TableInfo& table) {
    ordered columns = ordered::array();
    for (const auto& column : table.columns) {
        columns.push_back({{"name", column.name},
                           {"position", column.position},
                           {"type", column.type},
                           {"nullable", column.nullable},
                           {"default", optional_json(column.default_value)}});
    }
    ordered indexes = ordered::array();
    for (const auto& index : table.indexes) {
        indexes.push_back({{"name", index.name},
                           {"columns", index.columns},
                           {"unique", index.unique},
                           {"primary", index.primary},
                           {"method", index.method},
                           {"definition", optional_json(index.definition)}});
    }
    ordered constraints = ordered::array();
    for (const auto& constraint : table.constraints) {
        ordered item = {{"name", constraint.name},
                     {"type", constraint.type},
                     {"columns", constraint.columns},
                     {"definition", optional_json(constraint.definition)}};
        if (constraint.references_table) {
            item["references"] = {{"schema", optional_json(constraint.references_schema)},
                                  {"table", *constraint.references_table},
                                  {"columns", constraint.references_columns}};
        }
        constraints.emplace_back(std::move(item));
    }
    return {{"schema", table.schema},
            {"name", table.name},
            {"columns", std::move(columns)},
            {"primary_key", table.primary_key},
            {"indexes", std::move(indexes)},
            {"constraints", std::move(constraints)},
            {"row_count", table.row_count},
            {"row_count_exact", table.row_count_exact},
            {"bytes", table.bytes ? ordered(*table.bytes) : ordered(nullptr)}};
}

namespace {

TableInfo table_from_json_unchecked(const json& item) {
    TableInfo table;
    table.schema = item.at("schema").get<std::string>();
    table.name = item.at("name").get<std::string>();
    for (const auto& c : item.at("columns")) {
        table.columns.push_back({c.at("name").get<std::string>(), c.at("position").get<int>(),
                                 c.at("type").get<std::string>(), c.at("nullable").get<bool>(),
                                 optional_string(c, "default")});
    }
    table.primary_key = item.value("primary_key", std::vector<std::string>{});
    for (const auto& i : item.value("indexes", json::array())) {
        table.indexes.push_back({i.at("name").get<std::string>(), i.at("columns").get<std::vector<std::string>>(),
                                 i.value("unique", false), i.value("primary", false), i.value("method", ""),
                                 optional_string(i, "definition")});
    }
    for (const auto& c : item.value("constraints", json::array())) {
        ConstraintInfo constraint{c.at("name").get<std::string>(), c.at("type").get<std::string>(),
                                  c.value("columns", std::vector<std::string>{}), optional_string(c, "definition"),
                                  std::nullopt, std::nullopt, {}};
        if (c.contains("references")) {
            const auto& r = c.at("references");
            constraint.references_schema = optional_string(r, "schema");
            constraint.references_table = r.at("table").get<std::string>();
            constraint.references_columns = r.value("columns", std::vector<std::string>{});
        }
        table.constraints.push_back(std::move(constraint));
    }
    table.row_count = item.value("row_count", std::int64_t{0});
    table.row_count_exact = item.value("row_count_exact", false);
    if (item.contains("bytes") && !item.at("bytes").is_null()) table.bytes = item.at("bytes").get<std::int64_t>();
    return table;
}

}  // namespace

TableInfo table_from_json(const json& item) {
    try {
        return table_from_json_unchecked(item);
    } catch (const json::exception& e) {
        throw InputError("malformed table in a schema snapshot", e.what());
    }
}

ordered shape_json(const TableInfo& table, const std::string& engine) {
    ordered shape = to_json(table);
    shape.erase("row_count");
    shape.erase("row_count_exact");
    shape.erase("bytes");
    if (engine != "sqlite") return shape;
    // SQLite rewrites a stored CREATE INDEX (quoting names) when its table or a column is renamed, even
    // when renamed back: the index's columns, uniqueness and method still say what it is.
    for (auto& index : shape.at("indexes")) index.erase("definition");
    // SQLite reads a declared type case-insensitively (its affinity rules), and a table rebuild writes
    // the type as the parser spells it: NVARCHAR(80) and nvarchar(80) are the same column type.
    for (auto& column : shape.at("columns")) column["type"] = util::ascii_lower(column.at("type").get<std::string>());
    return shape;
}

namespace {

std::string join(const std::vector<std::string>& parts, const char* separator = ", ") {
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += separator;
        out += part;
    }
    return out;
}

void render_table(std::ostringstream& out, const TableInfo& table, bool show_schema) {
    out << '\n' << (show_schema ? table.schema + "." : "") << table.name << "  " << table.row_count
        << (table.row_count_exact ? " rows" : " rows (estimate)");
    if (table.bytes) out << ", " << *table.bytes << " bytes";
    out << '\n';
    std::size_t name_width = 0;
    std::size_t type_width = 0;
    for (const auto& column : table.columns) {
        name_width = std::max(name_width, column.name.size());
        type_width = std::max(type_width, column.type.size());
    }
    for (const auto& column : table.columns) {
        const bool in_key = std::find(table.primary_key.begin(), table.primary_key.end(), column.name) != table.primary_key.end();
        std::string line = "  " + column.name + std::string(name_width - column.name.size() + 2, ' ') + column.type +
                           std::string(type_width - column.type.size() + 2, ' ') +
                           (column.nullable ? "null    " : "not null") + (in_key ? "  primary key" : "");
        if (column.default_value) line += "  default " + *column.default_value;
        while (line.back() == ' ') line.pop_back();
        out << line << '\n';
    }
    for (const auto& index : table.indexes) {
        out << "  index " << index.name << " (" << join(index.columns) << ")" << (index.unique ? " unique" : "")
            << (index.method.empty() ? "" : " " + index.method) << '\n';
    }
    for (const auto& constraint : table.constraints) {
        out << "  " << constraint.type << (constraint.name.empty() ? "" : " " + constraint.name) << " ("
            << join(constraint.columns) << ")";
        if (constraint.references_table) {
            out << " -> " << *constraint.references_table << "(" << join(constraint.references_columns) << ")";
        } else if (constraint.type == "check" && constraint.definition) {
            out << ' ' << *constraint.definition;
        }
        out << '\n';
    }
}

}  // namespace

const ColumnInfo* TableInfo::find_column(const std::string& column) const {
    for (const auto& c : columns) {
        if (c.name == column) return &c;
    }
    return nullptr;
}

const TableInfo* SchemaSnapshot::find_table(const std::string& table, const std::string& schema) const {
    for (const auto& t : tables) {
        if (t.name == table && (schema.empty() || t.schema == schema)) return &t;
    }
    return nullptr;
}

nlohmann::ordered_json to_json(const SchemaSnapshot& snapshot) {
    ordered tables = ordered::array();
    for (const auto& table : snapshot.tables) tables.push_back(to_json(table));
    return {{"kind", "schema_snapshot"},
            {"schema_version", k_snapshot_schema_version},
            {"engine", snapshot.engine},
            {"database", snapshot.database},
            {"tables", std::move(tables)}};
}

SchemaSnapshot snapshot_from_json(const nlohmann::json& document) {
    if (util::document_kind(document) != "schema_snapshot") {
        throw InputError("not a schema snapshot document", "expected \"kind\": \"schema_snapshot\"");
    }
    if (util::document_version(document) != k_snapshot_schema_version) {
        throw InputError("unsupported schema snapshot version",
                         "this schemaflip reads schema_version " + std::to_string(k_snapshot_schema_version));
    }
    try {
        SchemaSnapshot snapshot;
        snapshot.engine = document.at("engine").get<std::string>();
        snapshot.database = document.value("database", "");
        for (const auto& item : document.at("tables")) snapshot.tables.push_back(table_from_json_unchecked(item));
        return snapshot;
    } catch (const nlohmann::json::exception& e) {
        throw InputError("malformed schema snapshot document", e.what());
    }
}

std::string render_text(const SchemaSnapshot& snapshot) {
    std::ostringstream out;
    out << snapshot.engine << " database " << snapshot.database << ": " << snapshot.tables.size()
        << (snapshot.tables.size() == 1 ? " table\n" : " tables\n");
    const bool several_schemas = std::any_of(snapshot.tables.begin(), snapshot.tables.end(), [&](const TableInfo& t) {
        return t.schema != snapshot.tables.front().schema;
    });
    for (const auto& table : snapshot.tables) render_table(out, table, several_schemas);
    return out.str();
}

}  // namespace schemaflip::schema
