// analyze_statement, which runs the analysis passes over one parse, and the StatementCache around it.
#include "core/sql/statement_info.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

#include "core/sql/parse_tree.hpp"

namespace schemaflip::sql {
namespace {

int consequence(StatementKind kind) {
    switch (kind) {
        case StatementKind::ddl: return 4;
        case StatementKind::write: return 3;
        case StatementKind::read: return 2;
        case StatementKind::transaction: return 1;
        case StatementKind::utility: return 0;
    }
    return 0;
}

template <typename T>
void sort_unique(std::vector<T>& items) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
}

std::string hex16(std::uint64_t value) {
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

// Unparseable texts still need a stable group: FNV-1a of the literal-stripped key, so texts differing
// only in literals share it, as pg_query fingerprints do.
void fallback_fingerprint(std::string_view sql, StatementInfo& info) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : literal_stripped_key(sql)) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    info.fingerprint = hash;
    info.fingerprint_hex = hex16(hash);
}

// Statements that can carry a password among their literals; decided by node type alone, so a role
// statement without one is masked too (masking costs nothing a profile needs).
bool carries_credentials(const detail::Json& stmt) {
    static constexpr std::string_view k_types[] = {
        "CreateRoleStmt",          "AlterRoleStmt",           "CreateUserMappingStmt", "AlterUserMappingStmt",
        "CreateForeignServerStmt", "AlterForeignServerStmt",  "CreateSubscriptionStmt", "AlterSubscriptionStmt"};
    const std::string_view type = detail::node_type(stmt);
    return std::find(std::begin(k_types), std::end(k_types), type) != std::end(k_types);
}

void analyze_parsed(const std::string& text, const detail::Json& statements, const schema::SchemaSnapshot* schema,
                    StatementInfo& info) {
    info.parsed = true;
    const detail::Fingerprint print = detail::fingerprint(text);
    info.fingerprint = print.value;
    info.fingerprint_hex = print.hex;
    info.normalized = detail::normalize(text);
    bool first = true;
    for (const auto& raw : statements) {
        const detail::Json& stmt = detail::field(raw, "stmt");
        const StatementKind kind = detail::statement_kind(stmt);
        if (first || consequence(kind) > consequence(info.kind)) info.kind = kind;
        if (carries_credentials(stmt)) info.carries_credentials = true;
        first = false;
        if (kind == StatementKind::ddl) {
            detail::collect_ddl_changes(stmt, info.ddl_changes);
        } else {
            detail::collect_tables_and_columns(stmt, schema, info);
        }
    }
    sort_unique(info.tables_read);
    sort_unique(info.tables_written);
    sort_unique(info.columns);
    sort_unique(info.written_columns);
    sort_unique(info.filter_columns);
    sort_unique(info.join_columns);
}

}  // namespace

bool depends_on_literals(const StatementInfo& info) {
    // ORDER BY 1 and ORDER BY 2 share a literal-stripped key but sort by different output columns.
    const bool ordinal_order = std::any_of(info.order_by_keys.begin(), info.order_by_keys.end(),
                                           [](const OrderByKey& key) { return key.ordinal; });
    return info.kind == StatementKind::ddl || !info.ddl_changes.empty() || ordinal_order;
}

const char* to_string(StatementKind kind) {
    switch (kind) {
        case StatementKind::read: return "read";
        case StatementKind::write: return "write";
        case StatementKind::ddl: return "ddl";
        case StatementKind::transaction: return "transaction";
        case StatementKind::utility: return "utility";
    }
    return "utility";
}

StatementInfo analyze_statement(std::string_view sql, const schema::SchemaSnapshot* schema) {
    StatementInfo info;
    try {
        if (sql.find('\0') != std::string_view::npos) {
            info.error = "the text contains a NUL byte";
            fallback_fingerprint(sql, info);
            return info;
        }
        const std::string text(sql);
        detail::ParsedText parsed = detail::parse_tree(text);
        if (!parsed.ok) {
            info.error = parsed.error;
            fallback_fingerprint(sql, info);
            return info;
        }
        analyze_parsed(text, parsed.statements, schema, info);
    } catch (const std::exception& e) {
        // Only resource exhaustion can land here; the caller still gets an answer, not an exception.
        info = StatementInfo{};
        info.error = std::string("analysis failed: ") + e.what();
        fallback_fingerprint(sql, info);
    }
    return info;
}

// Keys carry a one-letter prefix: 's' + literal-stripped key, or 'x' + exact text for literal-dependent results.
std::shared_ptr<const StatementInfo> StatementCache::analyze(std::string_view sql) {
    const std::string shape_key = "s" + literal_stripped_key(sql);
    std::string exact_key;
    {
        std::lock_guard lock(m_mutex);
        const auto shape = m_entries.find(shape_key);
        if (shape != m_entries.end()) {
            if (!depends_on_literals(*shape->second)) return shape->second;
            exact_key = "x" + std::string(sql);
            const auto exact = m_entries.find(exact_key);
            if (exact != m_entries.end()) return exact->second;
        }
    }
    // Parse outside the lock: other threads keep hitting the cache meanwhile. Two threads may analyse
    // the same new shape at once; the first stored result wins so every caller sees one answer.
    auto info = std::make_shared<const StatementInfo>(analyze_statement(sql, m_schema));
    std::lock_guard lock(m_mutex);
    const auto [shape, inserted] = m_entries.emplace(shape_key, info);
    if (inserted) return info;
    if (!depends_on_literals(*shape->second) && !depends_on_literals(*info)) return shape->second;
    if (exact_key.empty()) exact_key = "x" + std::string(sql);
    return m_entries.emplace(exact_key, info).first->second;
}

std::size_t StatementCache::size() const {
    std::lock_guard lock(m_mutex);
    return m_entries.size();
}

}  // namespace schemaflip::sql
