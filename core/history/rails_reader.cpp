// Reads one Rails migration (db/migrate/*.rb) line by line: the ActiveRecord DSL, not Ruby in general.
#include <cctype>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "core/history/history.hpp"
#include "core/history/migration_events.hpp"
#include "core/history/ruby_args.hpp"
#include "core/util/ascii_case.hpp"

namespace schemaflip::history {
namespace fs = std::filesystem;
namespace {

struct Call {
    std::string receiver;  // "t" inside a block, empty for a top-level call
    std::string method;
    CallArguments arguments;
    std::string raw_arguments;
};

std::size_t indentation(const std::string& line) {
    const auto first = line.find_first_not_of(" \t");
    return first == std::string::npos ? line.size() : first;
}

std::optional<Call> parse_call(const std::string& stripped) {
    std::size_t end = 0;
    while (end < stripped.size() && (std::isalnum(static_cast<unsigned char>(stripped[end])) || stripped[end] == '_' ||
                                     stripped[end] == '.')) {
        ++end;
    }
    if (end == 0) return std::nullopt;
    Call call;
    const auto name = stripped.substr(0, end);
    const auto dot = name.find('.');
    call.receiver = dot == std::string::npos ? "" : name.substr(0, dot);
    call.method = dot == std::string::npos ? name : name.substr(dot + 1);
    call.raw_arguments = stripped.substr(end);
    call.arguments = parse_call_arguments(call.raw_arguments);
    return call;
}

const std::set<std::string>& column_types() {
    static const std::set<std::string> types = {
        "string", "text", "integer", "bigint", "float", "decimal", "numeric", "datetime", "timestamp", "time",
        "date", "binary", "boolean", "json", "jsonb", "uuid", "inet", "citext", "hstore", "column", "blob"};
    return types;
}

std::string positional(const Call& call, std::size_t index) {
    return index < call.arguments.positional.size() ? util::ascii_lower(call.arguments.positional[index]) : std::string{};
}

bool has_true_option(const Call& call, const std::string& key) {
    const auto it = call.arguments.named.find(key);
    return it != call.arguments.named.end() && it->second != "false" && it->second != "nil";
}

class RailsMigrationReader {
public:
    RailsMigrationReader(const fs::path& file, const std::string& project, History& history)
        : m_file(file), m_events(history) {
        const auto stem = file.stem().string();
        m_events.event.project = project;
        m_events.event.migration_id = stem;
        m_events.event.ts = timestamp_from_name(stem).value_or(file_mtime(file));
    }

    void read(std::istream& in) {
        std::string line;
        while (std::getline(in, line)) read_line(line, in);
    }

    std::size_t events() const { return m_events.count; }

private:
    enum class Block { none, create_table, change_table };

    void emit(const std::string& table, const std::string& op, const std::string& column = {},
              const std::string& detail = {}) {
        m_events.emit(table, op, column, detail);
    }

    void read_line(std::string line, std::istream& in) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto indent = indentation(line);
        const auto stripped = trim(line);
        if (stripped.empty() || stripped.starts_with('#')) return;
        if (m_skip_until_indent) {
            // Inside `def down`: only the matching `end` matters.
            if (stripped == "end" && indent == *m_skip_until_indent) m_skip_until_indent.reset();
            return;
        }
        if (stripped == "def down" || stripped == "def self.down") {
            m_skip_until_indent = indent;
            return;
        }
        if (m_block != Block::none && stripped == "end" && indent == m_block_indent) {
            close_block();
            return;
        }
        const auto call = parse_call(stripped);
        if (!call) return;
        if (m_block != Block::none && call->receiver == m_block_variable) {
            read_block_call(*call);
            return;
        }
        read_top_level_call(*call, stripped, indent, in);
    }

    void open_block(Block block, const std::string& table, std::size_t indent, const std::string& stripped) {
        m_block = block;
        m_block_table = table;
        m_block_indent = indent;
        m_block_columns.clear();
        m_block_indexes.clear();
        const auto bar = stripped.find('|');
        m_block_variable = bar == std::string::npos ? "t" : trim(stripped.substr(bar + 1, stripped.find('|', bar + 1) - bar - 1));
    }

    void close_block() {
        if (m_block == Block::create_table) emit(m_block_table, "create_table", {}, m_block_columns);
        for (const auto& columns : m_block_indexes) emit(m_block_table, "add_index", columns);
        m_block = Block::none;
    }

    void add_block_column(const std::string& name, const std::string& type) {
        m_block_columns += (m_block_columns.empty() ? "" : " ") + name + ":" + type;
    }

    void read_block_call(const Call& call) {
        const auto& method = call.method;
        const auto first = positional(call, 0);
        const auto table = m_block_table;
        if (m_block == Block::create_table) {
            if (method == "index") {
                m_block_indexes.push_back(first);
            } else if (method == "timestamps") {
                add_block_column("created_at", "datetime");
                add_block_column("updated_at", "datetime");
            } else if (method == "references" || method == "belongs_to") {
                for (const auto& name : call.arguments.positional) add_block_column(util::ascii_lower(name) + "_id", "references");
            } else if (method == "column") {
                add_block_column(first, positional(call, 1));
            } else if (column_types().contains(method)) {
                for (const auto& name : call.arguments.positional) add_block_column(util::ascii_lower(name), method);
            }
            return;
        }
        if (method == "remove" || method == "remove_references" || method == "remove_belongs_to") {
            for (const auto& name : call.arguments.positional) emit(table, "drop_column", util::ascii_lower(name));
        } else if (method == "rename") {
            emit(table, "rename_column", first, "-> " + positional(call, 1));
        } else if (method == "change") {
            emit(table, "alter_column_type", first, positional(call, 1));
        } else if (method == "change_default") {
            emit(table, "alter_column_default", first);
        } else if (method == "change_null") {
            emit(table, "alter_column_null", first);
        } else if (method == "index") {
            emit(table, "add_index", first);
        } else if (method == "remove_index") {
            emit(table, "drop_index", first);
        } else if (method == "timestamps") {
            emit(table, "add_column", "created_at", "datetime");
            emit(table, "add_column", "updated_at", "datetime");
        } else if (method == "references" || method == "belongs_to") {
            emit(table, "add_column", first + "_id", "references");
        } else if (column_types().contains(method)) {
            for (const auto& name : call.arguments.positional) emit(table, "add_column", util::ascii_lower(name), method);
        }
    }

