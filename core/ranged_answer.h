// ranged_answer.h — a viewer's Range request answered from the answer the pipeline made for it
// (SPEC 4.5): the whole object's answer cut to the bytes asked for, where the viewer's answer is
// made, so every driver (serve, play, simulate) cuts the same way and a range comes from the copy
// the viewer would have got whole (the compressed one, when there is one).
//
// Which answers are cut (policy/byte_range.h decides the bytes):
// * a 200 with its whole body: a hit, or a miss whose fetch asked the origin for the whole
//   object, the widest range (SPEC 4.5: CloudFront "may request a larger range");
// * not one whose Range went to the origin (a behavior that does not cache): the origin's 206 or
//   whole 200 is relayed as it came;
// * not a chunked answer from upstream: the viewer gets it whole (DG/RangeGETs.html);
// * not a body the origin cut short (SPEC 4.3), nor 304s, errors and other statuses.
//
//   EdgeResult r = pipeline.Handle(pop, viewer, now, origin);   // 200, 1000 bytes
//   CutToRange(viewer, r);                                     // Range: bytes=0-9 -> 206, 10 bytes
#pragma once

#include "core/edge_cache.h"
#include "policy/http_message.h"

namespace edgesim::core {

// Turns `answer` into the 206 (one range, or multipart/byteranges), the 416 (`Content-Range:
// bytes */LEN`, CloudFront's error page) or leaves it whole, for `viewer`'s Range and If-Range.
void CutToRange(const policy::Request& viewer, EdgeResult& answer);

}  // namespace edgesim::core
