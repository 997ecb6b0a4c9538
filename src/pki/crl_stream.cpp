#include "pki/crl_stream.h"

#include <sys/mman.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <thread>

#include "pki/der.h"

namespace preflight::pki {

// Anonymous pages reserved for the whole body: only the pages written (the
// fields around the entries) take memory; the rest reads as zeros.
struct CrlStream::Mapping {
  void* data = MAP_FAILED;
  std::size_t size = 0;
  explicit Mapping(std::size_t n) : size(n) {
    if (n == 0) return;
    data = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                  -1, 0);
    if (data == MAP_FAILED) throw std::bad_alloc();
  }
  ~Mapping() {
    if (data != MAP_FAILED) ::munmap(data, size);
  }
  std::uint8_t* bytes() const { return static_cast<std::uint8_t*>(data); }
};

// One digest of the body, fed batches on a thread of its own in the order
// the bytes arrived. It may fall behind: the stream waits for it only
// before the bytes of a batch are reused or let go.
class CrlStream::Hasher {
 public:
  using Update = std::function<void(ByteView data, std::uint64_t at)>;
  explicit Hasher(Update update) : update_(std::move(update)), thread_([this] { Run(); }) {}
  ~Hasher() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();  // after the batches queued before
  }
  // `data` must stay unchanged until WaitFor says it was hashed.
  void Submit(ByteView data, std::uint64_t at) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back({data, at});
    }
    changed_.notify_all();
  }
  // Until the first `count` batches submitted are hashed.
  void WaitFor(std::uint64_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_ >= count; });
  }

 private:
  struct Batch {
    ByteView data;
    std::uint64_t at;
  };
  void Run() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [this] { return !queue_.empty() || stop_; });
      if (queue_.empty()) return;
      const Batch batch = queue_.front();
      queue_.pop_front();
      lock.unlock();
      update_(batch.data, batch.at);
      lock.lock();
      ++done_;
      changed_.notify_all();
    }
  }

  Update update_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> queue_;
  std::uint64_t done_ = 0;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest is set up
};

namespace {

constexpr std::size_t kBatch = 1 << 20;
constexpr std::size_t kVisitRun = 1024;

enum class Element { kNeedMore, kBad, kOk };

// The element at `pos` of `data`, whole (kOk) or its header (when
// `header_only`).
Element element(const Bytes& data, std::uint64_t pos, bool header_only, der::Header* h) {
  if (pos >= data.size()) return Element::kNeedMore;
  const ByteView rest = ByteView(data).subspan(static_cast<std::size_t>(pos));
  if (!der::ParseHeader(rest, h)) return rest.size() < 6 ? Element::kNeedMore : Element::kBad;
  if (header_only) return Element::kOk;
  return h->header_length + h->content_length <= rest.size() ? Element::kOk : Element::kNeedMore;
}

}  // namespace

CrlStream::CrlStream(EntryVisitor visitor, EVP_PKEY* key, std::uint64_t stream_above,
                     std::uint64_t max_bytes)
    : visitor_(std::move(visitor)), key_(key), stream_above_(stream_above), max_bytes_(max_bytes) {
  Reset();
}

CrlStream::~CrlStream() = default;

