#pragma once

// A DER CRL read as its bytes arrive (RFC 5280 §5.1), in memory that does
// not grow with its entries. The tbsCertList comes first and its signature
// algorithm near its start, so the signature is verified as the bytes pass
// and the whole-body SHA-256 is taken in the same pass; the revoked
// certificates are walked one entry at a time and not kept. What remains
// (the fields before and after the entries, a few hundred bytes in a real
// CRL) is laid out at its offsets in a body of the received size whose
// entry region reads as zeros, so ParseCrl judges it exactly as the whole
// body: its lengths and tags are the ones received.
//
// A body that does not start the way a CRL does, or is no larger than
// `stream_above`, or names a signature algorithm that needs the data whole
// (Ed25519), is kept whole instead; then body() holds every byte and the
// caller walks the entries with RevokedIterator as for any body.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pki/crl.h"
#include "pki/ossl.h"
#include "pki/signature.h"
#include "util/bytes.h"

namespace preflight::pki {

class CrlStream {
 public:
  // Called with the well-formed entries in order, a run at a time, up to
  // the first malformed one; a run's views are valid during the call only.
  using EntryVisitor = std::function<void(std::span<const RevokedEntry>)>;

  // `key`: verify the signature with it as the tbsCertList passes (nullptr:
  // no signature wanted); it must outlive the stream. `max_bytes`: the most
  // a body may hold (0: unknown); a body kept whole past 1 MiB reserves that
  // much address space at once instead of growing by copies (pages take
  // memory only as bytes arrive).
  CrlStream(EntryVisitor visitor, EVP_PKEY* key, std::uint64_t stream_above,
            std::uint64_t max_bytes = 0);
  ~CrlStream();
  CrlStream(const CrlStream&) = delete;
  CrlStream& operator=(const CrlStream&) = delete;

  // Starts over (a retried request's body replaces the first one's).
  void Reset();
  // `chunk` is read during the call only.
  void Feed(ByteView chunk);
  // For bytes the caller keeps until the next FeedHeld or Finish returns (a
  // mapped file's windows): hashed where they lie, so the digest threads
  // may still be reading them when this returns.
  void FeedHeld(ByteView chunk);
  // After the last byte; body() and the rest are valid from then on.
  void Finish();

  // Every byte received when !streamed(); otherwise the received size with
  // the entries' region reading as zeros.
  ByteView body() const;
  std::uint64_t size() const { return total_; }
  const Bytes& sha256() const { return sha256_; }  // of every byte received
  bool streamed() const { return located_ && !whole_; }

  // When streamed(): the entries walked, as RevokedIterator would report them.
  bool entries_ok() const { return entries_error_.empty(); }
  const std::string& entries_error() const { return entries_error_; }
  std::uint64_t entry_count() const { return entry_index_; }
  // From the first entry on: the CRL's thisUpdate (RFC 5280 §5.1.2.4).
  std::int64_t this_update() const { return this_update_; }

  // When streamed(): CheckSignature's outcome for the AlgorithmIdentifier
  // and BIT STRING found after the tbsCertList, which was hashed under the
  // algorithm it names itself (callers judge a mismatch of the two first).
  SignatureStatus Signature(ByteView algorithm_identifier_der, ByteView signature_bit_string,
                            std::string* detail);

 private:
  void Take(ByteView chunk, bool held);
  void Locate();
  void Consume(ByteView data, std::uint64_t at);
  void WalkEntries(ByteView data);
  // Entries of the usual shape from the start of `data`, read by position
  // (RevokedIterator::ReadUsual): the bytes they took.
  std::size_t WalkUsual(ByteView data);
  // One entry of any other shape from `avail` (starting at an entry), by
  // the general decoder: 0 when more bytes are needed, else the bytes it
  // used; sets entries_error_ when malformed.
  std::size_t Step(ByteView avail);
  // Counts the entry just put in walked_, `used` bytes long.
  void Walked(std::size_t used);

  EntryVisitor visitor_;
  EVP_PKEY* key_;
  std::uint64_t stream_above_;
  std::uint64_t max_bytes_;

  ossl::EvpMdCtxPtr sha_;
  Bytes sha256_;
  std::uint64_t total_ = 0;
  Bytes head_;  // everything up to the entries (all of it when kept whole)
  Bytes tail_;  // everything after the entries
  bool located_ = false;
  bool whole_ = false;
  std::uint64_t tbs_begin_ = 0, tbs_end_ = 0, gap_begin_ = 0, gap_end_ = 0;
  std::int64_t this_update_ = 0;
  std::unique_ptr<SignatureStream> signature_;

  // Entries walked and not yet visited: one visitor call per run, not per
  // entry, before the bytes they point into are let go.
  void VisitWalked();
  std::vector<RevokedEntry> walked_;
  Bytes carry_;  // an entry cut by a chunk boundary
  std::uint64_t entry_offset_ = 0;
  std::uint64_t entry_index_ = 0;
  std::string entries_error_;
  bool entries_done_ = false;

  struct Mapping;
  std::unique_ptr<Mapping> mapping_;  // the laid-out body when streamed

  // Once streaming, the two digests (the whole body's SHA-256 and the
  // tbsCertList's for the signature) run on a thread each over 1 MiB
  // batches while this one walks the entries. Small chunks are copied into
  // a ring of batches, so each thread may run up to kBatches - 1 batches
  // ahead of the slowest; held and large ones are hashed in place.
  class Hasher;
  void Flush();
  void HashInPlace(ByteView chunk);
  void Submit(ByteView data);  // to every digest thread, at batch_at_
  std::vector<std::unique_ptr<Hasher>> hashers_;
  static constexpr std::size_t kBatches = 4;
  Bytes batches_[kBatches];
  std::size_t slot_ = 0;                      // the batch being filled
  std::uint64_t handed_over_[kBatches] = {};  // submissions when each was handed over
  std::uint64_t submitted_ = 0;               // pieces handed to the digest threads
  std::uint64_t batch_at_ = 0;                // offset of the next piece's first byte
};

}  // namespace preflight::pki
