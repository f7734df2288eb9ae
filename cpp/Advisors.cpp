#include "Advisors.h"

#include "Records.h"

#include "llvm/CodeGen/LiveInterval.h"
#include "llvm/CodeGen/LiveRegMatrix.h"
#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/CodeGen/RegAllocEvictionAdvisor.h"
#include "llvm/CodeGen/RegAllocPriorityAdvisor.h"
#include "llvm/CodeGen/TargetRegisterInfo.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"

#include <memory>

using namespace llvm;

namespace rl4real {
namespace {

class AdvisedPriority final : public RegAllocPriorityAdvisor {
public:
  AdvisedPriority(const MachineFunction &MF, const RAGreedy &RA, SlotIndexes *SI,
                  PendingFunction *P)
      : RegAllocPriorityAdvisor(MF, RA, SI),
        Default(std::make_unique<DefaultPriorityAdvisor>(MF, RA, SI)), P(P) {}

  unsigned getPriority(const LiveInterval &LI) const override {
    unsigned Prio = Default->getPriority(LI);
    if (!P)
      return Prio;
    ++P->Record.PriorityCalls;
    // Bit 31 clear: a range greedy deferred after trying to split it; its place stays greedy's.
    if (!(Prio >> 31) || P->Priority.empty())
      return Prio;
    auto It = P->Priority.find(LI.reg().id());
    if (It == P->Priority.end())
      return Prio;
    unsigned Advised = (Prio & (3u << 30)) | It->second; // greedy's hint and stage bits stay
    P->Record.PrioritiesChanged += Advised != Prio;
    return Advised;
  }

private:
  std::unique_ptr<RegAllocPriorityAdvisor> Default; // called through the base: its override is private
  PendingFunction *P;
};

class AdvisedEviction final : public RegAllocEvictionAdvisor {
public:
  AdvisedEviction(const MachineFunction &MF, const RAGreedy &RA, PendingFunction *P)
      : RegAllocEvictionAdvisor(MF, RA), Default(std::make_unique<DefaultEvictionAdvisor>(MF, RA)),
        P(P) {}

  MCRegister tryFindEvictionCandidate(const LiveInterval &VirtReg, const AllocationOrder &Order,
                                      uint8_t CostPerUseLimit,
                                      const SmallVirtRegSet &FixedRegisters) const override {
    MCRegister Reg =
        Default->tryFindEvictionCandidate(VirtReg, Order, CostPerUseLimit, FixedRegisters);
    if (!P)
      return Reg;
    ++P->Record.EvictionCalls;
    // Refusing is always safe for a spillable range: greedy splits or spills it instead. An
    // unspillable one must get a register, so its evictions stand.
    if (!Reg || P->Evict.empty() || !VirtReg.isSpillable())
      return Reg;
    if (!refuses(VirtReg, Reg))
      return Reg;
    ++P->Record.EvictionsVetoed;
    return MCRegister();
  }

  bool canEvictHintInterference(const LiveInterval &VirtReg, MCRegister PhysReg,
                                const SmallVirtRegSet &FixedRegisters) const override {
    return Default->canEvictHintInterference(VirtReg, PhysReg, FixedRegisters);
  }

private:
  uint8_t flags(Register Reg) const {
    auto It = P->Evict.find(Reg.id());
    return It == P->Evict.end() ? 0 : It->second;
  }

  /// Does the advice refuse evicting what interferes with VirtReg on PhysReg?
  bool refuses(const LiveInterval &VirtReg, MCRegister PhysReg) const {
    if (flags(VirtReg.reg()) & spec::E_no_evicting)
      return true;
    for (MCRegUnit Unit : TRI->regunits(PhysReg))
      for (const LiveInterval *Intf : Matrix->query(VirtReg, Unit).interferingVRegs())
        if (flags(Intf->reg()) & spec::E_not_evicted)
          return true;
    return false;
  }

  std::unique_ptr<RegAllocEvictionAdvisor> Default;
  PendingFunction *P;
};

// The advice of a function is found through its pending record (the MLRA pass ran first on the
// same thread); a function the pass skipped has none, and gets the default answers.
class PriorityProvider final : public RegAllocPriorityAdvisorProvider {
public:
  PriorityProvider() : RegAllocPriorityAdvisorProvider(AdvisorMode::Default) {}
  std::unique_ptr<RegAllocPriorityAdvisor> getAdvisor(const MachineFunction &MF,
                                                      const RAGreedy &RA,
                                                      SlotIndexes &SI) override {
    return std::make_unique<AdvisedPriority>(MF, RA, &SI, findPending(MF));
  }
};

class EvictionProvider final : public RegAllocEvictionAdvisorProvider {
public:
  explicit EvictionProvider(LLVMContext &Ctx)
      : RegAllocEvictionAdvisorProvider(AdvisorMode::Default, Ctx) {}
  std::unique_ptr<RegAllocEvictionAdvisor> getAdvisor(const MachineFunction &MF,
                                                      const RAGreedy &RA,
                                                      MachineBlockFrequencyInfo *,
                                                      MachineLoopInfo *) override {
    return std::make_unique<AdvisedEviction>(MF, RA, findPending(MF));
  }
};

// The analyses greedy asks for: same pass IDs as LLVM's, so the pass manager hands greedy these.
struct PriorityAnalysis final : RegAllocPriorityAdvisorAnalysisLegacy {
  PriorityAnalysis() : RegAllocPriorityAdvisorAnalysisLegacy(AdvisorMode::Default) {}
  bool doInitialization(Module &) override {
    Provider = std::make_unique<PriorityProvider>();
    return false;
  }
};

struct EvictionAnalysis final : RegAllocEvictionAdvisorAnalysisLegacy {
  EvictionAnalysis() : RegAllocEvictionAdvisorAnalysisLegacy(AdvisorMode::Default) {}
  bool doInitialization(Module &M) override {
    Provider = std::make_unique<EvictionProvider>(M.getContext());
    return false;
  }
};

} // namespace

void addAdvisors(legacy::PassManagerBase &PM) {
  PM.add(new PriorityAnalysis());
  PM.add(new EvictionAnalysis());
}

} // namespace rl4real
