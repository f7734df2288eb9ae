#include "MLRAPass.h"

#include "Bridge.h"
#include "Diagnostics.h"
#include "Embeddings.h"
#include "InterferenceGraph.h"
#include "Options.h"
#include "Records.h"
#include "Score.h"
#include "Splitter.h"

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
#include <cmath>
#include <tuple>

using namespace llvm;

namespace rl4real {
namespace {

double msSince(std::chrono::steady_clock::time_point T0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - T0).count();
}

/// Applies the policy's decisions to LiveRegMatrix as they arrive, after validating them.
class Session final : public HostSession {
public:
  Session(InterferenceGraph &G, GraphContext &Ctx, VirtRegAuxInfo &VRAI, PendingFunction &P,
          int64_t SplitBudget)
      : G(G), Ctx(Ctx), VRAI(VRAI), Matrix(Ctx.Matrix),
        TRI(*Ctx.MF.getSubtarget().getRegisterInfo()), P(P), SplitBudget(SplitBudget),
        Assigned(G.Nodes.size(), false) {}

  int assign(int64_t Node, int64_t Reg) override {
    int Code = check(Node, Reg);
    if (Code == spec::R_ok) {
      const GraphNode &N = G.Nodes[Node];
      Matrix.assign(*N.LI, MCRegister(unsigned(Reg)));
      Assigned[Node] = true;
      P.Assignments.emplace_back(N.Reg, MCRegister(unsigned(Reg)));
    }
    ++P.Record.Refused[Code];
    return Code;
  }

  int split(int64_t Node, int64_t UseIndex) override {
    int Code = trySplit(Node, UseIndex);
    ++P.Record.Refused[Code];
    return Code;
  }

  const GraphBuffers &graph() override { return G.Buffers; }

  bool isFree(int64_t Node, int64_t Reg) override { return check(Node, Reg) == spec::R_ok; }

  std::vector<uint8_t> freeCandidates(int64_t Node) override {
    std::vector<uint8_t> Free;
    if (Node < 0 || Node >= int64_t(G.Nodes.size()))
      return Free;
    const GraphNode &N = G.Nodes[Node];
    for (unsigned C = N.CandBegin; C < N.CandEnd; ++C)
      Free.push_back(!Assigned[Node] &&
                     Matrix.checkInterference(*N.LI, MCRegister(G.CandRegs[C])) ==
                         LiveRegMatrix::IK_Free);
    return Free;
  }

  int64_t colourInOrder(const double *NodeScore, const uint8_t *Visit, size_t NumNodes,
                        const double *Score, size_t NumScore, const double *Leave,
                        std::vector<int64_t> &AssignedPairs) override {
    // numpy's round(x, 4): scale, round half to even, unscale.
    auto Rounded = [](double X) { return std::nearbyint(X * 1e4) / 1e4; };
    // numpy's stable argsort of -score: highest first, lowest index on ties, NaN last
    std::vector<std::tuple<bool, double, int64_t>> Order;
    for (size_t Node = 0; Node < NumNodes && Node < G.Nodes.size(); ++Node)
      if (Visit[Node]) {
        double Key = -Rounded(NodeScore[Node]);
        Order.emplace_back(std::isnan(Key), std::isnan(Key) ? 0.0 : Key, int64_t(Node));
      }
    std::sort(Order.begin(), Order.end());
    int64_t Decisions = 0;
    for (auto [IsNaN, Key, Node] : Order) {
      const GraphNode &N = G.Nodes[Node];
      if (N.CandEnd > NumScore)
        continue;
      std::vector<uint8_t> Free = freeCandidates(Node);
      if (std::find(Free.begin(), Free.end(), 1) == Free.end())
        continue;
      ++Decisions;
      double Best = Rounded(Leave[Node]);
      int64_t Pick = -1;
      for (int64_t C = int64_t(Free.size()) - 1; C >= 0; --C) {
        if (!Free[C])
          continue;
        double S = Rounded(Score[N.CandBegin + C]); // rounded once per candidate
        if (S >= Best) {
          Best = S;
          Pick = C;
        }
      }
      if (Pick < 0)
        continue; // "leave to greedy" scored highest
      int64_t Reg = G.CandRegs[N.CandBegin + Pick];
      if (assign(Node, Reg) == spec::R_ok) {
        AssignedPairs.push_back(Node);
        AssignedPairs.push_back(Reg);
      }
    }
    return Decisions;
  }

