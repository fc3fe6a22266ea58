// Feeds core/sql's text helpers that run before or without a full parse: the script splitter, the
// literal-stripped cache key (a lexer pass), the scanner's tokens and leading-comment stripping, the
// change ID of a script, and replay's query inspection with bind values put in place of $n.
#include "core/sql/ddl_source.hpp"
#include "core/sql/query_text.hpp"
#include "core/sql/statement_info.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace sql = schemaflip::sql;
    using schemaflip::fuzz::require;
    const auto text = schemaflip::fuzz::as_text(data, size);

    const auto statements = sql::split_statements(text);
    (void)sql::literal_stripped_key(text);
    if (const auto tokens = sql::scan_tokens(text)) {
        for (const auto& token : *tokens) {
            require(token.begin <= token.end && token.end <= text.size(), "tokens lie inside the text");
        }
    }
    const auto stripped = sql::without_leading_comments(text);
    require(stripped.data() >= text.data() && stripped.data() + stripped.size() == text.data() + text.size(),
            "stripping leading comments keeps a suffix of the text");
    if (!statements.empty()) (void)sql::change_id(statements);

    const auto query = sql::inspect_query_text(text);
    if (!query.parsed) return 0;
    std::vector<std::optional<std::string>> values;
    for (const auto& parameter : query.parameters) {
        require(parameter.offset + parameter.length <= text.size(), "parameters lie inside the text");
        // Every other value NULL, the rest with a quote to escape.
        values.resize(std::max<std::size_t>(values.size(), static_cast<std::size_t>(parameter.number)));
    }
    for (std::size_t i = 0; i < values.size(); i += 2) values[i] = "it's $1";
    const auto substituted = sql::substitute_parameters(text, query.parameters, values);
    require(substituted.has_value(), "every parameter has a value");
    return 0;
}
