#include "CompilerHost.h"

#include "Splitter.h"

#include "llvm/CodeGen/CalcSpillWeights.h"
#include "llvm/CodeGen/LiveIntervals.h"
#include "llvm/CodeGen/LiveRegMatrix.h"
#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/CodeGen/TargetInstrInfo.h"
#include "llvm/CodeGen/TargetRegisterInfo.h"
#include "llvm/CodeGen/TargetSubtargetInfo.h"

#include <algorithm>

using namespace llvm;

namespace rl4real {

CompilerHost::CompilerHost(InterferenceGraph &G, GraphContext &Ctx, VirtRegAuxInfo &VRAI,
                           PendingFunction &P, int64_t SplitBudget)
    : G(G), Ctx(Ctx), VRAI(VRAI), Matrix(Ctx.Matrix),
      TRI(*Ctx.MF.getSubtarget().getRegisterInfo()), P(P), SplitBudget(SplitBudget),
      Assigned(G.Nodes.size(), false) {}

int CompilerHost::assign(int64_t Node, int64_t Reg) {
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

int CompilerHost::split(int64_t Node, int64_t UseIndex) {
  int Code = trySplit(Node, UseIndex);
  ++P.Record.Refused[Code];
  return Code;
}

int CompilerHost::advise(const int64_t *Priority, size_t NumPriority, const uint8_t *Evict,
                         size_t NumEvict) {
  const size_t N = G.Nodes.size();
  constexpr unsigned Flags = spec::E_no_evicting | spec::E_not_evicted;
  bool Ok = NumPriority == N && NumEvict == N;
  for (size_t I = 0; Ok && I < N; ++I)
    Ok = Priority[I] >= spec::PriorityKeep && Priority[I] <= spec::PriorityMax &&
         !(Evict[I] & ~Flags);
  int Code = Ok ? int(spec::R_ok) : int(spec::R_bad_value);
  ++P.Record.Refused[Code];
  if (!Ok)
    return Code;
  P.Priority.clear();
  P.Evict.clear();
  P.Record.Advised = 0;
  for (size_t I = 0; I < N; ++I) {
    unsigned Reg = G.Nodes[I].Reg.id();
    if (Priority[I] != spec::PriorityKeep)
      P.Priority[Reg] = uint32_t(Priority[I]);
    if (Evict[I])
      P.Evict[Reg] = Evict[I];
    P.Record.Advised += Priority[I] != spec::PriorityKeep || Evict[I];
  }
  return Code;
}

bool CompilerHost::isFree(int64_t Node, int64_t Reg) { return check(Node, Reg) == spec::R_ok; }

std::vector<uint8_t> CompilerHost::freeCandidates(int64_t Node) {
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

void CompilerHost::undo() {
  for (unsigned N = 0; N < Assigned.size(); ++N)
    if (Assigned[N])
      Matrix.unassign(*G.Nodes[N].LI);
  Assigned.assign(Assigned.size(), false);
  P.Assignments.clear();
  P.Priority.clear();
  P.Evict.clear();
  P.Record.Advised = 0;
}

int CompilerHost::trySplit(int64_t Node, int64_t UseIndex) {
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

int CompilerHost::check(int64_t Node, int64_t Reg) const {
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

} // namespace rl4real
