#include "cli/scripted_origin.h"

#include <string>
#include <utility>

#include "policy/ascii_case.h"

namespace edgesim::cli {

ScriptedOrigin::ScriptedOrigin(sim::OriginScript script, absl::Time epoch,
                               sim::OriginScriptsById per_origin)
    : script_(std::move(script)),
      per_origin_(std::move(per_origin)),
      model_(script_, epoch, {}, per_origin_),
      now_(epoch) {
  const httplib::Server::Handler answer = [this](const httplib::Request& req,
                                                 httplib::Response& res) { Answer(req, res); };
  // HEAD goes to the GET handler; httplib then sends no body.
  server_.Get(".*", answer);
  server_.Post(".*", answer);
  server_.Put(".*", answer);
  server_.Patch(".*", answer);
  server_.Delete(".*", answer);
  server_.Options(".*", answer);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    port_ = 0;
    return;
  }
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs; the socket already listens meanwhile.
  while (!server_.is_running()) std::this_thread::yield();
}

ScriptedOrigin::~ScriptedOrigin() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

void ScriptedOrigin::Restart(absl::Time epoch) {
  std::lock_guard<std::mutex> lock(mu_);
  model_ = sim::OriginModel(script_, epoch, {}, per_origin_);
  now_ = epoch;
  requests_ = 0;
}

void ScriptedOrigin::SetTime(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = now;
}

void ScriptedOrigin::Deploy(const std::vector<std::string>& paths) {
  std::lock_guard<std::mutex> lock(mu_);
  model_.Deploy(paths, now_);
}

int64_t ScriptedOrigin::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void ScriptedOrigin::Answer(const httplib::Request& req, httplib::Response& res) {
  policy::Request request;
  request.method = req.method;
  request.target = req.target;
  for (const auto& [name, value] : req.headers) request.headers.Add(name, value);
  absl::StatusOr<core::OriginResponse> answer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_;
    answer = model_.Answer(request, now_, 0, req.get_header_value(kOriginIdHeader));
  }
  if (!answer.ok()) {
    // Timeouts and refused connections: the live driver refuses such scenarios beforehand.
    res.status = 500;
    return;
  }
  res.status = answer->head.status;
  std::string content_type;
  for (const auto& [name, value] : answer->head.headers.fields()) {
    // httplib frames the body itself; the type goes with the body below.
    if (policy::AsciiEqualsIgnoreCase(name, "content-length")) continue;
    if (answer->body != nullptr && policy::AsciiEqualsIgnoreCase(name, "content-type")) {
      content_type = value;
      continue;
    }
    res.set_header(name, value);
  }
  if (answer->body == nullptr) return;
  // A sized provider, not res.body: httplib compresses a text body by itself for the
  // Accept-Encoding the edge forwards (SPEC 2.4), where the model's origin sends identity.
  const core::BodyRef body = answer->body;
  res.set_content_provider(
      body->size(), content_type, [body](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(body->data() + offset, length);
      });
  if (content_type.empty()) res.headers.erase("Content-Type");
}

}  // namespace edgesim::cli