  void countDecisions(int64_t N) override { P.Record.Decisions += N; }

  void degrade(const std::string &Why) override { P.Record.Degraded = Why; }

  /// Undoes every assignment (the policy failed: greedy gets the whole function).
  void undo() {
    for (unsigned N = 0; N < Assigned.size(); ++N)
      if (Assigned[N])
        Matrix.unassign(*G.Nodes[N].LI);
    Assigned.assign(Assigned.size(), false);
    P.Assignments.clear();
  }

private:
  int trySplit(int64_t Node, int64_t UseIndex) {
    if (Node < 0 || Node >= int64_t(G.Nodes.size()))
      return spec::R_bad_value;
    if (Assigned[Node])
      return spec::R_already_assigned;
    if (P.Record.Split >= SplitBudget)
      return spec::R_split_budget;
    GraphNode &N = G.Nodes[Node];
    if (UseIndex < 0 || UseIndex >= int64_t(N.UseEnd - N.UseBegin))
      return spec::R_split_point;
    MachineInstr &UseMI = *G.UseInstrs[N.UseBegin + UseIndex];
    if (int Code = checkSplitPoint(N.Reg, UseMI))
      return Code;
    MachineFunction &MF = Ctx.MF;
    SmallVector<Register, 4> NewRegs = splitAt(N.Reg, UseMI, Ctx.LIS, Ctx.VRM, MF.getRegInfo(),
                                               *MF.getSubtarget().getInstrInfo());
    VRAI.calculateSpillWeightAndHint(*N.LI);
    for (Register R : NewRegs)
      VRAI.calculateSpillWeightAndHint(Ctx.LIS.getInterval(R));
    ++P.Record.Split;
    G.collectNodes(Ctx);
    G.build(Ctx);
    Assigned.resize(G.Nodes.size(), false);
    return spec::R_ok;
  }

  int check(int64_t Node, int64_t Reg) const {
    if (Node < 0 || Node >= int64_t(G.Nodes.size()) || Reg <= 0 || Reg >= TRI.getNumRegs())
      return spec::R_bad_value;
    if (Assigned[Node])
      return spec::R_already_assigned;
    const GraphNode &N = G.Nodes[Node];
    auto Begin = G.CandRegs.begin() + N.CandBegin, End = G.CandRegs.begin() + N.CandEnd;
    if (std::find(Begin, End, MCPhysReg(Reg)) == End)
      return spec::R_not_candidate;
    if (Matrix.checkInterference(*N.LI, MCRegister(unsigned(Reg))) != LiveRegMatrix::IK_Free)
      return spec::R_interferes;
    return spec::R_ok;
  }

  InterferenceGraph &G;
  GraphContext &Ctx;
  VirtRegAuxInfo &VRAI;
  LiveRegMatrix &Matrix;
  const TargetRegisterInfo &TRI;
  PendingFunction &P;
  int64_t SplitBudget;
  std::vector<bool> Assigned;
};

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
  Rec.PolicyRan = true;

  std::string TripletsPath = options::get(options::Triplets);
  if (!TripletsPath.empty()) {
    std::string Triplets = mir2vecTriplets(MF), Err;
    if (!Triplets.empty() && !appendLine(TripletsPath, Triplets, Err))
      reportWarning(MF, "cannot write triplets to '" + TripletsPath + "': " + Err);
  }

