// ProfileBuilder: per-event work is one cache lookup and one fingerprint update; tables are derived at
// the end from the fingerprints, so the cost per statement does not grow with the tables it touches.
#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/profile/profile.hpp"

namespace schemaflip::profile {
namespace {

constexpr std::size_t k_max_statement_text = 4000;

// Parser messages carry the offending token (`syntax error at or near "FROM"`); the reason groups by
// the message without it so one kind of failure counts once.
std::string unparseable_reason(const std::string& error) {
    const auto quote = error.find('"');
    std::string reason = error.substr(0, quote);
    while (!reason.empty() && reason.back() == ' ') reason.pop_back();
    return reason.empty() ? "unparseable" : reason;
}

std::string cut(const std::string& text) {
    if (text.size() <= k_max_statement_text) return text;
    // Do not cut inside a UTF-8 sequence.
    std::size_t end = k_max_statement_text;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end) + "…";
}

void widen(std::optional<std::int64_t>& first, std::optional<std::int64_t>& last, const std::optional<std::int64_t>& time) {
    if (!time) return;
    if (!first || *time < *first) first = time;
    if (!last || *time > *last) last = time;
}

void derive_tables(WorkloadProfile& profile) {
    for (const auto& [fingerprint, stats] : profile.fingerprints) {
        const auto& info = *stats.info;
        std::set<std::string> touched(info.tables_read.begin(), info.tables_read.end());
        touched.insert(info.tables_written.begin(), info.tables_written.end());
        for (const auto& name : touched) {
            auto& table = profile.tables[name];
            table.statements += stats.count;
            table.time_us += stats.total_us;
            if (std::binary_search(info.tables_read.begin(), info.tables_read.end(), name)) table.reads += stats.count;
            if (std::binary_search(info.tables_written.begin(), info.tables_written.end(), name)) table.writes += stats.count;
        }
        for (const auto& column : info.columns) {
            if (!column.table.empty()) profile.tables[column.table].columns.insert(column.column);
        }
        for (const auto& column : info.filter_columns) {
            if (!column.table.empty()) profile.tables[column.table].filter_columns.insert(column.column);
        }
        for (const auto& column : info.join_columns) {
            if (!column.table.empty()) profile.tables[column.table].join_columns.insert(column.column);
        }
    }
}

}  // namespace

ProfileBuilder::ProfileBuilder(sql::StatementCache& cache, ProfileOptions options) : m_cache(cache), m_options(options) {}

void ProfileBuilder::note_time(const std::optional<std::int64_t>& time_ms) {
    widen(m_profile.first_ms, m_profile.last_ms, time_ms);
}

void ProfileBuilder::add(const logs::LogEvent& event) {
    note_time(event.time_ms);
    if (event.kind == logs::EventKind::statement) {
        add_statement(event);
    } else {
        add_error(event);
    }
}

const ProfileBuilder::KnownShape& ProfileBuilder::shape_of(const logs::LogEvent& event) {
    sql::literal_stripped_key(event.sql, m_key);
    if (const auto known = m_known_shapes.find(m_key); known != m_known_shapes.end()) return known->second;
    KnownShape shape{m_cache.analyze(event.sql), nullptr};
    if (shape.info->parsed) {
        shape.stats = &m_profile.fingerprints[shape.info->fingerprint];
        if (shape.stats->count == 0) {
            shape.stats->info = shape.info;
            // A password in a role or connection statement stays out, even with --keep-literals.
            const bool literals = m_options.keep_literals && !shape.info->carries_credentials;
            shape.stats->example = cut(literals ? event.sql : shape.info->normalized);
        }
    }
    if (sql::depends_on_literals(*shape.info)) {
        m_uncached = std::move(shape);
        return m_uncached;
    }
    return m_known_shapes.emplace(m_key, std::move(shape)).first->second;
}

