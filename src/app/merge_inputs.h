#pragma once

#include <string>
#include <vector>

#include "checks/merge_checks.h"

namespace preflight {

// Reads merge's inputs: a JSON report of `check`, or an evidence folder
// (read_evidence_folder: its manifest is verified, its report.json read).
// A file that cannot be read, is over 64 MiB, is not JSON or not a check
// report, and a folder that is not an evidence folder, are input errors
// (InputError naming it: exit 2). What a readable evidence folder holds is
// judged instead (merge.manifest, merge.input).
std::vector<MergeInput> read_merge_inputs(const std::vector<std::string>& sources);

}  // namespace preflight
