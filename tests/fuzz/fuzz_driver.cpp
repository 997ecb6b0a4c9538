// libFuzzer driver, built once per target with PREFLIGHT_FUZZ_TARGET set to
// a preflight::fuzz::Target enumerator (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>

#include "fuzz/entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using preflight::fuzz::Target;
  preflight::fuzz::run(Target::PREFLIGHT_FUZZ_TARGET, preflight::ByteView(data, size));
  return 0;
}
