#include "cli/commands.h"

int main(int argc, char** argv) { return ast2graph::cli::Main(argc, argv); }