void ProfileBuilder::add_statement(const logs::LogEvent& event) {
    // Logs do hold statements with no text (`statement: ` at the end of a line).
    if (event.sql.find_first_not_of(" \t\r\n;") == std::string::npos) {
        ++m_profile.unparseable["empty statement"];
        return;
    }
    const KnownShape& shape = shape_of(event);
    if (shape.stats == nullptr) {
        ++m_profile.unparseable[unparseable_reason(shape.info->error)];
        return;
    }
    auto& stats = *shape.stats;
    ++stats.count;
    widen(stats.first_seen_ms, stats.last_seen_ms, event.time_ms);
    if (event.duration_ms) {
        const auto microseconds = static_cast<std::int64_t>(std::llround(*event.duration_ms * 1000.0));
        ++stats.timed;
        stats.total_us += microseconds;
        stats.max_us = std::max(stats.max_us, microseconds);
        stats.durations.add(*event.duration_ms);
    }
    for (const auto& change : shape.info->ddl_changes) {
        m_profile.ddl_events.push_back({event.time_ms, event.source, event.line, change,
                                        cut(shape.info->carries_credentials ? shape.info->normalized : event.sql)});
    }
}

void ProfileBuilder::add_error(const logs::LogEvent& event) {
    std::shared_ptr<const sql::StatementInfo> statement;
    if (!event.sql.empty()) statement = m_cache.analyze(event.sql);
    auto missing = missing_object_from_error(event.message, statement && statement->parsed ? statement.get() : nullptr);
    if (!missing) return;
    const std::string key = missing->kind + "/" + missing->table + "/" + missing->column;
    auto [it, inserted] = m_profile.missing_objects.try_emplace(key, std::move(*missing));
    auto& object = it->second;
    ++object.count;
    widen(object.first_seen_ms, object.last_seen_ms, event.time_ms);
    if (inserted) object.example_message = event.message;
}

void ProfileBuilder::add_source(SourceInfo source, const logs::Unrecognised& unrecognised) {
    m_profile.counts += source.counts;
    m_profile.unrecognised.merge(unrecognised);
    m_profile.sources.push_back(std::move(source));
}

void ProfileBuilder::merge(ProfileBuilder&& other) {
    auto& from = other.m_profile;
    for (auto& source : from.sources) add_source(std::move(source), {});
    m_profile.unrecognised.merge(from.unrecognised);
    for (const auto& [reason, count] : from.unparseable) m_profile.unparseable[reason] += count;
    widen(m_profile.first_ms, m_profile.last_ms, from.first_ms);
    widen(m_profile.first_ms, m_profile.last_ms, from.last_ms);
    for (auto& [fingerprint, theirs] : from.fingerprints) {
        auto [it, inserted] = m_profile.fingerprints.try_emplace(fingerprint, std::move(theirs));
        if (inserted) continue;
        auto& ours = it->second;
        ours.count += theirs.count;
        ours.timed += theirs.timed;
        ours.total_us += theirs.total_us;
        ours.max_us = std::max(ours.max_us, theirs.max_us);
        ours.durations.merge(theirs.durations);
        widen(ours.first_seen_ms, ours.last_seen_ms, theirs.first_seen_ms);
        widen(ours.first_seen_ms, ours.last_seen_ms, theirs.last_seen_ms);
    }
    for (auto& event : from.ddl_events) m_profile.ddl_events.push_back(std::move(event));
    for (auto& [key, theirs] : from.missing_objects) {
        auto [it, inserted] = m_profile.missing_objects.try_emplace(key, theirs);
        if (inserted) continue;
        it->second.count += theirs.count;
        widen(it->second.first_seen_ms, it->second.last_seen_ms, theirs.first_seen_ms);
        widen(it->second.first_seen_ms, it->second.last_seen_ms, theirs.last_seen_ms);
    }
}

void ProfileBuilder::shift_lines(std::uint64_t lines) {
    for (auto& event : m_profile.ddl_events) event.line += lines;
}

WorkloadProfile ProfileBuilder::finish() && {
    derive_tables(m_profile);
    std::stable_sort(m_profile.ddl_events.begin(), m_profile.ddl_events.end(), [](const DdlEvent& a, const DdlEvent& b) {
        return std::tie(a.time_ms, a.source, a.line) < std::tie(b.time_ms, b.source, b.line);
    });
    return std::move(m_profile);
}

}  // namespace schemaflip::profile
