// PostgreSQL lock semantics per change type, ordered by strength so a statement reports its strongest lock.
#include "core/shadow/lock_levels.hpp"

#include <array>
#include <string_view>

namespace schemaflip::shadow {
namespace {

constexpr const char* k_access_exclusive = "ACCESS EXCLUSIVE";
constexpr const char* k_share_row_exclusive = "SHARE ROW EXCLUSIVE";
constexpr const char* k_share = "SHARE";
constexpr const char* k_share_update_exclusive = "SHARE UPDATE EXCLUSIVE";

// Weakest first: the index is the strength.
constexpr std::array<std::string_view, 8> k_mode_order = {
    "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
constexpr std::array<std::string_view, 3> k_effect_order = {"none", "scan", "rewrite"};

template <std::size_t N>
std::size_t rank(const std::array<std::string_view, N>& order, std::string_view value) {
    for (std::size_t i = 0; i < N; ++i) {
        if (order[i] == value) return i;
    }
    return N;
}

bool mentions(const std::string& detail, std::string_view word) { return detail.find(word) != std::string::npos; }

}  // namespace

LockLevel postgres_lock_level(const sql::DdlChange& change) {
    const std::string& op = change.op;
    if (op == "add_index") {
        return {mentions(change.detail, "concurrently") ? k_share_update_exclusive : k_share, "scan"};
    }
    if (op == "drop_index") return {mentions(change.detail, "concurrently") ? k_share_update_exclusive : k_access_exclusive, "none"};
    if (op == "add_foreign_key") return {k_share_row_exclusive, "scan"};
    // A type change rewrites the table unless it is binary-coercible (varchar widening); the shadow's
    // measured time tells which, the lock is ACCESS EXCLUSIVE either way.
    if (op == "alter_column_type") return {k_access_exclusive, "rewrite"};
    if (op == "alter_column_null") return {k_access_exclusive, mentions(change.detail, "set not null") ? "scan" : "none"};
    if (op == "add_constraint") return {k_access_exclusive, "scan"};
    if (op == "add_column") {
        // Since PostgreSQL 11 a constant default is stored in the catalog; only a volatile one rewrites,
        // which the change model does not distinguish, so NOT NULL (validated on every row) is the scan.
        return {k_access_exclusive, mentions(change.detail, "not null") ? "scan" : "none"};
    }
    if (op == "other" && change.detail.starts_with("validate constraint")) return {k_share_update_exclusive, "scan"};
    return {k_access_exclusive, "none"};
}

LockLevel postgres_lock_level(const std::vector<sql::DdlChange>& changes) {
    if (changes.empty()) return {k_access_exclusive, "none"};
    LockLevel strongest{"ACCESS SHARE", "none"};
    for (const auto& change : changes) {
        const LockLevel level = postgres_lock_level(change);
        if (rank(k_mode_order, level.mode) > rank(k_mode_order, strongest.mode)) strongest.mode = level.mode;
        if (rank(k_effect_order, level.effect) > rank(k_effect_order, strongest.effect)) strongest.effect = level.effect;
    }
    return strongest;
}

}  // namespace schemaflip::shadow
