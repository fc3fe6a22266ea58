// Data patterns in sampled rows: text columns that hold only integers, booleans, UUIDs or timestamps;
// nullable columns without a NULL; columns whose values are all distinct but that no unique index covers.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <unordered_set>

#include "core/predict/candidates.hpp"
#include "core/predict/candidates_columns.hpp"
#include "core/predict/candidates_values.hpp"

namespace schemaflip::predict {
namespace {

constexpr const char* k_source = "data_pattern";

struct ColumnValues {
    std::size_t rows = 0;
    std::size_t nulls = 0;
    std::vector<std::string> texts;  // the non-null values as text (empty for NULL-flag columns)
};

bool flag_is_set(const db::Value& value) {
    return value.kind == db::ValueKind::boolean || value.kind == db::ValueKind::integer ? value.integer != 0
                                                                                        : !value.is_null();
}

ColumnValues column_values(const TableSample& sample, std::size_t index) {
    ColumnValues values;
    values.rows = sample.rows.size();
    for (const auto& row : sample.rows) {
        const auto& value = row.at(index);
        if (sample.null_flags.at(index)) {
            if (flag_is_set(value)) ++values.nulls;
        } else if (value.is_null()) {
            ++values.nulls;
        } else {
            values.texts.push_back(db::value_text(value));
        }
    }
    return values;
}

// A value cut at the sampling bound is longer than any integer, boolean, UUID or timestamp.
bool is_cut(const std::string& text) { return text.size() >= k_sample_text_bytes; }

std::string sample_words(const TableSample& sample) {
    return std::to_string(sample.rows.size()) + " sampled rows of " + (sample.whole_table ? "" : "about ") +
           std::to_string(sample.table_rows) + " (" + sample.method + ")";
}

// (n+1)/(N+1): Laplace's rule of succession for "the rows not sampled conform too"; 1 when all were read.
double validity_of(const TableSample& sample) {
    if (sample.whole_table || sample.table_rows <= 0) return 1;
    const auto n = static_cast<double>(sample.rows.size());
    const auto total = static_cast<double>(std::max<std::int64_t>(sample.table_rows, static_cast<std::int64_t>(sample.rows.size())));
    return (n + 1) / (total + 1);
}

void add_validity(Candidate& candidate, const TableSample& sample) {
    candidate.validity = validity_of(sample);
    if (sample.whole_table) return;
    char text[160];
    std::snprintf(text, sizeof text, "holds for the unsampled rows with probability (n+1)/(N+1) = (%zu+1)/(%lld+1) = %.4f",
                  sample.rows.size(), static_cast<long long>(sample.table_rows), candidate.validity);
    candidate.evidence.push_back({k_source, text});
}

// The type every non-null value fits, or empty: integers first (a column of 1s and 0s is a number before
// it is a flag), then booleans, UUIDs and timestamps (PostgreSQL only: SQLite would keep them as text).
std::string common_type(const std::vector<std::string>& texts, db::Engine engine, std::string& detail) {
    if (texts.empty() || std::any_of(texts.begin(), texts.end(), is_cut)) return {};
    const bool sqlite = engine == db::Engine::sqlite;
    std::int64_t low = std::numeric_limits<std::int64_t>::max(), high = std::numeric_limits<std::int64_t>::min();
    const bool integers = std::all_of(texts.begin(), texts.end(), [&](const std::string& text) {
        const auto value = parse_integer(text, /*strict=*/sqlite);
        if (value) {
            low = std::min(low, *value);
            high = std::max(high, *value);
        }
        return value.has_value();
    });
    if (integers) {
        detail = "integers from " + std::to_string(low) + " to " + std::to_string(high);
        if (sqlite) return "INTEGER";
        const bool fits_int4 = low >= std::numeric_limits<std::int32_t>::min() && high <= std::numeric_limits<std::int32_t>::max();
        return fits_int4 ? "integer" : "bigint";
    }
    if (sqlite) return {};
    bool word = false;
    if (std::all_of(texts.begin(), texts.end(), [&](const std::string& text) {
            const auto value = parse_boolean(text);
            word = word || (value && value->is_word);
            return value.has_value();
        }) && word) {
        detail = "booleans";
        return "boolean";
    }
    if (std::all_of(texts.begin(), texts.end(), [](const std::string& text) { return is_uuid(text); })) {
        detail = "UUIDs";
        return "uuid";
    }
    std::size_t with_time = 0, with_zone = 0;
    if (!std::all_of(texts.begin(), texts.end(), [&](const std::string& text) {
            const auto value = parse_timestamp(text);
            if (value) {
                with_time += value->has_time ? 1 : 0;
                with_zone += value->has_zone ? 1 : 0;
            }
            return value.has_value();
        })) {
        return {};
    }
    // Values without an offset would be read in the session's time zone: a mix is ambiguous.
    if (with_zone == texts.size()) {
        detail = "timestamps with a UTC offset";
        return "timestamptz";
    }
    if (with_zone > 0) return {};
    detail = with_time > 0 ? "timestamps" : "dates";
    return with_time > 0 ? "timestamp" : "date";
}

bool has_unique_index_on(const schema::TableInfo& table, const std::string& column) {
    if (table.primary_key.size() == 1 && table.primary_key.front() == column) return true;
    for (const auto& index : table.indexes) {
        if ((index.unique || index.primary) && index.columns.size() == 1 && index.columns.front() == column) return true;
    }
    for (const auto& constraint : table.constraints) {
        if ((constraint.type == "unique" || constraint.type == "primary_key") && constraint.columns.size() == 1 &&
            constraint.columns.front() == column) {
            return true;
        }
    }
    return false;
}

bool all_distinct(const std::vector<std::string>& texts) {
    std::unordered_set<std::string_view> seen;
    seen.reserve(texts.size());
    for (const auto& text : texts) {
        if (!seen.insert(text).second) return false;
    }
    return true;
}

bool in_primary_key(const schema::TableInfo& table, const std::string& column) {
    return std::find(table.primary_key.begin(), table.primary_key.end(), column) != table.primary_key.end();
}

class TablePatterns {
public:
    TablePatterns(const TableSample& sample, const schema::TableInfo& table, const schema::SchemaSnapshot& snapshot)
        : m_sample(sample), m_table(table), m_snapshot(snapshot), m_engine(ddl_engine(&snapshot)),
          m_table_sql(ddl_table_name(table, m_engine)) {}

