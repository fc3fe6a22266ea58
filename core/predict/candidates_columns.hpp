// Internal to the candidate generators: what kind of values a column holds, from its declared type, which
// decides how it is sampled and which patterns apply to it.
#pragma once

#include "core/schema/snapshot.hpp"

namespace schemaflip::predict {

enum class ColumnClass {
    text,     // character types: sampled as a prefix, checked for integer/boolean/UUID/timestamp values
    integer,  // integer types
    uuid,
    bulky,    // bytea, json, xml, arrays, unknown types, SQLite BLOB affinity: only NULL-ness is read
    other,    // numeric, floating, dates, times, booleans: read as they are
};

// PostgreSQL: by the type's name as the parser reads it; SQLite: by its column affinity rules
// (sqlite.org/datatype3.html, 3.1).
ColumnClass classify_column(const schema::SchemaSnapshot& snapshot, const schema::ColumnInfo& column);

}  // namespace schemaflip::predict
