// Plugin options (declared in Options.def), each readable from -mllvm or the environment.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rl4real::options {

enum Id {
#define RL4REAL_OPTION(ID, NAME, DEFAULT, DESC) ID,
#include "Options.def"
  NumOptions
};

/// The effective value: command line, else RL4REAL_<NAME>, else the default.
std::string get(Id O);
bool getBool(Id O);
double getNumber(Id O);
/// getNumber as an integer, clamped to +-2^53 (a huge value must not overflow a cast).
int64_t getInt(Id O);

/// All options as (name with '-' replaced by '_', value), for the Python side.
std::vector<std::pair<std::string, std::string>> all();

/// True if the user picked an allocator pipeline explicitly (-regalloc=..., -optimize-regalloc).
bool userChoseRegAlloc();

} // namespace rl4real::options
