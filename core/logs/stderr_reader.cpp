// The stderr log format (also what logging_collector writes to .log files): log_line_prefix lines.
#include "core/logs/prefixed_record_reader.hpp"

namespace schemaflip::logs {
namespace {

class StderrReader final : public PrefixedRecordReader {
public:
    StderrReader(LineSource& lines, const ReaderOptions& options) : PrefixedRecordReader(lines, "stderr") {
        choose_prefix(options.prefix);
    }

private:
    bool next_payload(PayloadLine& payload) override {
        if (!lines().next_line(payload.text)) return false;
        payload.line = lines().line_number();
        return true;
    }

    std::optional<std::string> payload_text(std::string_view physical_line) const override {
        return std::string(physical_line);
    }

};

}  // namespace

std::unique_ptr<RecordReader> make_stderr_reader(LineSource& lines, const ReaderOptions& options) {
    return std::make_unique<StderrReader>(lines, options);
}

}  // namespace schemaflip::logs