    void add_to(std::vector<Candidate>& out) {
        for (std::size_t i = 0; i < m_sample.columns.size(); ++i) {
            const auto* column = find_column(m_snapshot, m_table, m_sample.columns[i]);
            if (column == nullptr) continue;
            const auto values = column_values(m_sample, i);
            if (values.rows == 0) continue;
            not_null(*column, values, out);
            type_change(*column, values, out);
            unique(*column, values, out);
        }
    }

private:
    Candidate base(const schema::ColumnInfo& column, const char* type) const {
        Candidate candidate;
        candidate.table = m_table.name;
        candidate.column = column.name;
        candidate.type = type;
        return candidate;
    }

    void not_null(const schema::ColumnInfo& column, const ColumnValues& values, std::vector<Candidate>& out) const {
        if (!column.nullable || values.nulls > 0 || in_primary_key(m_table, column.name)) return;
        auto candidate = base(column, "alter_column_null");
        candidate.ddl = {"ALTER TABLE " + m_table_sql + " ALTER COLUMN " + ddl_identifier(column.name, m_engine) +
                         " SET NOT NULL"};
        candidate.evidence.push_back({k_source, column.name + " is nullable and has no NULL in " + sample_words(m_sample)});
        add_validity(candidate, m_sample);
        candidate.description = m_table.name + "." + column.name + ": nullable but never NULL: SET NOT NULL";
        out.push_back(std::move(candidate));
    }

    void type_change(const schema::ColumnInfo& column, const ColumnValues& values, std::vector<Candidate>& out) const {
        if (classify_column(m_snapshot, column) != ColumnClass::text) return;
        std::string detail;
        const auto type = common_type(values.texts, m_engine, detail);
        if (type.empty()) return;
        auto candidate = base(column, "alter_column_type");
        const auto name = ddl_identifier(column.name, m_engine);
        // PostgreSQL has no implicit cast from text to these types; SQLite's rebuild converts by affinity.
        const auto using_clause = m_engine == db::Engine::postgres ? " USING " + name + "::" + type : std::string{};
        candidate.ddl = {"ALTER TABLE " + m_table_sql + " ALTER COLUMN " + name + " TYPE " + type + using_clause};
        candidate.evidence.push_back({k_source, "all " + std::to_string(values.texts.size()) + " non-null values of " +
                                                    column.name + " (" + column.type + ") in " + sample_words(m_sample) +
                                                    " are " + detail});
        add_validity(candidate, m_sample);
        candidate.description = m_table.name + "." + column.name + ": " + column.type + " holding only " + detail +
                                ": change the type to " + type;
        out.push_back(std::move(candidate));
    }

    void unique(const schema::ColumnInfo& column, const ColumnValues& values, std::vector<Candidate>& out) const {
        const auto kind = classify_column(m_snapshot, column);
        if (kind != ColumnClass::text && kind != ColumnClass::integer && kind != ColumnClass::uuid) return;
        if (values.texts.size() < 2 || has_unique_index_on(m_table, column.name) || !all_distinct(values.texts)) return;
        auto candidate = base(column, "add_index");
        const auto index = ddl_identifier(m_table.name + "_" + column.name + "_key", m_engine);
        const char* concurrently = m_engine == db::Engine::postgres ? "CONCURRENTLY " : "";
        candidate.ddl = {std::string("CREATE UNIQUE INDEX ") + concurrently + index + " ON " + m_table_sql + " (" +
                         ddl_identifier(column.name, m_engine) + ")"};
        candidate.evidence.push_back({k_source, "all " + std::to_string(values.texts.size()) + " non-null values of " +
                                                    column.name + " in " + sample_words(m_sample) +
                                                    " are distinct, and no unique index covers it alone"});
        add_validity(candidate, m_sample);
        candidate.description = m_table.name + "." + column.name + ": every value distinct: a unique index";
        out.push_back(std::move(candidate));
    }

    const TableSample& m_sample;
    const schema::TableInfo& m_table;
    const schema::SchemaSnapshot& m_snapshot;
    db::Engine m_engine;
    std::string m_table_sql;
};

const schema::TableInfo* sampled_table(const schema::SchemaSnapshot& snapshot, const TableSample& sample) {
    for (const auto& table : snapshot.tables) {
        if (table.name == sample.table && table.schema == sample.schema) return &table;
    }
    return nullptr;
}

}  // namespace

std::vector<Candidate> data_pattern_candidates(const std::vector<TableSample>& samples,
                                               const schema::SchemaSnapshot& snapshot) {
    std::vector<Candidate> candidates;
    for (const auto& sample : samples) {
        const auto* table = sampled_table(snapshot, sample);
        if (table == nullptr) continue;
        TablePatterns(sample, *table, snapshot).add_to(candidates);
    }
    return candidates;
}

}  // namespace schemaflip::predict
