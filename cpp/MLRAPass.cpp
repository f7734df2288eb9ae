// The MLRA pass: per machine function, the graph, the policy call through the bridge, and what
// greedy is left with. The host session is CompilerHost, the report passes ReportPasses.cpp.
#include "MLRAPass.h"

#include "Bridge.h"
#include "CompilerHost.h"
#include "Diagnostics.h"
#include "Embeddings.h"
#include "InterferenceGraph.h"
#include "Options.h"
#include "Records.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/CodeGen/CalcSpillWeights.h"
#include "llvm/CodeGen/LiveIntervals.h"
#include "llvm/CodeGen/LiveRegMatrix.h"
#include "llvm/CodeGen/MachineBlockFrequencyInfo.h"
#include "llvm/CodeGen/MachineLoopInfo.h"
#include "llvm/CodeGen/RegisterClassInfo.h"
#include "llvm/CodeGen/SlotIndexes.h"
#include "llvm/CodeGen/TargetRegisterInfo.h"
#include "llvm/CodeGen/TargetSubtargetInfo.h"
#include "llvm/CodeGen/VirtRegMap.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

using namespace llvm;

namespace rl4real {
namespace {

double msSince(std::chrono::steady_clock::time_point T0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - T0).count();
}

/// The register tables of a target, built on its first function and shared after (the triple
/// fixes the register file; codegen threads of ThinLTO share the map).
std::shared_ptr<const TargetRegisters> targetRegisters(const std::string &Triple,
                                                       const TargetRegisterInfo &TRI) {
  static std::mutex Lock;
  static auto *Tables = new std::map<std::string, std::shared_ptr<const TargetRegisters>>;
  std::lock_guard<std::mutex> L(Lock);
  auto &Entry = (*Tables)[Triple];
  if (!Entry) {
    auto R = std::make_shared<TargetRegisters>();
    R->Names.reserve(TRI.getNumRegs());
    R->Units.resize(TRI.getNumRegs());
    for (unsigned Reg = 0; Reg < TRI.getNumRegs(); ++Reg) {
      R->Names.push_back(TRI.getName(Reg));
      if (Reg) // register 0 is "no register"
        for (MCRegUnit U : TRI.regunits(MCRegister(Reg)))
          R->Units[Reg].push_back(int32_t(static_cast<unsigned>(U)));
    }
    Entry = std::move(R);
  }
  return Entry;
}

} // namespace

char MLRAPass::ID = 0;

void MLRAPass::getAnalysisUsage(AnalysisUsage &AU) const {
  // Greedy must receive these very instances, with the policy's assignments in them.
  AU.setPreservesAll();
  AU.addRequired<SlotIndexesWrapperPass>();
  AU.addRequired<LiveIntervalsWrapperPass>();
  AU.addRequired<VirtRegMapWrapperLegacy>();
  AU.addRequired<LiveRegMatrixWrapperLegacy>();
  AU.addRequired<MachineLoopInfoWrapperPass>();
  AU.addRequired<MachineBlockFrequencyInfoWrapperPass>();
  MachineFunctionPass::getAnalysisUsage(AU);
}

