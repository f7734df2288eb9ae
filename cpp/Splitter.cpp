#include "Splitter.h"

#include "rl4real_spec.h"

#include "llvm/CodeGen/LiveIntervals.h"
#include "llvm/CodeGen/MachineInstrBuilder.h"
#include "llvm/CodeGen/MachineRegisterInfo.h"
#include "llvm/CodeGen/TargetInstrInfo.h"
#include "llvm/CodeGen/VirtRegMap.h"

using namespace llvm;

namespace rl4real {
namespace {

bool definesReg(const MachineInstr &MI, Register V) {
  for (const MachineOperand &MO : MI.operands())
    if (MO.isReg() && MO.getReg() == V && MO.isDef())
      return true;
  return false;
}

} // namespace

int checkSplitPoint(Register V, const MachineInstr &UseMI) {
  if (UseMI.isPHI() || UseMI.isDebugInstr() || UseMI.isBundled() || !UseMI.readsVirtualRegister(V))
    return spec::R_split_point;
  if (definesReg(UseMI, V))
    return spec::R_split_tied; // two-address: the use is tied to a redefinition
  const MachineBasicBlock &MBB = *UseMI.getParent();
  for (auto It = UseMI.getIterator(); It != MBB.end(); ++It) {
    if (It->isDebugInstr())
      continue;
    if (&*It != &UseMI && definesReg(*It, V))
      break; // the piece ends before the next def (which keeps reading V if tied)
    for (const MachineOperand &MO : It->operands()) {
      if (!MO.isReg() || MO.getReg() != V)
        continue;
      if (MO.getSubReg())
        return spec::R_split_subreg;
      if (MO.isTied() || MO.isEarlyClobber() || MO.isUndef())
        return spec::R_split_tied;
    }
  }
  return spec::R_ok;
}

SmallVector<Register, 4> splitAt(Register V, MachineInstr &UseMI, LiveIntervals &LIS,
                                 VirtRegMap &VRM, MachineRegisterInfo &MRI,
                                 const TargetInstrInfo &TII) {
  MachineBasicBlock &MBB = *UseMI.getParent();
  // Not marked as split from V (VirtRegMap::setIsSplitFromReg): the inline spiller would then
  // treat the pieces as one original range, which the shrunk V no longer is.
  Register New = MRI.cloneVirtualRegister(V);
  VRM.grow();
  MachineInstr *Copy =
      BuildMI(MBB, UseMI.getIterator(), UseMI.getDebugLoc(), TII.get(TargetOpcode::COPY), New)
          .addReg(V);
  LIS.InsertMachineInstrInMaps(*Copy);
  for (auto It = UseMI.getIterator(); It != MBB.end(); ++It) {
    if (&*It != &UseMI && !It->isDebugInstr() && definesReg(*It, V))
      break;
    for (MachineOperand &MO : It->operands())
      if (MO.isReg() && MO.getReg() == V && MO.isUse())
        MO.setReg(New);
  }
  MRI.clearKillFlags(V);
  LIS.createAndComputeVirtRegInterval(New);
  LiveInterval &LI = LIS.getInterval(V);
  LIS.shrinkToUses(&LI);
  SmallVector<LiveInterval *, 2> Parts;
  LIS.splitSeparateComponents(LI, Parts);
  SmallVector<Register, 4> NewRegs{New};
  for (LiveInterval *P : Parts)
    NewRegs.push_back(P->reg());
  VRM.grow();
  return NewRegs;
}

} // namespace rl4real
