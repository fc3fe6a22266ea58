// The analyze front end: picks a reader (given or detected), classifies each record's message, keeps
// the counts of shared/data/pglogs/README.md, and turns records into statement and error events.
#include "core/logs/log_scanner.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_map>

#include "core/logs/log_line_prefix.hpp"
#include "core/logs/prefixed_record_reader.hpp"
#include "core/util/error.hpp"

namespace schemaflip::logs {
namespace {

using ReaderFactory = std::unique_ptr<RecordReader> (*)(LineSource&, const ReaderOptions&);

struct FormatEntry {
    std::string_view name;
    ReaderFactory make;
};

constexpr std::array<FormatEntry, 9> k_formats{{
    {"stderr", make_stderr_reader},
    {"csvlog", make_csvlog_reader},
    {"jsonlog", make_jsonlog_reader},
    {"syslog", make_syslog_reader},
    {"sql", make_sql_reader},
    {"jsonl", make_jsonl_reader},
    {"logplex", make_logplex_reader},
    {"cloudsql", make_cloudsql_reader},
    {"cnpg", make_cnpg_reader},
}};

// Lines the line-based sniffers look at.
constexpr std::size_t k_sniff_lines = 20;

const FormatEntry* find_format(std::string_view name) {
    for (const auto& entry : k_formats) {
        if (entry.name == name) return &entry;
    }
    return nullptr;
}

std::string format_list() {
    std::string list = "auto";
    for (const auto& name : format_names()) list += ", " + name;
    return list;
}

bool has_sql_extension(std::string_view name) { return name.ends_with(".sql") || name.ends_with(".sql.gz"); }

// Picks the format that claims the most of the first lines; ties go to the earlier, more specific one.
std::string detect_format(LookaheadLineSource& lines, const ScanOptions& options) {
    if (has_sql_extension(lines.name())) return "sql";
    std::vector<std::string_view> sample;
    for (const auto line : lines.peek(k_detection_lines)) {
        if (line.empty() || line.front() == '\t') continue;
        sample.push_back(line);
        if (sample.size() >= k_sniff_lines) break;
    }
    // An empty input has no records in any format; stderr reads it as such.
    if (sample.empty()) return "stderr";

    struct Sniffer {
        std::string_view format;
        bool (*sniff)(std::string_view);
    };
    const std::array<Sniffer, 7> sniffers{{
        {"cloudsql", sniff_cloudsql},
        {"cnpg", sniff_cnpg},
        {"jsonlog", sniff_jsonlog},
        {"jsonl", sniff_jsonl},
        {"logplex", sniff_logplex},
        {"syslog", sniff_syslog},
        {"csvlog", sniff_csvlog},
    }};
    std::string_view best;
    std::size_t best_count = 0;
    for (const auto& sniffer : sniffers) {
        const auto count = static_cast<std::size_t>(std::count_if(sample.begin(), sample.end(), sniffer.sniff));
        if (count > best_count) {
            best = sniffer.format;
            best_count = count;
        }
    }
    const std::optional<std::string> prefix = options.prefix.empty() ? detect_prefix(sample) : options.prefix;
    if (prefix) {
        const LogLinePrefix matcher(*prefix);
        PrefixedLine parsed;
        const auto count = static_cast<std::size_t>(
            std::count_if(sample.begin(), sample.end(), [&](std::string_view line) { return matcher.match(line, parsed); }));
        if (count > best_count) {
            best = "stderr";
            best_count = count;
        }
    }
    if (best_count == 0) {
        throw InputError("cannot recognise the log format of " + lines.name(),
                         "expected PostgreSQL stderr lines that start with a log_line_prefix such as '%m [%p] ' "
                         "(timestamp, ' [', process ID, '] ') and a severity such as 'LOG:  ', or csvlog, jsonlog, "
                         "syslog, logplex, Cloud SQL or CloudNativePG output, SQL or JSON lines; the first line is: " +
                             printable_excerpt(sample.front()),
                         "pass --log-format (" + format_list() + ") and, for stderr logs, --prefix");
    }
    return std::string(best);
}

enum class MessageKind : std::uint8_t {
    other,
    statement,                // statement: SQL
    execute,                  // execute NAME: SQL
    duration_statement,       // duration: N ms  statement: SQL
    duration_execute,         // duration: N ms  execute NAME: SQL
    duration_parse_or_bind,   // duration: N ms  parse|bind NAME: SQL
    duration_only,            // duration: N ms
    duration_other,           // duration: N ms  plan: ... (auto_explain) and the like
};

struct ClassifiedMessage {
    MessageKind kind = MessageKind::other;
    double duration_ms = 0;
    std::string_view sql;
};

// "KEYWORD NAME: SQL" where NAME may hold ':' or '/' (py:0x7f.., stmt/stmt) but not ": ".
bool take_named(std::string_view text, std::string_view keyword, std::string_view& sql) {
    if (!text.starts_with(keyword)) return false;
    const std::size_t colon = text.find(": ", keyword.size());
    if (colon == std::string_view::npos) {
        if (!text.ends_with(':')) return false;
        sql = {};
        return true;
    }
    sql = text.substr(colon + 2);
    return true;
}

bool take_statement(std::string_view text, std::string_view& sql) {
    if (text.starts_with("statement: ")) {
        sql = text.substr(11);
        return true;
    }
    if (text == "statement:") {
        sql = {};
        return true;
    }
    return false;
}

ClassifiedMessage classify_message(std::string_view message) {
    ClassifiedMessage result;
    if (message.starts_with("duration: ")) {
        message.remove_prefix(10);
        const auto [end, error] = std::from_chars(message.data(), message.data() + message.size(), result.duration_ms);
        if (error != std::errc{}) return {};
        std::string_view rest = message.substr(static_cast<std::size_t>(end - message.data()));
        if (!rest.starts_with(" ms")) return {};
        rest.remove_prefix(3);
        const std::size_t text_start = rest.find_first_not_of(' ');
        if (text_start == std::string_view::npos) {
            result.kind = MessageKind::duration_only;
            return result;
        }
        rest.remove_prefix(text_start);
        if (take_statement(rest, result.sql)) {
            result.kind = MessageKind::duration_statement;
        } else if (take_named(rest, "execute ", result.sql)) {
            result.kind = MessageKind::duration_execute;
        } else if (take_named(rest, "parse ", result.sql) || take_named(rest, "bind ", result.sql)) {
            result.kind = MessageKind::duration_parse_or_bind;
        } else {
            result.kind = MessageKind::duration_other;
        }
        return result;
    }
    if (take_statement(message, result.sql)) {
        result.kind = MessageKind::statement;
    } else if (take_named(message, "execute ", result.sql)) {
        result.kind = MessageKind::execute;
    }
    return result;
}

bool is_error_severity(std::string_view severity) {
    return severity == "ERROR" || severity == "FATAL" || severity == "PANIC";
}

// "parameters: $1 = 'a''b', $2 = NULL" into values[0..]; reuses the strings already in `values`.
void parse_parameters(std::string_view text, std::vector<std::optional<std::string>>& values) {
    std::size_t used = 0;
    std::size_t position = text.find_first_not_of(' ');
    while (position != std::string_view::npos && position < text.size() && text[position] == '$') {
        std::size_t index = 0;
        const char* digits = text.data() + position + 1;
        const auto [after_digits, error] = std::from_chars(digits, text.data() + text.size(), index);
        if (error != std::errc{} || index == 0) break;
        position = static_cast<std::size_t>(after_digits - text.data());
        if (text.substr(position, 3) != " = ") break;
        position += 3;
        if (index > values.size()) values.resize(index);
        used = std::max(used, index);
        auto& value = values[index - 1];
        if (text.substr(position, 4) == "NULL") {
            value.reset();
            position += 4;
        } else if (position < text.size() && text[position] == '\'') {
            if (!value) value.emplace();
            value->clear();
            ++position;
            while (position < text.size()) {
                const std::size_t quote = text.find('\'', position);
                if (quote == std::string_view::npos) {
                    value->append(text.substr(position));
                    position = text.size();
                    break;
                }
                value->append(text.substr(position, quote - position));
                if (quote + 1 < text.size() && text[quote + 1] == '\'') {
                    value->push_back('\'');
                    position = quote + 2;
                } else {
                    position = quote + 1;
                    break;
                }
            }
        } else {
            break;
        }
        if (text.substr(position, 2) != ", ") break;
        position += 2;
    }
    values.resize(used);
}

}  // namespace

const std::vector<std::string>& format_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> list;
        for (const auto& entry : k_formats) list.emplace_back(entry.name);
        return list;
    }();
    return names;
}

