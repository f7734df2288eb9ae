#include "Score.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/CodeGen/MachineBlockFrequencyInfo.h"
#include "llvm/CodeGen/MachineFrameInfo.h"
#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/CodeGen/MachineMemOperand.h"
#include "llvm/CodeGen/PseudoSourceValue.h"
#include "llvm/CodeGen/TargetInstrInfo.h"
#include "llvm/CodeGen/TargetSubtargetInfo.h"

using namespace llvm;

namespace rl4real {
namespace {

// MLGO's weights (llvm/lib/CodeGen/RegAllocScore.cpp).
constexpr double CopyWeight = 0.2, LoadWeight = 4, StoreWeight = 1, LoadStoreWeight = 5,
                 CheapRematWeight = 0.2, ExpensiveRematWeight = 1;

bool touchesSpillSlot(const MachineFrameInfo &MFI,
                      const SmallVectorImpl<const MachineMemOperand *> &Accesses) {
  for (const MachineMemOperand *MMO : Accesses)
    if (const auto *PSV = dyn_cast_or_null<FixedStackPseudoSourceValue>(MMO->getPseudoValue()))
      if (MFI.isSpillSlotObjectIndex(PSV->getFrameIndex()))
        return true;
  return false;
}

} // namespace

AllocationScore scoreFunction(const MachineFunction &MF, const MachineBlockFrequencyInfo &MBFI) {
  AllocationScore S;
  const TargetInstrInfo &TII = *MF.getSubtarget().getInstrInfo();
  const MachineFrameInfo &MFI = MF.getFrameInfo();
  SmallVector<const MachineMemOperand *, 2> Accesses;
  for (const MachineBasicBlock &MBB : MF) {
    double Freq = MBFI.getBlockFreqRelativeToEntryBlock(&MBB);
    for (const MachineInstr &MI : MBB) {
      if (MI.isDebugInstr() || MI.isKill() || MI.isInlineAsm())
        continue;
      if (MI.isCopy()) {
        ++S.Copies;
        S.Score += CopyWeight * Freq;
        continue;
      }
      Accesses.clear();
      if (TII.hasLoadFromStackSlot(MI, Accesses) && touchesSpillSlot(MFI, Accesses))
        ++S.Reloads;
      Accesses.clear();
      if (TII.hasStoreToStackSlot(MI, Accesses) && touchesSpillSlot(MFI, Accesses))
        ++S.Spills;
      if (TII.isTriviallyReMaterializable(MI))
        S.Score += (MI.getDesc().isAsCheapAsAMove() ? CheapRematWeight : ExpensiveRematWeight) * Freq;
      else if (MI.mayLoad() && MI.mayStore())
        S.Score += LoadStoreWeight * Freq;
      else if (MI.mayLoad())
        S.Score += LoadWeight * Freq;
      else if (MI.mayStore())
        S.Score += StoreWeight * Freq;
    }
  }
  return S;
}

double estimatedCost(const MachineFunction &MF, const MachineBlockFrequencyInfo &MBFI) {
  double Cost = 0;
  for (const MachineBasicBlock &MBB : MF) {
    unsigned N = 0;
    for (const MachineInstr &MI : MBB)
      N += !MI.isMetaInstruction();
    Cost += double(N) * MBFI.getBlockFreqRelativeToEntryBlock(&MBB);
  }
  return Cost;
}

} // namespace rl4real
