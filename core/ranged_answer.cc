#include "core/ranged_answer.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/viewer_head.h"
#include "policy/ascii_case.h"
#include "policy/byte_range.h"
#include "policy/response_head.h"

namespace edgesim::core {
namespace {

// DG/RangeGETs.html: an origin answering with chunked framing gives the viewer the whole object.
bool Chunked(const policy::Headers& headers) {
  for (absl::string_view field : headers.GetAll("Transfer-Encoding")) {
    for (absl::string_view coding : absl::StrSplit(field, ',')) {
      if (policy::AsciiEqualsIgnoreCase(absl::StripAsciiWhitespace(coding), "chunked")) {
        return true;
      }
    }
  }
  return false;
}

// The 416 is CloudFront's own answer, never stored (SPEC 3.5); its page is built once.
const BodyRef& UnsatisfiablePage() {
  static const BodyRef* const kPage = new BodyRef(MakeBody(
      policy::ErrorPageHtml(416, "The requested range is not satisfiable for this object.")));
  return *kPage;
}

void AnswerUnsatisfiable(EdgeResult& r, uint64_t length, bool head_request) {
  const BodyRef& page = UnsatisfiablePage();
  policy::Response head = policy::GeneratedHead(416, page->size());
  head.headers.Add("Content-Range", policy::UnsatisfiedContentRangeValue(length));
  r.viewer = std::move(head);
  r.cut_length = page->size();
  r.body = head_request ? nullptr : page;
  r.body_size = head_request ? 0 : page->size();
}

// The object's bytes `range`. REQUIRES: body != nullptr.
absl::string_view Bytes(const BodyRef& body, const policy::ByteRange& range) {
  return absl::string_view(*body).substr(range.first, range.size());
}

void AnswerPartial(EdgeResult& r, const std::vector<policy::ByteRange>& ranges, uint64_t length,
                   bool head_request) {
  policy::Headers headers = HeadersOf(r);
  uint64_t size = 0;
  BodyRef body;
  if (ranges.size() == 1) {
    size = ranges[0].size();
    headers.Set("Content-Range", policy::ContentRangeValue(ranges[0], length));
    if (r.body != nullptr) body = MakeBody(std::string(Bytes(r.body, ranges[0])));
  } else {
    const policy::MultipartByteranges m =
        policy::MakeMultipartByteranges(ranges, headers.Get("Content-Type").value_or(""), length);
    size = m.size;
    headers.Set("Content-Type", m.content_type);
    if (r.body != nullptr) {
      std::string bytes;
      bytes.reserve(m.size);
      for (const policy::MultipartByteranges::Part& part : m.parts) {
        absl::StrAppend(&bytes, part.head, Bytes(r.body, part.range));
      }
      bytes.append(m.close);
      body = MakeBody(std::move(bytes));
    }
  }
  headers.Set("Content-Length", absl::StrCat(size));
  r.viewer.status = 206;
  r.viewer.headers = std::move(headers);
  r.cut_length = size;
  r.body = head_request ? nullptr : std::move(body);
  r.body_size = head_request ? 0 : size;
}

}  // namespace

void CutToRange(const policy::Request& viewer, EdgeResult& r) {
  if (r.viewer.status != 200 || r.truncated || r.range_forwarded || !viewer.headers.Has("Range")) {
    return;
  }
  if (r.contacted_origin && Chunked(HeadersOf(r))) return;
  const bool head_request = viewer.method == "HEAD";
  // A GET's body is the whole object; a HEAD has none, so its head says how long the object is.
  const absl::optional<uint64_t> length =
      head_request ? ObjectLength(r) : absl::optional<uint64_t>(r.body_size);
  if (!length) return;
  const policy::RangeAnswer a = policy::DecideRange(viewer, HeadersOf(r), *length);
  switch (a.kind) {
    case policy::RangeAnswerKind::kWhole:
      return;
    case policy::RangeAnswerKind::kUnsatisfiable:
      return AnswerUnsatisfiable(r, *length, head_request);
    case policy::RangeAnswerKind::kPartial:
      return AnswerPartial(r, a.ranges, *length, head_request);
  }
}

}  // namespace edgesim::core
