// Whether a column type change keeps every value (widened), may lose or reject some (narrowed), or
// changes how values read (changed): the TYPE_WIDENED / TYPE_NARROWED flags and rollback's reversibility.
#pragma once

#include <string>

namespace schemaflip::flip {

enum class TypeChange { same, widened, narrowed, changed };
const char* to_string(TypeChange change);

// Both types as an engine prints them (integer, character varying(120), numeric(10,2), NVARCHAR(160)).
// Unknown or unparsable pairs are `changed`: nothing is claimed safe that is not known to be.
TypeChange classify_type_change(const std::string& before, const std::string& after);

}  // namespace schemaflip::flip
