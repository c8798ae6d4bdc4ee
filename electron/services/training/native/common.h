// Shared helpers of dianjin-trainer: the error type every bad input becomes, and the JSON-lines writer.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

using json = nlohmann::ordered_json;

// A bad input or an unusable file: reported as {"type":"error","message":...} and a non-zero exit, never an abort.
struct TrainerError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string & message) {
    throw TrainerError(message);
}

// One protocol message per line on stdout, flushed at once so the app sees progress as it happens.
inline void emit(const json & message) {
    const std::string line = message.dump(-1, ' ', false, json::error_handler_t::replace);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

// Writes `write(tmpPath)` to a temp file beside `path`, then renames it over `path`: a reader never sees half a file.
template <typename Fn>
void writeAtomically(const std::string & path, Fn write) {
    const std::string tmp = path + ".tmp";
    std::remove(tmp.c_str());
    if (!write(tmp)) {
        std::remove(tmp.c_str());
        fail("Could not write " + path + " (is the folder writable and the disk not full?).");
    }
    std::remove(path.c_str()); // rename() does not replace an existing file on Windows
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        fail("Could not move " + tmp + " to " + path + ".");
    }
}
