// event_stream_reader.h — reads `edgesim serve`'s /_edgesim/events (cli/console.h) as a browser's
// EventSource would, over a real socket, for the emulator's and the CLI's tests.
//
//   absl::StatusOr<EventStream> s = ReadEventStream(serve->Api(), 3);
//   s->events[0]["x_cache"];   // "Miss from cloudfront"
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace edgesim::emulator::testing {

struct EventStream {
  int status = 0;
  std::string content_type;
  std::vector<uint64_t> ids;           // each `id:` line, in order
  std::vector<nlohmann::json> events;  // each `event: request`'s data
  std::string body;                    // what was read when the stream is refused
};

// Reads until `count` events came (then hangs up), the server ends the stream, or the
// client's read timeout (10 s: only a broken stream takes it) passes.
inline absl::StatusOr<EventStream> ReadEventStream(httplib::Client client, size_t count,
                                                   httplib::Headers headers = {},
                                                   const std::string& path = "/_edgesim/events") {
  client.set_read_timeout(10, 0);
  EventStream out;
  std::string pending;
  auto parse_blocks = [&] {
    for (size_t end; (end = pending.find("\n\n")) != std::string::npos;) {
      const std::string block = pending.substr(0, end);
      pending.erase(0, end + 2);
      std::string data;
      for (absl::string_view line : absl::StrSplit(block, '\n')) {
        uint64_t id = 0;
        if (absl::ConsumePrefix(&line, "id: ") && absl::SimpleAtoi(line, &id))
          out.ids.push_back(id);
        if (absl::ConsumePrefix(&line, "data: ")) absl::StrAppend(&data, line);
      }
      if (!data.empty()) out.events.push_back(nlohmann::json::parse(data));
    }
    return out.events.size() < count;
  };
  httplib::Result r = client.Get(
      path, headers,
      [&](const httplib::Response& res) {
        out.status = res.status;
        out.content_type = res.get_header_value("Content-Type");
        return true;
      },
      [&](const char* data, size_t size) {
        if (out.status != 200) {
          out.body.append(data, size);
          return true;
        }
        pending.append(data, size);
        return parse_blocks();
      });
  if (out.events.size() >= count || out.status != 0) return out;
  return absl::UnavailableError(absl::StrCat("GET ", path, ": ", httplib::to_string(r.error())));
}

}  // namespace edgesim::emulator::testing
