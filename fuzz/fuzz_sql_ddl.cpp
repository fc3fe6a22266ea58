// Feeds the DDL readers that shadow and flip use to re-emit or judge a change: ALTER TABLE commands with
// the source text of what they define (core/sql/ddl_source.cpp), a column type read by PostgreSQL's
// grammar (core/sql/type_name.cpp) and a type change classified as widened or narrowed
// (core/flip/type_change.cpp). The input is a statement; after its first line, also a pair of types.
#include "core/flip/type_change.hpp"
#include "core/sql/ddl_source.hpp"
#include "core/sql/statement_info.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace sql = schemaflip::sql;
    using schemaflip::fuzz::require;
    const auto text = schemaflip::fuzz::as_text(data, size);

    if (const auto alter = sql::alter_table(text)) {
        for (const auto& command : alter->commands) (void)sql::parse_type(command.type);
    }
    const auto newline = text.find('\n');
    const std::string before(text.substr(0, newline));
    const std::string after(newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1));
    if (const auto type = sql::parse_type(before)) {
        require(!type->name.empty() && !type->text.empty(), "a type has a name and a text");
    }
    (void)schemaflip::flip::to_string(schemaflip::flip::classify_type_change(before, after));
    return 0;
}
