// bench_make_crl N OUT.der ISSUER.pem [ROOT.pem]
//
// Writes an N-entry CRL (DER, ecdsa-with-SHA256, one reasonCode per entry)
// signed by a fresh SubCA, the SubCA certificate as ISSUER.pem and, when
// asked, the root that signed it as ROOT.pem (for a check profile). Prints
// the serials worth looking up: first, middle and last entry, and one that
// is not on the list.

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "pki/serial.h"
#include "support/bigcrl.h"
#include "support/testpki.h"

namespace {

using namespace preflight;

int usage() {
  std::fputs("usage: bench_make_crl N OUT.der ISSUER.pem [ROOT.pem]\n", stderr);
  return 2;
}

// Root and SubCA as make_hierarchy() builds them, but the SubCA carries no
// CDP or AIA URLs: a check run then makes exactly the one CRL request.
testpki::Hierarchy make_quiet_hierarchy() {
  testpki::Hierarchy h;
  h.root_key = testpki::make_key();
  h.subca_key = testpki::make_key();
  testpki::CertSpec root;
  root.subject = "C=GB,O=Example Ltd,CN=Bench Root";
  root.ca = true;
  root.key_usage = "critical,keyCertSign,cRLSign";
  h.root = testpki::make_cert(root, h.root_key, nullptr, h.root_key);
  testpki::CertSpec sub;
  sub.subject = "C=GB,O=Example Ltd,CN=Bench SubCA";
  sub.ca = true;
  sub.key_usage = "critical,digitalSignature,keyCertSign,cRLSign";
  h.subca = testpki::make_cert(sub, h.subca_key, &h.root, h.root_key);
  return h;
}

void print_serial(const char* label, ByteView serial) {
  std::printf("%s %s\n", label, pki::serial_to_hex(serial).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) return usage();
  const std::string_view count_text = argv[1];
  std::uint64_t entries = 0;
  const auto parsed =
      std::from_chars(count_text.data(), count_text.data() + count_text.size(), entries);
  if (parsed.ec != std::errc() || parsed.ptr != count_text.data() + count_text.size())
    return usage();
  try {
    const testpki::Hierarchy h = make_quiet_hierarchy();
    testpki::BigCrlSpec spec;
    spec.entries = entries;
    testpki::write_file(argv[2], testpki::make_big_crl(spec, h.subca, h.subca_key));
    testpki::write_file(argv[3], h.subca.pem());
    if (argc == 5) testpki::write_file(argv[4], h.root.pem());
    if (entries > 0) {
      print_serial("first", testpki::big_crl_serial(0));
      print_serial("middle", testpki::big_crl_serial(entries / 2));
      print_serial("last", testpki::big_crl_serial(entries - 1));
    }
    // Past the last entry, so never revoked.
    print_serial("absent", testpki::big_crl_serial(entries));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_make_crl: %s\n", e.what());
    return 1;
  }
  return 0;
}
