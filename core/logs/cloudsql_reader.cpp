// Google Cloud SQL logs exported from Cloud Logging as JSON lines: each object's textPayload is one
// stderr line (prefix "[%p]: [%l-1] db=%d,user=%u "), continuation lines are objects of their own.
#include <nlohmann/json.hpp>

#include "core/logs/prefixed_record_reader.hpp"

namespace schemaflip::logs {
namespace {

struct CloudSqlEntry {
    bool has_text = false;
    std::string text;
    std::optional<std::int64_t> time_ms;
};

// False when the line is not a JSON object; has_text false when it carries no textPayload.
bool parse_entry(std::string_view line, CloudSqlEntry& out) {
    out.has_text = false;
    out.time_ms.reset();
    const auto document = nlohmann::json::parse(line, nullptr, false);
    if (document.is_discarded() || !document.is_object()) return false;
    const auto text = document.find("textPayload");
    if (text == document.end() || !text->is_string()) return true;
    out.has_text = true;
    out.text = text->get<std::string>();
    const auto time = document.find("timestamp");
    if (time != document.end() && time->is_string()) {
        std::size_t consumed = 0;
        out.time_ms = parse_timestamp(time->get_ref<const std::string&>(), consumed);
    }
    return true;
}

class CloudSqlReader final : public PrefixedRecordReader {
public:
    CloudSqlReader(LineSource& lines, const ReaderOptions& options) : PrefixedRecordReader(lines, "cloudsql") {
        choose_prefix(options.prefix);
    }

private:
    bool next_payload(PayloadLine& payload) override {
        // A textPayload holding several lines is handed out one line at a time.
        if (m_rest_of_text) return next_piece(payload);
        std::string_view line;
        while (lines().next_line(line)) {
            if (line.empty()) continue;
            if (!parse_entry(line, m_entry)) {
                count_unrecognised(lines().line_number(), "not a JSON object", line);
                continue;
            }
            if (!m_entry.has_text) {
                count_stray();
                continue;
            }
            m_line_number = lines().line_number();
            m_rest_of_text = std::string_view(m_entry.text);
            return next_piece(payload);
        }
        return false;
    }

    bool next_piece(PayloadLine& payload) {
        const std::string_view text = *m_rest_of_text;
        const std::size_t newline = text.find('\n');
        payload.text = text.substr(0, newline);
        if (payload.text.ends_with('\r')) payload.text.remove_suffix(1);
        payload.line = m_line_number;
        payload.envelope_time_ms = m_entry.time_ms;
        if (newline == std::string_view::npos) {
            m_rest_of_text.reset();
        } else {
            m_rest_of_text = text.substr(newline + 1);
        }
        return true;
    }

    std::optional<std::string> payload_text(std::string_view physical_line) const override {
        CloudSqlEntry entry;
        if (!parse_entry(physical_line, entry) || !entry.has_text) return std::nullopt;
        return entry.text.substr(0, entry.text.find('\n'));
    }

    CloudSqlEntry m_entry;
    std::optional<std::string_view> m_rest_of_text;
    std::uint64_t m_line_number = 0;
};

}  // namespace

bool sniff_cloudsql(std::string_view line) {
    return line.starts_with('{') && line.find("\"textPayload\"") != std::string_view::npos &&
           line.find("cloudsql") != std::string_view::npos;
}

std::unique_ptr<RecordReader> make_cloudsql_reader(LineSource& lines, const ReaderOptions& options) {
    return std::make_unique<CloudSqlReader>(lines, options);
}

}  // namespace schemaflip::logs
