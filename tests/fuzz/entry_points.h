#pragma once

// One entry point per fuzz target. The libFuzzer drivers (tests/fuzz/fuzz_*.cpp),
// the seed generator and the regression replay (tests/unit/regressions_test.cpp)
// all call these, so a crash input found by a fuzzer is replayed exactly.
// Each runs the decoders and checks a body from the network (or a profile /
// policy file) meets, against a fixed test PKI generated once per process and
// a fixed evaluation time, so a run is reproducible.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/bytes.h"
#include "util/time.h"

namespace preflight::fuzz {

enum class Target { kCrl, kOcsp, kCaIssuers, kSniff, kProfile, kPolicy };

// "crl", "ocsp", "ca_issuers", "sniff", "profile", "policy": the fuzzer is
// fuzz_<name>, its regressions live in tests/regressions/<name>/.
std::string_view target_name(Target target);
std::optional<Target> target_by_name(std::string_view name);
std::vector<Target> all_targets();

// The evaluation time every target uses (docs/judgement.md: one `at` per run).
UnixTime fixed_at();

// Runs one input. Malformed input must end in results or an InputError
// (profile, policy), never a crash, a hang or an exception of another kind:
// such an exception propagates, and the fuzzer reports it.
void run(Target target, ByteView input);

// Seed inputs for a target, built from the test PKI helpers: {file name, bytes}.
std::vector<std::pair<std::string, Bytes>> seeds(Target target);

}  // namespace preflight::fuzz
