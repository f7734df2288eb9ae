// The allocation score of a finished (rewritten) function: one implementation for benchmark
// figures and training rewards. It works for any allocator.
#pragma once

#include <cstdint>

namespace llvm {
class MachineBlockFrequencyInfo;
class MachineFunction;
} // namespace llvm

namespace rl4real {

struct AllocationScore {
  /// MLGO's regalloc score: per block, frequency relative to the entry block times
  /// 0.2 copies + 4 loads + 1 stores + 5 load-and-stores + 0.2 cheap remats + 1 expensive remats.
  double Score = 0;
  int64_t Copies = 0;  ///< COPY instructions left after rewriting
  int64_t Spills = 0;  ///< stores to spill slots, folded ones included
  int64_t Reloads = 0; ///< loads from spill slots, folded ones included
};

AllocationScore scoreFunction(const llvm::MachineFunction &MF,
                              const llvm::MachineBlockFrequencyInfo &MBFI);

/// Instructions executed per call of the finished function, estimated from block frequencies:
/// the sum over blocks of frequency relative to the entry block times the block's instructions
/// (meta instructions such as CFI and debug values excluded). Register allocation changes it
/// through spill code, copies, and the callee-saved saves and restores of the prologue and
/// epilogue, which the allocation score does not see.
double estimatedCost(const llvm::MachineFunction &MF, const llvm::MachineBlockFrequencyInfo &MBFI);

} // namespace rl4real
