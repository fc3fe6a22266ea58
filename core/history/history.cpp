// The event model's helpers (vocabulary, timestamps) and the dispatcher that picks a reader per file.
#include "core/history/history.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <system_error>

#include "core/profile/profile.hpp"
#include "core/util/error.hpp"

namespace schemaflip::history {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 17> k_ops = {
    "create_table",     "drop_table",         "rename_table",         "add_column",     "drop_column",
    "rename_column",    "alter_column_type",  "alter_column_null",    "alter_column_default",
    "add_index",        "drop_index",         "add_constraint",       "drop_constraint",
    "add_foreign_key",  "drop_foreign_key",   "data_migration",       "other"};

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {
    int value = 0;
    for (char c : digits) value = value * 10 + (c - '0');
    return value;
}

bool valid_time_of_day(int hour, int minute, int second) { return hour <= 23 && minute <= 59 && second <= 60; }

// Digits in a file name are a date only when the year is plausible; otherwise they are a version number.
bool plausible_year(int year) { return year >= 1990 && year <= 2100; }

std::optional<std::int64_t> to_epoch(int year, int month, int day, int hour, int minute, int second) {
    if (month < 1 || month > 12 || day < 1 || day > 31 || !valid_time_of_day(hour, minute, second)) return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok()) return std::nullopt;
    const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
    return static_cast<std::int64_t>(days) * 86400 + hour * 3600 + minute * 60 + second;
}

bool is_rails_file(const fs::path& file) {
    return file.extension() == ".rb" && file.parent_path().filename() == "migrate" &&
           file.parent_path().parent_path().filename() == "db";
}

bool is_django_file(const fs::path& file) {
    return file.extension() == ".py" && file.parent_path().filename() == "migrations" &&
           file.filename() != "__init__.py";
}

// sqitch keeps revert/ and verify/ scripts beside deploy/; golang-migrate keeps .down.sql files.
bool is_sql_up_file(const fs::path& file) {
    const auto name = file.filename().string();
    if (file.extension() != ".sql") return false;
    if (name.size() > 9 && name.ends_with(".down.sql")) return false;
    if (name == "down.sql") return false;
    for (const auto& part : file) {
        if (part == "revert" || part == "verify") return false;
    }
    return true;
}

}  // namespace

void ReadProblems::add(std::uint64_t& counter, std::string example) {
    ++counter;
    if (examples.size() < k_max_problem_examples) examples.push_back(std::move(example));
}

void ReadProblems::merge(const ReadProblems& other) {
    bad_rows += other.bad_rows;
    unknown_ops += other.unknown_ops;
    unreadable_files += other.unreadable_files;
    unparsed_statements += other.unparsed_statements;
    for (const auto& example : other.examples) {
        if (examples.size() < k_max_problem_examples) examples.push_back(example);
    }
}

bool is_known_op(std::string_view op) { return std::find(k_ops.begin(), k_ops.end(), op) != k_ops.end(); }

std::optional<std::int64_t> parse_utc_timestamp(std::string_view text) {
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto year = text.substr(0, 4), month = text.substr(5, 2), day = text.substr(8, 2);
    if (!all_digits(year) || !all_digits(month) || !all_digits(day)) return std::nullopt;
    int hour = 0, minute = 0, second = 0;
    auto rest = text.substr(10);
    if (!rest.empty() && (rest[0] == 'T' || rest[0] == ' ')) {
        if (rest.size() < 6 || rest[3] != ':') return std::nullopt;
        if (!all_digits(rest.substr(1, 2)) || !all_digits(rest.substr(4, 2))) return std::nullopt;
        hour = to_int(rest.substr(1, 2));
        minute = to_int(rest.substr(4, 2));
        rest = rest.substr(6);
        if (rest.size() >= 3 && rest[0] == ':' && all_digits(rest.substr(1, 2))) {
            second = to_int(rest.substr(1, 2));
            rest = rest.substr(3);
        }
        while (!rest.empty() && (rest[0] == '.' || (rest[0] >= '0' && rest[0] <= '9'))) rest.remove_prefix(1);
    }
    if (!rest.empty() && rest != "Z" && rest != "+00:00") return std::nullopt;
    return to_epoch(to_int(year), to_int(month), to_int(day), hour, minute, second);
}

