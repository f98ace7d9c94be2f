#include "cli/app.h"

#include <exception>

#include "CLI/CLI.hpp"

namespace edgesim::cli {

int RunApp(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"edgesim: an emulator and simulator of Amazon CloudFront's caching", "edgesim"};
  app.require_subcommand(1);
  CLI::App* version = app.add_subcommand("version", "Print the version");
  version->callback([&] { out << "edgesim 0.1.0\n"; });

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? 0 : 2;
  }
  return 0;
}

}  // namespace edgesim::cli