void CrlStream::Reset() {
  hashers_.clear();
  for (Bytes& batch : batches_) Bytes().swap(batch);
  slot_ = 0;
  std::ranges::fill(handed_over_, 0);
  submitted_ = 0;
  batch_at_ = 0;
  sha_.reset(EVP_MD_CTX_new());
  if (!sha_ || EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
  sha256_.clear();
  total_ = 0;
  Bytes().swap(head_);
  Bytes().swap(tail_);
  located_ = whole_ = false;
  tbs_begin_ = tbs_end_ = gap_begin_ = gap_end_ = 0;
  this_update_ = 0;
  signature_.reset();
  walked_.clear();
  walked_.reserve(kVisitRun);
  Bytes().swap(carry_);
  entry_offset_ = entry_index_ = 0;
  entries_error_.clear();
  entries_done_ = false;
  mapping_.reset();
}

void CrlStream::Feed(ByteView chunk) { Take(chunk, false); }

void CrlStream::FeedHeld(ByteView chunk) {
  const std::uint64_t before = submitted_;
  Take(chunk, true);
  // What came before this chunk is hashed: the caller may let it go.
  for (const auto& hasher : hashers_) hasher->WaitFor(before);
}

void CrlStream::Take(ByteView chunk, bool held) {
  if (chunk.empty()) return;
  // Until the entries are found, a large chunk is taken a piece at a time,
  // so that what follows them is hashed on the digest threads.
  constexpr std::size_t kLocateStep = 64 << 10;
  while (hashers_.empty() && !whole_ && chunk.size() > kLocateStep) {
    Take(chunk.first(kLocateStep), false);
    chunk = chunk.subspan(kLocateStep);
  }
  if (!hashers_.empty()) {
    total_ += chunk.size();
    if (held || chunk.size() >= kBatch) {
      HashInPlace(chunk);
      // Fed, not held: let go once both digests have taken it.
      if (!held) {
        for (const auto& hasher : hashers_) hasher->WaitFor(submitted_);
      }
      return;
    }
    while (!chunk.empty()) {
      Bytes& batch = batches_[slot_];
      const std::size_t n = std::min(chunk.size(), kBatch - batch.size());
      batch.insert(batch.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
      chunk = chunk.subspan(n);
      if (batch.size() == kBatch) Flush();
    }
    return;
  }
  // Before the entries are found (Locate starts the digest threads when
  // it finds them), or for a body kept whole.
  EVP_DigestUpdate(sha_.get(), chunk.data(), chunk.size());
  total_ += chunk.size();
  const std::size_t needed = head_.size() + chunk.size();
  if (needed > head_.capacity() && needed > kBatch && max_bytes_ >= needed) {
    head_.reserve(static_cast<std::size_t>(max_bytes_));
  }
  head_.insert(head_.end(), chunk.begin(), chunk.end());
  if (!whole_) Locate();
}

// Finds the entries' region from the headers of the CertificateList, the
// tbsCertList and the fields before revokedCertificates. Anything unlike a
// CRL with entries keeps the body whole: ParseCrl then says what it is.
void CrlStream::Locate() {
  der::Header h;
  Element e = element(head_, 0, true, &h);
  if (e == Element::kNeedMore) return;
  const std::uint64_t outer_end = h.header_length + h.content_length;
  if (e == Element::kBad || h.tag != der::kSequence || outer_end <= stream_above_) {
    whole_ = true;
    return;
  }
  std::uint64_t pos = h.header_length;
  if ((e = element(head_, pos, true, &h)) == Element::kNeedMore) return;
  if (e == Element::kBad || h.tag != der::kSequence) {
    whole_ = true;
    return;
  }
  const std::uint64_t tbs_begin = pos;
  const std::uint64_t tbs_end = pos + h.header_length + h.content_length;
  pos += h.header_length;
  // version OPTIONAL, signature, issuer, thisUpdate, nextUpdate OPTIONAL:
  // each whole before the next is looked at.
  const auto field = [&](auto fits) {
    if ((e = element(head_, pos, false, &h)) != Element::kOk || !fits(h.tag)) return false;
    pos += h.header_length + h.content_length;
    return true;
  };
  const auto is = [](std::uint8_t tag) { return [tag](std::uint8_t t) { return t == tag; }; };
  const auto is_time = [](std::uint8_t t) {
    return t == der::kUtcTime || t == der::kGeneralizedTime;
  };
  field(is(der::kInteger));
  if (e == Element::kNeedMore) return;
  const std::uint64_t signature_at = pos;
  bool framed = e == Element::kOk && field(is(der::kSequence));
  const std::uint64_t signature_end = pos;
  framed = framed && field(is(der::kSequence));
  const std::uint64_t this_update_at = pos;
  framed = framed && field(is_time);
  if (e == Element::kNeedMore) return;
  if (!framed) {
    whole_ = true;
    return;
  }
  field(is_time);
  if (e == Element::kNeedMore) return;
  if (e == Element::kBad) {
    whole_ = true;
    return;
  }
  if ((e = element(head_, pos, true, &h)) == Element::kNeedMore) return;
  const std::uint64_t gap_begin = pos + h.header_length;
  const std::uint64_t gap_end = gap_begin + h.content_length;
  if (e == Element::kBad || h.tag != der::kSequence || h.content_length == 0 || gap_end > tbs_end ||
      tbs_end > outer_end) {
    whole_ = true;
    return;
  }
  if (key_ != nullptr) {
    signature_ = std::make_unique<SignatureStream>();
    const ByteView algorithm =
        ByteView(head_).subspan(static_cast<std::size_t>(signature_at),
                                static_cast<std::size_t>(signature_end - signature_at));
    if (!signature_->Begin(algorithm, key_)) {
      signature_.reset();
      whole_ = true;  // verified over the whole tbsCertList at the end
      return;
    }
    signature_->Update(ByteView(head_).subspan(static_cast<std::size_t>(tbs_begin),
                                               static_cast<std::size_t>(gap_begin - tbs_begin)));
  }
  // Malformed, it fails ParseCrl, and then no entry is judged against it.
  der::Parser this_update(ByteView(head_).subspan(static_cast<std::size_t>(this_update_at)));
  std::uint8_t time_tag = 0;
  ByteView time;
  if (this_update.PeekTag(&time_tag) && this_update.Read(time_tag, &time)) {
    if (time_tag == der::kUtcTime) der::ParseUtcTime(time, &this_update_);
    if (time_tag == der::kGeneralizedTime) der::ParseGeneralizedTime(time, &this_update_);
  }
  located_ = true;
  tbs_begin_ = tbs_begin;
  tbs_end_ = tbs_end;
  gap_begin_ = gap_begin;
  gap_end_ = gap_end;
  entry_offset_ = gap_begin;
  Bytes rest(head_.begin() + static_cast<std::ptrdiff_t>(gap_begin), head_.end());
  head_.resize(static_cast<std::size_t>(gap_begin));
  head_.shrink_to_fit();
  Consume(rest, gap_begin);
  for (Bytes& batch : batches_) batch.reserve(kBatch);
  batch_at_ = total_;
  // The two digests on threads of their own, the entries walked on this one.
  hashers_.push_back(std::make_unique<Hasher>([sha = sha_.get()](ByteView data, std::uint64_t) {
    EVP_DigestUpdate(sha, data.data(), data.size());
  }));
  if (signature_) {
    hashers_.push_back(std::make_unique<Hasher>(
        [signature = signature_.get(), tbs_end = tbs_end_](ByteView data, std::uint64_t at) {
          if (at < tbs_end) {
            signature->Update(
                data.first(static_cast<std::size_t>(std::min(at + data.size(), tbs_end) - at)));
          }
        }));
  }
}

// Hands the current batch to the digest threads and walks it here
// meanwhile; the next one reuses the oldest buffer once both have hashed it.
void CrlStream::Flush() {
  Bytes& batch = batches_[slot_];
  if (batch.empty()) return;
  Submit(batch);
  handed_over_[slot_] = submitted_;
  Consume(batch, batch_at_);
  batch_at_ += batch.size();
  slot_ = (slot_ + 1) % kBatches;
  for (const auto& hasher : hashers_) hasher->WaitFor(handed_over_[slot_]);
  batches_[slot_].clear();
}

// A held chunk, or one of a batch or more, is hashed where it lies, a
// batch at a time, while it is walked here: no copy.
void CrlStream::HashInPlace(ByteView chunk) {
  Flush();  // the bytes before it first
  for (std::size_t at = 0; at < chunk.size(); at += kBatch) {
    const ByteView piece = chunk.subspan(at, std::min(kBatch, chunk.size() - at));
    Submit(piece);
    Consume(piece, batch_at_);
    batch_at_ += piece.size();
  }
}

void CrlStream::Submit(ByteView data) {
  for (const auto& hasher : hashers_) hasher->Submit(data, batch_at_);
  ++submitted_;
}

// Bytes at offset `at` onwards, past the fields before the entries.
void CrlStream::Consume(ByteView data, std::uint64_t at) {
  const std::uint64_t end = at + data.size();
  if (signature_ && hashers_.empty() && at < tbs_end_) {
    signature_->Update(data.first(static_cast<std::size_t>(std::min(end, tbs_end_) - at)));
  }
  if (at < gap_end_) {
    const std::size_t n = static_cast<std::size_t>(std::min(end, gap_end_) - at);
    WalkEntries(data.first(n));
    data = data.subspan(n);
  }
  tail_.insert(tail_.end(), data.begin(), data.end());
}

void CrlStream::WalkEntries(ByteView data) {
  while (!data.empty() && !entries_done_) {
    if (carry_.empty()) {
      data = data.subspan(WalkUsual(data));
      if (data.empty() || entries_done_) break;
      const std::size_t used = Step(data);
      if (entries_done_) break;
      if (used == 0) {
        carry_.assign(data.begin(), data.end());
        break;
      }
      data = data.subspan(used);
      continue;
    }
    // Top the carried entry up to its header, then to its whole length.
    std::size_t want = 1;
    der::Header h;
    const std::uint64_t remaining = gap_end_ - entry_offset_;
    if (der::ParseHeader(carry_, &h)) {
      want = static_cast<std::size_t>(
          std::min<std::uint64_t>(h.header_length + h.content_length, remaining) - carry_.size());
    } else if (carry_.size() < std::min<std::uint64_t>(6, remaining)) {
      want = static_cast<std::size_t>(std::min<std::uint64_t>(6, remaining) - carry_.size());
    }
    const std::size_t take = std::min(data.size(), std::max<std::size_t>(want, 1));
    carry_.insert(carry_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
    std::size_t used = WalkUsual(carry_);
    if (used == 0) used = Step(carry_);
    if (entries_done_) break;
    if (used != 0) {
      VisitWalked();  // its serial is in carry_
      Bytes().swap(carry_);
    }
  }
  // The walked entries' serials point into `data` and carry_.
  VisitWalked();
}

std::size_t CrlStream::WalkUsual(ByteView data) {
  std::size_t taken = 0;
  while (!entries_done_) {
    RevokedEntry& entry = walked_.emplace_back();
    const std::size_t used = RevokedIterator::ReadUsual(data.subspan(taken), &entry);
    if (used == 0) {
      walked_.pop_back();
      break;
    }
    taken += used;
    Walked(used);
  }
  return taken;
}

std::size_t CrlStream::Step(ByteView avail) {
  const std::uint64_t remaining = gap_end_ - entry_offset_;
  if (avail.size() > remaining) avail = avail.first(static_cast<std::size_t>(remaining));
  der::Header h;
  const bool framed =
      der::ParseHeader(avail, &h) && h.content_length <= remaining - h.header_length;
  const std::size_t used =
      framed ? static_cast<std::size_t>(h.header_length + h.content_length) : 0;
  if (avail.size() < std::min<std::uint64_t>(6, remaining) || (framed && avail.size() < used)) {
    return 0;
  }
  // RevokedIterator judges the entry (or says why it is malformed) exactly
  // as over the whole list: it sees the same bytes from here. WalkUsual has
  // declined these bytes already.
  RevokedEntry& entry = walked_.emplace_back();
  RevokedIterator it(framed ? avail.first(used) : avail, entry_index_, false);
  if (!it.Next(&entry)) {
    walked_.pop_back();
    entries_error_ = it.error();
    entries_done_ = true;
    return 0;
  }
  Walked(used);
  return used;
}

void CrlStream::Walked(std::size_t used) {
  walked_.back().index = entry_index_++;
  entry_offset_ += used;
  if (entry_offset_ == gap_end_) entries_done_ = true;
  if (walked_.size() == kVisitRun) VisitWalked();
}

void CrlStream::VisitWalked() {
  if (walked_.empty()) return;
  visitor_(walked_);
  walked_.clear();
}

void CrlStream::Finish() {
  if (!hashers_.empty()) {
    Flush();
    hashers_.clear();  // each waits for its last batch
  }
  sha256_.resize(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  EVP_DigestFinal_ex(sha_.get(), sha256_.data(), &n);
  sha256_.resize(n);
  if (!streamed()) return;
  // A body cut inside the entries: ParseCrl finds it truncated.
  mapping_ = std::make_unique<Mapping>(static_cast<std::size_t>(total_));
  std::memcpy(mapping_->bytes(), head_.data(), head_.size());
  if (!tail_.empty()) {
    std::memcpy(mapping_->bytes() + gap_end_, tail_.data(), tail_.size());
  }
  Bytes().swap(head_);
  Bytes().swap(tail_);
  Bytes().swap(carry_);
}

ByteView CrlStream::body() const {
  if (mapping_) return ByteView(mapping_->bytes(), mapping_->size);
  return head_;
}

SignatureStatus CrlStream::Signature(ByteView algorithm_identifier_der,
                                     ByteView signature_bit_string, std::string* detail) {
  // Without a key nothing is read beyond the algorithm; with one, Locate
  // streams only once the signature stream has begun.
  if (!signature_) {
    return CheckSignature(algorithm_identifier_der, {}, signature_bit_string, nullptr, detail);
  }
  return signature_->Finish(algorithm_identifier_der, signature_bit_string, detail);
}

}  // namespace preflight::pki
