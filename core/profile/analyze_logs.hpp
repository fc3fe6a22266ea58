// analyze_logs(): the whole analyze stage — read every input, fold it into one WorkloadProfile.
#pragma once

#include <string>
#include <vector>

#include "core/logs/log_scanner.hpp"
#include "core/profile/profile.hpp"
#include "core/schema/snapshot.hpp"

namespace schemaflip::profile {

struct AnalyzeOptions {
    logs::ScanOptions scan;
    ProfileOptions profile;
    unsigned jobs = 0;  // threads for large plain files; 0 = all cores
};

// Throws InputError for unreadable files or logs without any recognised record.
WorkloadProfile analyze_logs(const std::vector<std::string>& paths, const AnalyzeOptions& options,
                             const schema::SchemaSnapshot* schema);

}  // namespace schemaflip::profile
