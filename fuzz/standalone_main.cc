// A main() for the fuzz targets without libFuzzer: feeds every file named on the command line, or
// found (recursively, in sorted order) under a directory named there, to LLVMFuzzerTestOneInput
// once. CI runs the seed corpus this way in the normal build; a crash or sanitizer report fails it.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

/// The input being run, named by the crash handler.
const char* g_current = "";

void OnCrash(int sig) {
  const char* what = "\nfuzz target crashed on input: ";
  (void)!write(2, what, std::strlen(what));
  (void)!write(2, g_current, std::strlen(g_current));
  (void)!write(2, "\n", 1);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: not a file or directory\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  for (int sig : {SIGILL, SIGSEGV, SIGABRT, SIGFPE, SIGBUS}) std::signal(sig, OnCrash);
  size_t bytes = 0;
  for (const fs::path& f : files) {
    std::string name = f.string();
    g_current = name.c_str();
    std::ifstream in(f, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes += data.size();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  }
  std::printf("ran %zu inputs (%zu bytes) through the fuzz target\n", files.size(), bytes);
  return files.empty() ? 1 : 0;
}
