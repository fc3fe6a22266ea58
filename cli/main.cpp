// The schemaflip binary: everything happens in cli::run.
#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
    return schemaflip::cli::run(argc, argv, std::cout, std::cerr);
}