struct LogScanner::State {
    std::unique_ptr<LookaheadLineSource> lines;
    std::unique_ptr<RecordReader> reader;
    std::string format;
    LogRecord record;
    ScanCounts counts;
    std::uint64_t* last_severity_count = nullptr;
    std::string last_severity;

    // Events ready to hand out, in order; slots keep their buffers for reuse.
    std::vector<LogEvent> ready;
    std::size_t ready_head = 0;
    std::size_t ready_size = 0;
    // Statements logged without a duration, per session, waiting for a bare `duration:` record.
    std::unordered_map<std::string, LogEvent> waiting;
    bool finished = false;
    // The caller's event, filled in place when it is the first event ready: no copy on the hot path.
    LogEvent* direct = nullptr;
    bool direct_filled = false;

    LogEvent& new_ready_event() {
        if (direct != nullptr && !direct_filled) {
            direct_filled = true;
            return *direct;
        }
        if (ready_size == ready.size()) ready.emplace_back();
        return ready[ready_size++];
    }

    void release_waiting(const std::string& session) {
        if (waiting.empty()) return;
        const auto found = waiting.find(session);
        if (found == waiting.end()) return;
        std::swap(new_ready_event(), found->second);
        waiting.erase(found);
    }

    void release_all_waiting() {
        std::vector<LogEvent*> events;
        for (auto& [session, event] : waiting) events.push_back(&event);
        std::sort(events.begin(), events.end(), [](const LogEvent* a, const LogEvent* b) { return a->line < b->line; });
        for (LogEvent* event : events) std::swap(new_ready_event(), *event);
        waiting.clear();
    }

