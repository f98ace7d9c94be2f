#include "emulator/resource_ids.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace edgesim::emulator {
namespace {

constexpr char kUpperAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr char kLowerAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr int kIdChars = 13;

uint64_t SeedOrRandom(uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

ResourceIds::ResourceIds(uint64_t seed) : rng_(SeedOrRandom(seed)) {}

std::string ResourceIds::Chars(const char* alphabet, int count) {
  std::uniform_int_distribution<size_t> pick(0, std::strlen(alphabet) - 1);
  std::string out(count, ' ');
  for (char& c : out) c = alphabet[pick(rng_)];
  return out;
}

std::string ResourceIds::DistributionId() { return "E" + Chars(kUpperAlnum, kIdChars); }

std::string ResourceIds::DomainName(absl::string_view suffix) {
  return absl::StrCat("d", Chars(kLowerAlnum, kIdChars), ".", suffix);
}

std::string ResourceIds::InvalidationId() { return "I" + Chars(kUpperAlnum, kIdChars); }

std::string ResourceIds::ETag() { return Chars(kUpperAlnum, kIdChars); }

std::string ResourceIds::CachePolicyId() {
  const uint64_t high = rng_();
  const uint64_t low = rng_();
  // RFC 4122 version 4: the version nibble is 4 and the variant bits are 10.
  const uint64_t time_hi = ((high & 0xfff) | 0x4000);
  const uint64_t clock_seq = ((low >> 48) & 0x3fff) | 0x8000;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xffff, time_hi,
                         clock_seq, low & 0xffffffffffffULL);
}

}  // namespace edgesim::emulator
