// Output: stdout or an atomically written file.
#include "cli/output.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace schemaflip::cli {

Output::Output(Context& context, const std::string& path) : m_context(context) {
    if (!path.empty() && path != "-") m_file = std::make_unique<util::AtomicFile>(path);
}

void Output::write(const std::string& content) {
    if (!m_file) {
        m_context.out << content;
        m_context.out.flush();
        return;
    }
    m_file->stream() << content;
    m_file->commit();
}

std::string dump_json(const nlohmann::ordered_json& document) {
    return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace schemaflip::cli