    // `execute "SQL"` and `execute <<-SQL ... SQL`: the SQL is read with the SQL parser.
    void read_execute(const Call& call, std::istream& in) {
        std::string sql_text;
        const auto heredoc = call.raw_arguments.find("<<");
        if (heredoc != std::string::npos) {
            auto terminator = trim(call.raw_arguments.substr(heredoc + 2));
            if (terminator.starts_with('-') || terminator.starts_with('~')) terminator.erase(0, 1);
            terminator = terminator.substr(0, terminator.find_first_of(" .)"));
            std::string line;
            while (std::getline(in, line) && trim(line) != terminator) sql_text += line + "\n";
        } else if (!call.arguments.positional.empty()) {
            sql_text = call.arguments.positional.front();
        }
        m_events.emit_sql(sql_text);
    }

    void read_top_level_call(const Call& call, const std::string& stripped, std::size_t indent, std::istream& in) {
        if (!call.receiver.empty()) return;
        const auto& method = call.method;
        const auto table = positional(call, 0);
        const auto second = positional(call, 1);
        const bool opens_block = stripped.ends_with(" do") || stripped.find(" do |") != std::string::npos ||
                                 stripped.ends_with("{");
        if (method == "create_table") {
            if (opens_block) open_block(Block::create_table, table, indent, stripped);
            else emit(table, "create_table");
        } else if (method == "change_table" && opens_block) {
            open_block(Block::change_table, table, indent, stripped);
        } else if (method == "create_join_table") {
            emit(second < table ? second + "_" + table : table + "_" + second, "create_table");
        } else if (method == "drop_table") {
            emit(table, "drop_table");
        } else if (method == "rename_table") {
            emit(table, "rename_table", {}, "-> " + second);
        } else if (method == "add_column") {
            emit(table, "add_column", second, positional(call, 2));
        } else if (method == "remove_column") {
            emit(table, "drop_column", second);  // a third argument is the type, for reversibility
        } else if (method == "remove_columns") {
            for (std::size_t i = 1; i < call.arguments.positional.size(); ++i) {
                emit(table, "drop_column", positional(call, i));
            }
        } else if (method == "rename_column") {
            emit(table, "rename_column", second, "-> " + positional(call, 2));
        } else if (method == "change_column") {
            emit(table, "alter_column_type", second, positional(call, 2));
        } else if (method == "change_column_null") {
            emit(table, "alter_column_null", second, positional(call, 2) == "false" ? "set not null" : "drop not null");
        } else if (method == "change_column_default") {
            emit(table, "alter_column_default", second);
        } else if (method == "add_index") {
            emit(table, "add_index", second);
        } else if (method == "remove_index") {
            const auto column = call.arguments.named.find("column");
            emit(table, "drop_index", column != call.arguments.named.end() ? literal_value(column->second) : second);
        } else if (method == "add_reference" || method == "add_belongs_to") {
            emit(table, "add_column", second + "_id", "references");
            if (has_true_option(call, "foreign_key")) emit(table, "add_foreign_key", second + "_id");
        } else if (method == "remove_reference" || method == "remove_belongs_to") {
            emit(table, "drop_column", second + "_id");
        } else if (method == "add_foreign_key") {
            const auto column = call.arguments.named.find("column");
            emit(table, "add_foreign_key", column != call.arguments.named.end() ? literal_value(column->second) : "",
                 "-> " + second);
        } else if (method == "remove_foreign_key") {
            emit(table, "drop_foreign_key", {}, second);
        } else if (method == "add_timestamps") {
            emit(table, "add_column", "created_at", "datetime");
            emit(table, "add_column", "updated_at", "datetime");
        } else if (method == "execute") {
            read_execute(call, in);
        }
    }

    fs::path m_file;
    MigrationEvents m_events;
    std::optional<std::size_t> m_skip_until_indent;
    Block m_block = Block::none;
    std::string m_block_table;
    std::string m_block_variable;
    std::size_t m_block_indent = 0;
    std::string m_block_columns;
    std::vector<std::string> m_block_indexes;
};

void read_rails_lines(std::istream& in, const fs::path& file, const std::string& project, History& history) {
    RailsMigrationReader reader(file, project, history);
    reader.read(in);
    if (reader.events() == 0) {
        history.problems.add(history.problems.unreadable_files, file.string() + ": no migration call recognised");
    }
}

}  // namespace

void read_rails_migration(const fs::path& file, const std::string& project, History& history) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        history.problems.add(history.problems.unreadable_files, file.string() + ": cannot be opened");
        return;
    }
    read_rails_lines(in, file, project, history);
}

void read_rails_migration_text(const std::string& text, const fs::path& file, const std::string& project,
                               History& history) {
    std::istringstream in(text);
    read_rails_lines(in, file, project, history);
}

}  // namespace schemaflip::history
