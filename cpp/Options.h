// Plugin options, declared once in python/rl4real/spec.py (OPTIONS; the generated header holds
// the table): each is -mllvm -rl4real-<name> (RL4ReAl's own under their names) and
// RL4REAL_<NAME>. The command line wins over the environment, which wins over the default; an
// empty value means the default.
#pragma once

#include "rl4real_spec.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rl4real::options {

using Id = spec::opt::Id;
using namespace spec::opt; // options::Enable, options::Policy, ...

/// The effective text of an option (command line, else environment, else default).
std::string get(Id O);
/// Typed values; an invalid value (see validate) reads as the default.
bool getBool(Id O);
double getNumber(Id O);
int64_t getInt(Id O);

/// "" when every option's value is valid; else one line per invalid option naming the option,
/// the value and what is accepted (the rule of spec.parse_option).
std::string validate();

/// All options as (key, canonical value) for the Python side: booleans as 1/0, numbers as
/// written by %.17g, text as given.
std::vector<std::pair<std::string, std::string>> all();

/// True if the user picked an allocator pipeline explicitly (-regalloc=..., -optimize-regalloc).
bool userChoseRegAlloc();
/// True if that choice is -regalloc=greedy and nothing else (RL4ReAl's command lines give it).
bool userChoseGreedy();

} // namespace rl4real::options
