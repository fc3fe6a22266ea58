// The stderr log format (also what logging_collector writes to .log files): log_line_prefix lines.
#include "core/logs/prefixed_record_reader.hpp"

namespace schemaflip::logs {
namespace {

class StderrReader final : public PrefixedRecordReader {
public:
    StderrReader(LineSource& lines, const ReaderOptions& options)
        : PrefixedRecordReader(lines.name(), "stderr"), m_lines(lookahead_over(lines, m_lookahead)) {
        choose_prefix(options.prefix, detection_sample(m_lines));
    }

private:
    bool next_payload(PayloadLine& payload) override {
        if (!m_lines.next_line(payload.text)) return false;
        payload.line = m_lines.line_number();
        return true;
    }

    std::optional<std::string> payload_text(std::string_view physical_line) const override {
        return std::string(physical_line);
    }

    std::unique_ptr<LookaheadLineSource> m_lookahead;
    LookaheadLineSource& m_lines;
};

}  // namespace

std::unique_ptr<RecordReader> make_stderr_reader(LineSource& lines, const ReaderOptions& options) {
    return std::make_unique<StderrReader>(lines, options);
}

}  // namespace schemaflip::logs
