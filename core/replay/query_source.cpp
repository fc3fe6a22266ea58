// load_queries(): logs through the analyze readers, profiles by their examples, .sql files by the splitter;
// every statement classified from its parse tree (each distinct shape parsed once).
#include "core/replay/query_source.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/logs/line_source.hpp"
#include "core/sql/query_text.hpp"
#include "core/util/error.hpp"
#include "core/util/document_fields.hpp"
#include "core/util/interrupt.hpp"

namespace schemaflip::replay {
namespace {

using Json = nlohmann::json;

// What replay needs of a text beyond StatementInfo; the same for every text of one literal-stripped shape.
struct ShapeFacts {
    bool parsed = false;
    std::size_t statements = 0;
    bool plain_query = false;
    bool has_parameters = false;
    bool outside_effects = false;
};

// Built-in functions that act beyond the transaction, so that neither READ ONLY nor the rollback of every
// replayed read can undo them: session advisory locks (held until the session ends), signals to other
// sessions and server control, server files, and other databases through dblink. A read calling one is
// never sent. (A user-defined function can do anything a read-only transaction allows: run replay as a
// role that may only read.)
bool acts_outside_the_transaction(const std::string& function) {
    static const std::string_view k_functions[] = {
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
        "pg_advisory_unlock", "pg_advisory_unlock_shared", "pg_advisory_unlock_all", "pg_terminate_backend",
        "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal", "pg_create_restore_point",
        "pg_promote", "pg_log_backend_memory_contexts", "pg_notify", "lo_export", "pg_file_write", "pg_file_rename",
        "pg_file_unlink", "pg_file_sync", "pg_logdir_ls", "pg_replication_origin_advance", "pg_drop_replication_slot",
        "pg_create_logical_replication_slot", "pg_create_physical_replication_slot", "pg_replication_slot_advance",
        "pg_stat_reset", "pg_stat_reset_shared", "pg_stat_reset_single_table_counters", "pg_stat_reset_slru",
        "pg_stat_reset_replication_slot"};
    if (function.starts_with("dblink")) return true;
    for (const auto name : k_functions) {
        if (function == name) return true;
    }
    return false;
}

struct Verdict {
    enum class What { read, write, skip } what = What::skip;
    const char* reason = nullptr;  // for skip
    std::shared_ptr<const sql::StatementInfo> info;
};

class Classifier {
public:
    // The statements of a text: itself, or its parts when it holds several.
    std::vector<std::string> pieces(std::string text) {
        if (facts_of(text).statements <= 1) return {std::move(text)};
        return sql::split_statements(text);
    }

    // One statement's fate.
    Verdict judge(const std::string& text) {
        const ShapeFacts& facts = facts_of(text);
        if (!facts.parsed) return {Verdict::What::skip, skip::k_unparsed, {}};
        if (facts.has_parameters) return {Verdict::What::skip, skip::k_unbound, {}};
        auto info = m_cache.analyze(text);
        switch (info->kind) {
            case sql::StatementKind::read:
                if (!facts.plain_query) return {Verdict::What::skip, skip::k_not_plain, {}};
                if (facts.outside_effects) return {Verdict::What::skip, skip::k_outside_effects, {}};
                return {Verdict::What::read, nullptr, std::move(info)};
            case sql::StatementKind::write:
            case sql::StatementKind::ddl: return {Verdict::What::write, nullptr, std::move(info)};
            case sql::StatementKind::transaction: return {Verdict::What::skip, skip::k_transaction, {}};
            case sql::StatementKind::utility: break;
        }
        return {Verdict::What::skip, skip::k_utility, {}};
    }

    // The text with its bind values in place; nullopt when a parameter has no value.
    std::optional<std::string> bind(const std::string& text, const std::vector<std::optional<std::string>>& values) {
        auto [it, inserted] = m_parameters.try_emplace(text);
        if (inserted) it->second = sql::inspect_query_text(text).parameters;
        return sql::substitute_parameters(text, it->second, values);
    }

private:
    const ShapeFacts& facts_of(const std::string& text) {
        sql::literal_stripped_key(text, m_key);
        auto [it, inserted] = m_facts.try_emplace(m_key);
        if (inserted) {
            const auto inspected = sql::inspect_query_text(text);
            const bool outside = std::any_of(inspected.functions.begin(), inspected.functions.end(), acts_outside_the_transaction);
            it->second = {inspected.parsed, inspected.statements, inspected.plain_query, !inspected.parameters.empty(), outside};
        }
        return it->second;
    }

