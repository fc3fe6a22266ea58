// Lines of one byte range of a plain file, read with pread in blocks: lets several threads read one
// large stderr log at once in flat memory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/logs/line_source.hpp"

namespace schemaflip::logs {

// Lines in [begin, end) of `path`; `begin` must be at a line start. Line numbers count from the
// range start plus `lines_before` (pass 0 when unknown: numbers are then range-relative).
std::unique_ptr<LineSource> open_file_range_line_source(const std::string& path, std::uint64_t begin, std::uint64_t end,
                                                        std::uint64_t lines_before = 0);

// Boundaries (first 0, last the file size) that split a plain file into at most `parts` ranges, each
// starting at a line for which `starts_record` holds, so that no record is cut in two.
std::vector<std::uint64_t> split_at_record_starts(const std::string& path, unsigned parts,
                                                  const std::function<bool(std::string_view)>& starts_record);

}  // namespace schemaflip::logs
