// bam-rulesvc: compiles the business catalog to Prometheus rules (and, later, serves alerts).
#include <iostream>
#include <string>
#include <vector>

#include "rulesvc/app/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return bam::rulesvc::RunCli(args, std::cout, std::cerr);
}