    sql::StatementCache m_cache;
    std::unordered_map<std::string, ShapeFacts> m_facts;
    // Parameter locations depend on the exact text; extended-protocol texts repeat, so this stays small.
    std::unordered_map<std::string, std::vector<sql::ParameterRef>> m_parameters;
    std::string m_key;
};

// A statement's place: its interned prefix and the number after it.
struct Origin {
    std::uint32_t prefix = 0;
    std::uint64_t number = 0;
};

// The index of `prefix` in stream.origin_prefixes, added when new; the last one is checked first, since
// consecutive statements come from the same file (a search is rare: one per file of a log).
std::uint32_t intern_origin(QueryStream& stream, const std::string& prefix) {
    auto& prefixes = stream.origin_prefixes;
    if (!prefixes.empty() && prefixes.back() == prefix) return static_cast<std::uint32_t>(prefixes.size() - 1);
    const auto found = std::find(prefixes.begin(), prefixes.end(), prefix);
    if (found != prefixes.end()) return static_cast<std::uint32_t>(found - prefixes.begin());
    prefixes.push_back(prefix);
    return static_cast<std::uint32_t>(prefixes.size() - 1);
}

void record(Verdict verdict, std::string text, Origin origin, SourceSummary& summary, QueryStream& stream) {
    // Reading a large log takes a while: SIGINT/SIGTERM (replay holds a util::InterruptGuard) stop it here.
    if (summary.statements % 4096 == 0) util::throw_if_interrupted("while reading the queries");
    ++summary.statements;
    if (verdict.what == Verdict::What::skip) {
        ++summary.skipped[verdict.reason];
        return;
    }
    const bool write = verdict.what == Verdict::What::write;
    ++(write ? summary.writes : summary.reads);
    stream.append({std::move(text), origin.prefix, write, origin.number, std::move(verdict.info)});
}

bool is_sql_file(const std::string& path) { return path.ends_with(".sql") || path.ends_with(".sql.gz"); }

// A JSON document (not JSON lines): parsed when the file starts with '{' and holds exactly one value.
std::optional<Json> json_document(const std::string& path) {
    if (path == "-") return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;  // the log reader reports it
    char first = 0;
    while (in.get(first) && (first == ' ' || first == '\n' || first == '\r' || first == '\t')) {
    }
    if (!in || first != '{') return std::nullopt;
    in.seekg(0);
    try {
        return Json::parse(in);
    } catch (const Json::parse_error&) {
        return std::nullopt;  // JSON lines (a log), or not JSON at all
    }
}

void load_sql_file(const std::string& path, Classifier& classifier, QueryStream& stream) {
    SourceSummary summary{path, "sql", 0, 0, 0, {}};
    std::size_t number = 0;
    const std::uint32_t prefix = intern_origin(stream, path + "#");
    auto lines = logs::open_line_source(path);
    sql::ScriptSplitter splitter([&lines](std::string& script) { return logs::append_script_piece(*lines, script); });
    std::string statement;
    std::uint64_t line = 0;
    while (splitter.next(statement, line)) {
        const Origin origin{prefix, ++number};
        for (auto& piece : classifier.pieces(std::move(statement))) {
            auto verdict = classifier.judge(piece);
            record(std::move(verdict), std::move(piece), origin, summary, stream);
        }
    }
    if (!lines->damage().empty()) throw InputError("cannot read " + path + " to the end", lines->damage());
    stream.sources.push_back(std::move(summary));
}

void load_log(const std::string& path, const SourceOptions& options, Classifier& classifier, QueryStream& stream) {
    logs::LogScanner scanner(logs::open_line_source(path), options.scan);
    SourceSummary summary{path, scanner.format(), 0, 0, 0, {}};
    logs::LogEvent event;
    while (scanner.next(event)) {
        // A failed statement's text comes again with its ERROR; under log_statement=all it was already
        // logged when it ran, so error records are not replayed (no statement runs twice).
        if (event.kind == logs::EventKind::error) {
            ++summary.statements;
            ++summary.skipped[skip::k_error_record];
            continue;
        }
        if (event.sql.empty()) continue;
        std::string text = event.sql;
        if (!event.parameters.empty()) {
            auto bound = classifier.bind(text, event.parameters);
            if (!bound) {
                ++summary.statements;
                ++summary.skipped[skip::k_unbound];
                continue;
            }
            text = std::move(*bound);
        }
        const Origin origin{intern_origin(stream, event.source + ":"), event.line};
        for (auto& piece : classifier.pieces(std::move(text))) {
            auto verdict = classifier.judge(piece);
            record(std::move(verdict), std::move(piece), origin, summary, stream);
        }
    }
    stream.sources.push_back(std::move(summary));
}

struct ProfileEntry {
    std::string example;
    std::string fingerprint;
    std::uint64_t count = 0;
};

std::vector<ProfileEntry> profile_entries(const Json& document, const std::string& path) {
    const auto fingerprints = document.find("fingerprints");
    if (fingerprints == document.end() || !fingerprints->is_array()) {
        throw InputError("workload profile " + path + " has no \"fingerprints\" array");
    }
    std::vector<ProfileEntry> entries;
    for (const auto& item : *fingerprints) {
        if (!item.is_object() || !item.contains("example") || !item["example"].is_string() || !item.contains("count") ||
            !item["count"].is_number_unsigned()) {
            throw InputError("workload profile " + path + " has a fingerprint without \"example\" or \"count\"");
        }
        entries.push_back({item["example"].get<std::string>(), util::string_or(item, "fingerprint"),
                           item["count"].get<std::uint64_t>()});
    }
    return entries;
}

// Each example in proportion to its count, scaled down to at most `limit` in all (each at least once),
// interleaved so every part of the stream has the profile's mix: the k-th of n copies is due at (k+½)/n.
void load_profile(const Json& document, const std::string& path, const SourceOptions& options, Classifier& classifier,
                  QueryStream& stream) {
    SourceSummary summary{path, "profile", 0, 0, 0, {}};
    const auto entries = profile_entries(document, path);
    std::uint64_t total = 0;
    for (const auto& entry : entries) total += entry.count;
    const double scale = total > options.profile_statements ? static_cast<double>(options.profile_statements) / static_cast<double>(total) : 1.0;

    struct Slot {
        double due;
        std::size_t entry;
    };
    std::vector<Slot> slots;
    std::vector<std::vector<std::pair<Verdict, std::string>>> judged(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        for (auto& piece : classifier.pieces(entries[i].example)) {
            Verdict verdict = classifier.judge(piece);
            if (verdict.what == Verdict::What::write) verdict = {Verdict::What::skip, skip::k_profile_write, {}};
            if (verdict.what == Verdict::What::skip && verdict.reason == skip::k_unbound) verdict.reason = skip::k_profile_placeholders;
            judged[i].emplace_back(std::move(verdict), std::move(piece));
        }
        const auto copies = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(static_cast<double>(entries[i].count) * scale)));
        for (std::uint64_t k = 0; k < copies; ++k) slots.push_back({(static_cast<double>(k) + 0.5) / static_cast<double>(copies), i});
    }
    std::stable_sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.due < b.due; });
    std::vector<std::uint32_t> prefixes;
    for (const auto& entry : entries) {
        // One prefix per fingerprint: no search for an equal one (a profile has thousands).
        prefixes.push_back(static_cast<std::uint32_t>(stream.origin_prefixes.size()));
        stream.origin_prefixes.push_back(path + "@" + entry.fingerprint);
    }
    for (const auto& slot : slots) {
        const Origin origin{prefixes[slot.entry], 0};
        for (const auto& [verdict, text] : judged[slot.entry]) record(verdict, text, origin, summary, stream);
    }
    stream.sources.push_back(std::move(summary));
}

}  // namespace

std::string origin_of(const QueryStream& stream, const Statement& statement) {
    std::string origin = stream.origin_prefixes.at(statement.origin_prefix);
    if (statement.origin_number != 0) origin += std::to_string(statement.origin_number);
    return origin;
}

QueryStream load_queries(const std::vector<std::string>& paths, const SourceOptions& options) {
    QueryStream stream;
    Classifier classifier;
    for (const auto& path : paths) {
        if (is_sql_file(path)) {
            load_sql_file(path, classifier, stream);
        } else if (auto document = json_document(path)) {
            const std::string kind = util::document_kind(*document);
            if (kind == "workload_profile") {
                load_profile(*document, path, options, classifier, stream);
            } else if (!kind.empty()) {
                throw InputError(path + " is a " + kind + " document, not a query source",
                                 "--queries takes logs, .sql files and workload profiles from 'schemaflip analyze'");
            } else {
                load_log(path, options, classifier, stream);
            }
        } else {
            load_log(path, options, classifier, stream);
        }
    }
    return stream;
}

}  // namespace schemaflip::replay