    void count_severity() {
        if (record.severity.empty()) return;
        if (last_severity_count == nullptr || record.severity != last_severity) {
            last_severity = record.severity;
            last_severity_count = &counts.severities[record.severity];
        }
        ++*last_severity_count;
    }

    void process_record();
    void add_plain_statement();
    void add_statement(const ClassifiedMessage& message, bool wait_for_duration);
    void add_error();
};

namespace {

void fill_common(LogEvent& event, const LogRecord& record, EventKind kind) {
    event.kind = kind;
    event.source = record.source;
    event.line = record.line;
    event.time_ms = record.time_ms;
    event.session = record.session;
    event.user = record.user;
    event.database = record.database;
    event.application = record.application;
    event.sql.clear();
    event.duration_ms.reset();
    event.parameters.clear();
    event.severity.clear();
    event.sqlstate.clear();
    event.message.clear();
}

constexpr std::string_view k_parameters_detail = "parameters:";

}  // namespace

void LogScanner::State::process_record() {
    ++counts.records;
    count_severity();
    if (record.detail.starts_with(k_parameters_detail)) ++counts.bind_parameters;
    if (record.plain_statement) {
        add_plain_statement();
        return;
    }
    if (is_error_severity(record.severity)) {
        ++counts.errors;
        release_waiting(record.session);
        add_error();
        return;
    }
    const ClassifiedMessage message = classify_message(record.message);
    switch (message.kind) {
    case MessageKind::statement:
    case MessageKind::execute:
        ++counts.executed_statements;
        release_waiting(record.session);
        add_statement(message, true);
        return;
    case MessageKind::duration_statement:
    case MessageKind::duration_execute:
        ++counts.executed_statements;
        ++counts.durations;
        counts.duration_ms_sum += message.duration_ms;
        release_waiting(record.session);
        add_statement(message, false);
        return;
    case MessageKind::duration_parse_or_bind:
        ++counts.durations;
        counts.duration_ms_sum += message.duration_ms;
        release_waiting(record.session);
        return;
    case MessageKind::duration_only: {
        ++counts.durations;
        counts.duration_ms_sum += message.duration_ms;
        const auto found = waiting.find(record.session);
        if (found == waiting.end()) return;
        found->second.duration_ms = message.duration_ms;
        std::swap(new_ready_event(), found->second);
        waiting.erase(found);
        return;
    }
    case MessageKind::duration_other:
    case MessageKind::other:
        release_waiting(record.session);
        return;
    }
}

