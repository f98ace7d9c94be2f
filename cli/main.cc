#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/huge_page_heap.h"

int main(int argc, char** argv) {
  edgesim::cli::ReexecWithHugePageHeap(argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  return edgesim::cli::RunApp(args, std::cout, std::cerr);
}
