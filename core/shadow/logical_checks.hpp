// What logical replication cannot carry, found before `shadow up --sync logical` creates anything.
#pragma once

#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "core/shadow/shadow_engine.hpp"

namespace schemaflip::shadow {

// One table of the publication: every table the shadow copies (postgres_catalog.hpp's filter).
struct PublishedTable {
    std::string schema;
    std::string name;
    std::string quoted;        // schema.name, quoted for SQL
    bool unlogged = false;     // UNLOGGED tables cannot be published
    bool has_identity = true;  // a primary key or a replica identity: UPDATE and DELETE can replicate
    bool owned = true;         // the primary's user may add it to a publication (owner or member of it)
};

std::vector<PublishedTable> published_tables(db::Database& primary);

// Whether a subscriber column of `subscriber_type` reads every value a publisher column of
// `publisher_type` sends (pgoutput sends text: the new type's input must accept every text the old type
// prints, and keep its value). Types as format_type() or DDL spell them: "character varying(40)",
// "varchar(80)", "integer", "numeric(10,2)". Widening (int4 → int8, varchar(40) → varchar(80), anything →
// text) is fine; narrowing and other conversions (text → integer, numeric → integer) are not, nor is a
// type that does not parse.
bool subscriber_reads_text_of(const std::string& publisher_type, const std::string& subscriber_type);

// Refuses what logical sync cannot do, before anything exists, each with the reason and `--sync none` as
// the way out. The servers and tables (UnavailableError, exit 4): PostgreSQL 10 or later on both sides,
// wal_level=logical on the primary, the REPLICATION privilege and table ownership for the publication,
// superuser (pg_create_subscription from 16 on) on the shadow's server, free slots and WAL senders, and
// every table with a primary key or replica identity and not UNLOGGED. The change (InputError, exit 3): a
// column or table of the publication dropped or renamed on the shadow while the primary keeps writing it,
// a column type the shadow cannot read from the primary's text, an added NOT NULL column without default.
void check_logical_sync(db::Database& primary, db::Database& shadow_server, const std::vector<PublishedTable>& tables,
                        const PlannedChange& change);

}  // namespace schemaflip::shadow