void LogScanner::State::add_plain_statement() {
    ++counts.executed_statements;
    if (record.plain_duration_ms) {
        ++counts.durations;
        counts.duration_ms_sum += *record.plain_duration_ms;
    }
    LogEvent& event = new_ready_event();
    fill_common(event, record, EventKind::statement);
    event.sql = record.message;
    event.duration_ms = record.plain_duration_ms;
}

void LogScanner::State::add_statement(const ClassifiedMessage& message, bool wait_for_duration) {
    LogEvent& event = wait_for_duration ? waiting[record.session] : new_ready_event();
    fill_common(event, record, EventKind::statement);
    event.sql = message.sql;
    if (!wait_for_duration) event.duration_ms = message.duration_ms;
    if (record.detail.starts_with(k_parameters_detail)) {
        parse_parameters(std::string_view(record.detail).substr(k_parameters_detail.size()), event.parameters);
    }
}

// stderr-style logs append the error position to the message (" at character 15"); csvlog and jsonlog
// keep it in a column of its own. Without it the same error reads the same in every format.
std::string_view without_error_position(std::string_view message) {
    const std::size_t at = message.rfind(" at character ");
    if (at == std::string_view::npos || at + 14 == message.size()) return message;
    const std::string_view number = message.substr(at + 14);
    const bool all_digits = std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
    return all_digits ? message.substr(0, at) : message;
}

void LogScanner::State::add_error() {
    LogEvent& event = new_ready_event();
    fill_common(event, record, EventKind::error);
    event.severity = record.severity;
    event.sqlstate = record.sqlstate;
    event.message = without_error_position(record.message);
    event.sql = record.statement;
}

LogScanner::LogScanner(std::unique_ptr<LineSource> lines, const ScanOptions& options) : m_state(std::make_unique<State>()) {
    State& state = *m_state;
    state.lines = std::make_unique<LookaheadLineSource>(std::move(lines));
    if (options.format != "auto" && find_format(options.format) == nullptr) {
        throw UsageError("unknown log format '" + options.format + "'", "known formats: " + format_list());
    }
    state.format = options.format == "auto" ? detect_format(*state.lines, options) : options.format;
    state.reader = find_format(state.format)->make(*state.lines, ReaderOptions{options.prefix});
}

LogScanner::~LogScanner() = default;

bool LogScanner::next(LogEvent& event) {
    State& state = *m_state;
    if (state.ready_head < state.ready_size) {
        std::swap(event, state.ready[state.ready_head++]);
        return true;
    }
    state.ready_head = state.ready_size = 0;
    state.direct = &event;
    state.direct_filled = false;
    while (!state.direct_filled && !state.finished) {
        if (state.reader->next(state.record)) {
            state.process_record();
        } else {
            state.finished = true;
            state.release_all_waiting();
        }
        state.counts.stray_lines = state.reader->stray_lines();
    }
    state.direct = nullptr;
    return state.direct_filled;
}

const ScanCounts& LogScanner::counts() const { return m_state->counts; }

const Unrecognised& LogScanner::unrecognised() const { return m_state->reader->unrecognised(); }

const std::string& LogScanner::format() const { return m_state->format; }

std::string LogScanner::reader_description() const { return m_state->reader->description(); }

std::string LogScanner::prefix() const {
    const auto* prefixed = dynamic_cast<const PrefixedRecordReader*>(m_state->reader.get());
    return prefixed != nullptr ? prefixed->prefix() : std::string();
}

const std::string& LogScanner::damage() const { return m_state->lines->damage(); }

}  // namespace schemaflip::logs
