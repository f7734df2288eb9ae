// Live-range splitting inside one basic block, on public LLVM APIs (SplitKit is private).
//
// split(V, use point U): a new virtual register V' is defined by `V' = COPY V` right before U's
// instruction, and every use of V from that instruction to the end of the block (or to the next
// instruction that redefines V) reads V' instead. V keeps the part before the copy (and stays
// live through the block if it is live-out); V' gets its own register, so the two pieces can be
// allocated separately. LiveIntervals are updated; pieces of V that fall apart become new vregs.
#pragma once

#include "llvm/ADT/SmallVector.h"
#include "llvm/CodeGen/Register.h"

namespace llvm {
class LiveIntervals;
class MachineInstr;
class MachineRegisterInfo;
class TargetInstrInfo;
class VirtRegMap;
} // namespace llvm

namespace rl4real {

/// spec::R_ok if V can be split at UseMI, else the refusal code.
int checkSplitPoint(llvm::Register V, const llvm::MachineInstr &UseMI);

/// Performs a split that checkSplitPoint accepted; returns the new virtual registers.
llvm::SmallVector<llvm::Register, 4> splitAt(llvm::Register V, llvm::MachineInstr &UseMI,
                                             llvm::LiveIntervals &LIS, llvm::VirtRegMap &VRM,
                                             llvm::MachineRegisterInfo &MRI,
                                             const llvm::TargetInstrInfo &TII);

} // namespace rl4real