std::string format_iso_date(std::int64_t ts) {
    const std::chrono::sys_days days{std::chrono::days{ts >= 0 ? ts / 86400 : (ts - 86399) / 86400}};
    const std::chrono::year_month_day date{days};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

std::string format_iso_timestamp(std::int64_t ts) {
    const auto seconds_of_day = ((ts % 86400) + 86400) % 86400;
    char text[16];
    std::snprintf(text, sizeof text, "T%02d:%02d:%02dZ", static_cast<int>(seconds_of_day / 3600),
                  static_cast<int>(seconds_of_day / 60 % 60), static_cast<int>(seconds_of_day % 60));
    return format_iso_date(ts) + text;
}

// Dates that migration tools put in file names: 20230101120000_x (Rails, golang-migrate, dbmate),
// V20230101__x (Flyway), 2019-02-26-123456_x (diesel). Plain version numbers (V1__x, 0001_x) carry none.
std::optional<std::int64_t> timestamp_from_name(std::string_view name) {
    if (!name.empty() && (name[0] == 'V' || name[0] == 'v')) name.remove_prefix(1);
    if (name.size() >= 17 && name[4] == '-' && name[7] == '-' && name[10] == '-' && all_digits(name.substr(11, 6))) {
        const auto date = parse_utc_timestamp(name.substr(0, 10));
        if (!date) return std::nullopt;
        const auto hms = name.substr(11, 6);
        return *date + to_int(hms.substr(0, 2)) * 3600 + to_int(hms.substr(2, 2)) * 60 + to_int(hms.substr(4, 2));
    }
    if (name.size() >= 4 && all_digits(name.substr(0, 4)) && !plausible_year(to_int(name.substr(0, 4)))) return std::nullopt;
    std::size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    const auto number = name.substr(0, digits);
    if (digits == 14) {
        return to_epoch(to_int(number.substr(0, 4)), to_int(number.substr(4, 2)), to_int(number.substr(6, 2)),
                        to_int(number.substr(8, 2)), to_int(number.substr(10, 2)), to_int(number.substr(12, 2)));
    }
    if (digits == 12 || digits == 8) {
        const int hour = digits == 12 ? to_int(number.substr(8, 2)) : 0;
        const int minute = digits == 12 ? to_int(number.substr(10, 2)) : 0;
        return to_epoch(to_int(number.substr(0, 4)), to_int(number.substr(4, 2)), to_int(number.substr(6, 2)), hour,
                        minute, 0);
    }
    return std::nullopt;
}

std::int64_t file_mtime(const fs::path& file) {
    std::error_code error;
    const auto written = fs::last_write_time(file, error);
    if (error) return 0;
    const auto system = std::chrono::file_clock::to_sys(written);
    return std::chrono::duration_cast<std::chrono::seconds>(system.time_since_epoch()).count();
}

void read_profile_ddl(const profile::WorkloadProfile& profile, const std::string& project, History& history) {
    for (const auto& ddl : profile.ddl_events) {
        if (!ddl.time_ms) continue;  // an event without a time cannot be placed in a history
        history.events.push_back(HistoryEvent{project, ddl.source + ":" + std::to_string(ddl.line), *ddl.time_ms / 1000,
                                              ddl.change.table, ddl.change.op, ddl.change.column, ddl.change.detail});
    }
}

void read_history_path(const fs::path& path, History& history) {
    std::error_code error;
    if (fs::is_regular_file(path, error)) {
        read_history_csv(path, history);
        return;
    }
    if (!fs::is_directory(path, error)) {
        throw InputError("cannot read history " + path.string(), "no such file or directory",
                         "give a history CSV or a directory of migrations");
    }
    auto root = fs::weakly_canonical(path, error);
    const auto project = root.filename().string();
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, error), end;
         !error && it != end; it.increment(error)) {
        if (it->is_regular_file(error)) files.push_back(it->path());
    }
    // Directory order is arbitrary; sorted paths make the reading order (and ties in time) reproducible.
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        if (is_rails_file(file)) {
            read_rails_migration(file, project, history);
        } else if (is_django_file(file)) {
            read_django_migration(file, project, history);
        } else if (is_sql_up_file(file)) {
            read_sql_migration(file, path, project, history);
        } else {
            continue;
        }
        ++history.files_read;
    }
}

History load_history(const std::vector<std::string>& paths) {
    History history;
    for (const auto& path : paths) read_history_path(path, history);
    std::stable_sort(history.events.begin(), history.events.end(), [](const HistoryEvent& a, const HistoryEvent& b) {
        if (a.project != b.project) return a.project < b.project;
        return a.ts < b.ts;
    });
    return history;
}

}  // namespace schemaflip::history
