// analyze_logs(): the whole analyze stage — read every input, fold it into one WorkloadProfile.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/logs/log_scanner.hpp"
#include "core/profile/profile.hpp"
#include "core/schema/snapshot.hpp"

namespace schemaflip::profile {

// How far the reading of one input has come: primary records, and bytes of log text (after gunzip).
struct AnalyzeProgress {
    std::string file;
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    bool done = false;  // the file's final counts
};

struct AnalyzeOptions {
    logs::ScanOptions scan;
    ProfileOptions profile;
    unsigned jobs = 0;  // threads for large plain files; 0 = all cores
    // Called every few thousand records and once when a file is done. The threads that read one large file
    // take turns (never two calls at once), so the callee needs no lock; it must be cheap all the same.
    std::function<void(const AnalyzeProgress&)> progress = [](const AnalyzeProgress&) {};
};

// Throws InputError for unreadable files or logs without any recognised record.
WorkloadProfile analyze_logs(const std::vector<std::string>& paths, const AnalyzeOptions& options,
                             const schema::SchemaSnapshot* schema);

}  // namespace schemaflip::profile