bool MLRAPass::runOnMachineFunction(MachineFunction &MF) {
  auto T0 = std::chrono::steady_clock::now();
  if (MF.getFunction().hasOptNone())
    return false;

  PendingFunction &P = startPending(MF);
  FunctionRecord &Rec = P.Record;
  Rec.Function = MF.getName().str();
  Rec.File = MF.getFunction().getParent()->getSourceFileName();
  Rec.Target = MF.getTarget().getTargetTriple().str();

  appendTriplets(MF);

  auto &LIS = getAnalysis<LiveIntervalsWrapperPass>().getLIS();
  auto &VRM = getAnalysis<VirtRegMapWrapperLegacy>().getVRM();
  auto &Matrix = getAnalysis<LiveRegMatrixWrapperLegacy>().getLRM();
  auto &Loops = getAnalysis<MachineLoopInfoWrapperPass>().getLI();
  auto &MBFI = getAnalysis<MachineBlockFrequencyInfoWrapperPass>().getMBFI();
  RegisterClassInfo RCI;
  RCI.runOnMachineFunction(MF);
  int64_t SplitBudget = options::getInt(options::SplitBudget);
  GraphContext Ctx{MF, LIS, VRM, Matrix, Loops, MBFI, RCI, nullptr, SplitBudget > 0};

  // Greedy renumbers the slot indexes first thing (sizes, distances and spill weights depend on
  // the numbering); done here too, the policy sees the values greedy will see.
  LIS.getSlotIndexes()->packIndexes();
  InterferenceGraph G;
  G.collectNodes(Ctx);
  Rec.Nodes = int64_t(G.Nodes.size());
  auto LeaveToGreedy = [&](const char *Why) {
    Rec.LeftToGreedy = Rec.Nodes;
    Rec.Edges = G.NumEdges;
    Rec.Fallback = Why;
    Rec.PassMs = msSince(T0);
    return false;
  };
  if (Rec.Nodes < options::getInt(options::MinSize))
    return LeaveToGreedy("below_min_size");
  if (policySwitchedOff()) // after a timeout or too many faults: nothing of Python runs again
    return LeaveToGreedy("policy_off");

  bool Strict = options::getBool(options::Strict);
  Ctx.Vocab = Vocabulary::get();
  if (Strict && !Vocabulary::loadError().empty())
    reportError(MF, "instruction embeddings off: " + Vocabulary::loadError() + " (strict mode)");
  // Greedy computes the same weights and hints again when it starts; the policy needs them now.
  VirtRegAuxInfo VRAI(MF, LIS, VRM, Loops, MBFI);
  VRAI.calculateSpillWeightsAndHints();
  if (!G.build(Ctx, options::getInt(options::MaxEdges)))
    return LeaveToGreedy("too_large"); // edges past max-edges: the graph alone would cost more
                                       // memory than greedy uses
  std::vector<std::string> Classes = G.ClassNames;
  std::sort(Classes.begin(), Classes.end());
  Rec.RegClasses = join(Classes, ",");

  Rec.PolicyRan = true; // from here on the policy is asked
  const TargetRegisterInfo &TRI = *MF.getSubtarget().getRegisterInfo();
  CompilerHost S(G, Ctx, VRAI, P, SplitBudget);
  PolicyRequest Req;
  Req.Host = &S;
  Req.Meta = {{"function", Rec.Function}, {"file", Rec.File}, {"target", Rec.Target},
              {"spec_version", std::to_string(spec::Version)}};
  Req.RegClasses = G.ClassNames;
  Req.Registers = targetRegisters(Rec.Target, TRI);
  Req.Config = options::all();
  Req.TimeoutS = std::max(0.0, options::getNumber(options::Timeout));

  PolicyResult Res = runPolicy(Req);
  Rec.PolicyMs = Res.Ms;
  if (!Res.Ok) {
    S.undo();
    Rec.Fallback = Res.Error;
    policyFault(MF, Res.Error, Res.Fatal, Strict);
  } else if (Strict && Rec.refusedTotal()) {
    reportError(MF, "policy failed on function '" + MF.getName().str() + "': " +
                        std::to_string(Rec.refusedTotal()) + " decision(s) refused (strict mode)");
  }
  Rec.Nodes = int64_t(G.Nodes.size()); // splits add nodes
  Rec.Edges = G.NumEdges;
  Rec.AssignedByPolicy = Rec.Assigned = int64_t(P.Assignments.size()); // until KeptCheckPass
  Rec.LeftToGreedy = Rec.Nodes - Rec.AssignedByPolicy;
  Rec.PassMs = msSince(T0);
  return !P.Assignments.empty();
}

} // namespace rl4real
