// decoded_body.h — a gzip or Brotli body decoded back, for the tests of edge compression
// (SPEC 4.6): zlib's inflate and Brotli's decoder, independent of the encoder under test.
//
//   EXPECT_EQ(DecodedBody(answer.body(), "br"), original);
#pragma once

#include <brotli/decode.h>
#include <zlib.h>

#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace edgesim::compression_testing {

// Bodies in these tests are far below 1 MiB once decoded.
inline constexpr size_t kDecodedBodyLimit = 1 << 20;

// `body` decoded from `coding` ("gzip" or "br"); a failed expectation when it does not decode.
inline std::string DecodedBody(absl::string_view body, absl::string_view coding) {
  std::string out(kDecodedBodyLimit, '\0');
  if (coding == "br") {
    size_t size = out.size();
    EXPECT_EQ(BrotliDecoderDecompress(body.size(), reinterpret_cast<const uint8_t*>(body.data()),
                                      &size, reinterpret_cast<uint8_t*>(out.data())),
              BROTLI_DECODER_RESULT_SUCCESS);
    out.resize(size);
    return out;
  }
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

}  // namespace edgesim::compression_testing
