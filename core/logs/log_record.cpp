// LogRecord reuse, the bounded list of unrecognised lines, and adding up scan counts.
#include "core/logs/log_record.hpp"

#include "core/logs/log_scanner.hpp"
#include "core/logs/record_reader.hpp"

namespace schemaflip::logs {
namespace {

constexpr std::size_t k_max_examples = 5;
constexpr std::size_t k_max_example_bytes = 200;

// Length of the valid UTF-8 sequence at the start of `text`, or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned min_second = 0x80, max_second = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) min_second = 0xA0;  // overlong
        if (lead == 0xED) max_second = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) min_second = 0x90;
        if (lead == 0xF4) max_second = 0x8F;
    } else {
        return 0;
    }
    if (text.size() < length) return 0;
    if (byte(1) < min_second || byte(1) > max_second) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    }
    return length;
}

// At most `max_bytes` of `text`, cut on a character boundary, with every invalid byte replaced by
// U+FFFD and control characters other than TAB shown as '?', so examples print safely.
std::string printable_utf8(std::string_view text, std::size_t max_bytes) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = utf8_sequence_length(text.substr(i));
        if (length == 0) {
            if (out.size() + 3 > max_bytes) break;
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (out.size() + length > max_bytes) break;
        const unsigned char lead = static_cast<unsigned char>(text[i]);
        if (length == 1 && (lead < 0x20 || lead == 0x7F) && lead != '\t') {
            out += '?';
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
    return out;
}

}  // namespace

void LogRecord::clear() {
    source.clear();
    line = 0;
    time_ms.reset();
    session.clear();
    user.clear();
    database.clear();
    application.clear();
    severity.clear();
    sqlstate.clear();
    message.clear();
    detail.clear();
    statement.clear();
    plain_statement = false;
    plain_duration_ms.reset();
}

void Unrecognised::add(const std::string& source, std::uint64_t line, std::string reason, std::string_view text) {
    ++count;
    if (examples.size() >= k_max_examples) return;
    examples.push_back(Example{source, line, std::move(reason), printable_utf8(text, k_max_example_bytes)});
}

void Unrecognised::merge(const Unrecognised& other, std::uint64_t line_offset) {
    count += other.count;
    for (const auto& example : other.examples) {
        if (examples.size() >= k_max_examples) return;
        examples.push_back(example);
        examples.back().line += line_offset;
    }
}

ScanCounts& ScanCounts::operator+=(const ScanCounts& other) {
    records += other.records;
    executed_statements += other.executed_statements;
    durations += other.durations;
    errors += other.errors;
    bind_parameters += other.bind_parameters;
    stray_lines += other.stray_lines;
    duration_ms_sum += other.duration_ms_sum;
    for (const auto& [severity, count] : other.severities) severities[severity] += count;
    return *this;
}

}  // namespace schemaflip::logs
