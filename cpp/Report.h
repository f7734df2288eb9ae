// One JSON line per machine function, appended atomically to the report file. Its keys are
// declared in python/rl4real/spec.py (REPORT), with the JSON Schema derived from them.
#pragma once

#include "rl4real_spec.h"

#include <array>
#include <cstdint>
#include <string>

namespace rl4real {

struct FunctionRecord {
  std::string Function, File, Target;
  std::string RegClasses; ///< the graph's register classes, sorted, comma-separated
  bool PolicyRan = false; ///< the policy was asked about the function (else greedy alone allocated it)
  int64_t Nodes = 0, Edges = 0;
  int64_t AssignedByPolicy = 0; ///< accepted decisions
  int64_t Assigned = 0;         ///< of those, still assigned after greedy
  int64_t Split = 0, LeftToGreedy = 0;
  int64_t Decisions = 0; ///< model decisions the policy reported (0 for policies without models)
  std::array<int64_t, spec::NumRefusals> Refused{};
  double PolicyMs = 0, PassMs = 0;
  std::string Fallback; ///< empty: none; else why greedy allocated the whole function
  std::string Degraded; ///< empty: none; else why the policy took a cheaper path (e.g. too large)
  double Score = 0;     ///< allocation score (Score.h)
  double EstCost = 0;   ///< estimated instructions per call (Score.h)
  int64_t Copies = 0, Spills = 0, Reloads = 0;
  int64_t Advised = 0; ///< nodes with advice for greedy
  int64_t PriorityCalls = 0, PrioritiesChanged = 0, EvictionCalls = 0, EvictionsVetoed = 0;

  int64_t refusedTotal() const;
  std::string toJson() const;
};

/// Appends Line plus '\n' to Path with one write under an exclusive lock, so lines from
/// parallel compiles never interleave. Returns false (and sets Err) on I/O failure.
bool appendLine(const std::string &Path, const std::string &Line, std::string &Err);

} // namespace rl4real