  auto &LIS = getAnalysis<LiveIntervalsWrapperPass>().getLIS();
  auto &VRM = getAnalysis<VirtRegMapWrapperLegacy>().getVRM();
  auto &Matrix = getAnalysis<LiveRegMatrixWrapperLegacy>().getLRM();
  auto &Loops = getAnalysis<MachineLoopInfoWrapperPass>().getLI();
  auto &MBFI = getAnalysis<MachineBlockFrequencyInfoWrapperPass>().getMBFI();
  RegisterClassInfo RCI;
  RCI.runOnMachineFunction(MF);
  int64_t SplitBudget = options::getInt(options::SplitBudget);
  GraphContext Ctx{MF, LIS, VRM, Matrix, Loops, MBFI, RCI, nullptr, SplitBudget > 0};

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

  const TargetRegisterInfo &TRI = *MF.getSubtarget().getRegisterInfo();
  Session S(G, Ctx, VRAI, P, SplitBudget);
  PolicyRequest Req;
  Req.Graph = &G.Buffers;
  Req.Host = &S;
  Req.Meta = {{"function", Rec.Function}, {"file", Rec.File}, {"target", Rec.Target},
              {"spec_version", std::to_string(spec::Version)}};
  Req.RegClasses = G.ClassNames;
  Req.RegNames.reserve(TRI.getNumRegs());
  for (unsigned R = 0; R < TRI.getNumRegs(); ++R)
    Req.RegNames.push_back(TRI.getName(R));
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
  Rec.AssignedByPolicy = Rec.Kept = int64_t(P.Assignments.size());
  Rec.LeftToGreedy = Rec.Nodes - Rec.AssignedByPolicy;
  Rec.PassMs = msSince(T0);
  return !P.Assignments.empty();
}

char KeptCheckPass::ID = 0;

void KeptCheckPass::getAnalysisUsage(AnalysisUsage &AU) const {
  AU.setPreservesAll();
  AU.addRequired<VirtRegMapWrapperLegacy>();
  MachineFunctionPass::getAnalysisUsage(AU);
}

bool KeptCheckPass::runOnMachineFunction(MachineFunction &MF) {
  PendingFunction *P = findPending(MF);
  if (!P)
    return false;
  auto &VRM = getAnalysis<VirtRegMapWrapperLegacy>().getVRM();
  int64_t Kept = 0;
  for (auto [Reg, Phys] : P->Assignments)
    Kept += VRM.hasPhys(Reg) && VRM.getPhys(Reg) == Phys;
  P->Record.Kept = Kept;
  return false;
}

char ReportPass::ID = 0;

void ReportPass::getAnalysisUsage(AnalysisUsage &AU) const {
  AU.setPreservesAll();
  if (!options::get(options::Report).empty()) // scoring needs block frequencies
    AU.addRequired<MachineBlockFrequencyInfoWrapperPass>();
  MachineFunctionPass::getAnalysisUsage(AU);
}

bool ReportPass::runOnMachineFunction(MachineFunction &MF) {
  PendingFunction P;
  if (!takePending(MF, P)) { // RL allocation off: a stock allocator's function, scored only
    P.Record.Function = MF.getName().str();
    P.Record.File = MF.getFunction().getParent()->getSourceFileName();
    P.Record.Target = MF.getTarget().getTargetTriple().str();
  }
  std::string Path = options::get(options::Report);
  if (Path.empty())
    return false;
  AllocationScore S =
      scoreFunction(MF, getAnalysis<MachineBlockFrequencyInfoWrapperPass>().getMBFI());
  P.Record.Score = S.Score;
  P.Record.Copies = S.Copies;
  P.Record.Spills = S.Spills;
  P.Record.Reloads = S.Reloads;
  std::string Err;
  if (!appendLine(Path, P.Record.toJson(), Err))
    reportWarning(MF, "cannot write report '" + Path + "': " + Err);
  return false;
}

} // namespace rl4real
