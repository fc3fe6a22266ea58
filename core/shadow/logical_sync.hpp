// --sync logical: a publication of the copied tables on the primary, a logical replication slot, and a
// subscription in the shadow database that copies the rows and then applies every change the primary makes.
#pragma once

#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "core/shadow/logical_checks.hpp"
#include "core/shadow/shadow_engine.hpp"

namespace schemaflip::shadow {

// The publication, slot and subscription of one shadow, all with one name derived from the shadow
// database's: schemaflip_<its name folded to [a-z0-9_], at most 40 bytes>_<8 hex digits of a hash of it>,
// within a slot name's rules (at most 63 bytes of a-z, 0-9 and _), distinct for distinct shadows.
struct LogicalNames {
    std::string publication;
    std::string slot;
    std::string subscription;
};
LogicalNames logical_names(const std::string& shadow_database);

// Objects named like this shadow's that an earlier one left: refused (InputError, exit 3) unless `force`,
// which removes them. The subscription is looked for in the shadow database.
void clear_leftover_sync(const ServerUrls& urls, const LogicalNames& names, bool force);
// Every subscription in database `name` of the shadow URL's server (--force must remove them before DROP
// DATABASE, which refuses while one exists).
std::vector<std::string> subscriptions_in(db::Database& shadow_server, const std::string& name);

struct SyncStep {
    const UpRequest& request;
    const LogicalNames& names;
    ShadowManifest& manifest;
    const RecordManifest& record;
};

// Creates the publication (tables of `tables`) and the slot on the primary, then the subscription in the
// shadow database (connecting back with `primary_conninfo`, password included, which never reaches any
// output), each recorded in the manifest first; returns once every table's initial copy is done.
void start_logical_sync(SyncStep& step, db::Database& primary, db::Database& shadow, const std::vector<PublishedTable>& tables,
                        const std::string& primary_conninfo);

// Takes the primary's current WAL position and waits until the slot has confirmed it (the shadow applied
// everything before it); returns that position and the shadow's own at that moment.
SyncPositions wait_for_catch_up(SyncStep& step, db::Database& primary, db::Database& shadow);

// Removal (`down`, cleanup after a failed `up`) and lookup of "publication", "slot", "subscription".
bool remove_logical_object(const ServerUrls& urls, const CreatedObject& object);  // true when it existed
bool logical_object_exists(const ServerUrls& urls, const CreatedObject& object);

// The lag and subscription state of a synced shadow, from the objects of `manifest`.
void logical_status(const ServerUrls& urls, const ShadowManifest& manifest, ShadowStatus& status);

}  // namespace schemaflip::shadow
