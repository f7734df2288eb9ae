// Per-function state shared by the MLRA pass (before greedy), the check pass (after greedy) and
// the report pass (after rewriting). Passes for one function run on one thread, one after the
// other; the map itself is shared between codegen threads and locked.
#pragma once

#include "Report.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/CodeGen/Register.h"
#include "llvm/MC/MCRegister.h"

#include <utility>
#include <vector>

namespace llvm {
class MachineFunction;
}

namespace rl4real {

struct PendingFunction {
  FunctionRecord Record;
  /// The policy's accepted assignments, to tell which survived greedy.
  std::vector<std::pair<llvm::Register, llvm::MCRegister>> Assignments;
  /// The policy's advice for greedy (session.advise), by virtual register number: queue
  /// priorities (bits 0-29) and eviction flags (spec::EvictFlag). Read by Advisors.cpp.
  llvm::DenseMap<unsigned, uint32_t> Priority;
  llvm::DenseMap<unsigned, uint8_t> Evict;
};

/// A fresh record for MF (replacing any stale one left at the same address).
PendingFunction &startPending(const llvm::MachineFunction &MF);
/// The record of MF, or null if the MLRA pass did not run on it.
PendingFunction *findPending(const llvm::MachineFunction &MF);
/// Removes and returns the record of MF (false if there is none).
bool takePending(const llvm::MachineFunction &MF, PendingFunction &Out);

} // namespace rl4real
