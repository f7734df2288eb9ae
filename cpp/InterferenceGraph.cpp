#include "InterferenceGraph.h"

#include "Embeddings.h"
#include "Splitter.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/CodeGen/LiveIntervals.h"
#include "llvm/CodeGen/LiveRegMatrix.h"
#include "llvm/CodeGen/MachineBlockFrequencyInfo.h"
#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/CodeGen/MachineLoopInfo.h"
#include "llvm/CodeGen/MachineRegisterInfo.h"
#include "llvm/CodeGen/RegisterClassInfo.h"
#include "llvm/CodeGen/TargetRegisterInfo.h"
#include "llvm/CodeGen/TargetSubtargetInfo.h"
#include "llvm/CodeGen/VirtRegMap.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace rl4real::spec;

namespace rl4real {
namespace {

constexpr float SpillWeightCap = 1e6f;

bool isTileClass(const TargetRegisterInfo &TRI, const TargetRegisterClass *RC) {
  // AMX tiles are allocated by x86's own tile greedy pass; never touch them.
  return StringRef(TRI.getRegClassName(RC)).starts_with("TILE");
}

struct UsePoint {
  MachineInstr *MI;
  SlotIndex Idx;
  const MachineBasicBlock *MBB;
  bool Reads, Writes;
};

} // namespace

void InterferenceGraph::collectNodes(GraphContext &C) {
  MachineRegisterInfo &MRI = C.MF.getRegInfo();
  DenseSet<unsigned> Present;
  for (const GraphNode &N : Nodes)
    Present.insert(N.Reg.id());
  const TargetRegisterInfo &TRI = *C.MF.getSubtarget().getRegisterInfo();

  // Greedy sizes its per-vreg stage table as it enqueues ranges and reads it for interfering
  // ranges; a pre-assigned vreg numbered above every enqueued one is read out of bounds. Leaving
  // the highest-numbered vreg that greedy will enqueue to greedy keeps the table large enough.
  unsigned Highest = ~0u;
  for (unsigned I = MRI.getNumVirtRegs(); I-- > 0;) {
    Register R = Register::index2VirtReg(I);
    if (!MRI.reg_nodbg_empty(R) && MRI.getRegClassOrNull(R) &&
        !isTileClass(TRI, MRI.getRegClass(R))) {
      Highest = I;
      break;
    }
  }

  for (unsigned I = 0, E = MRI.getNumVirtRegs(); I != E; ++I) {
    Register R = Register::index2VirtReg(I);
    if (I == Highest || Present.contains(R.id()) || MRI.reg_nodbg_empty(R) ||
        !C.LIS.hasInterval(R) || C.VRM.hasPhys(R))
      continue;
    const TargetRegisterClass *RC = MRI.getRegClassOrNull(R);
    if (!RC || isTileClass(TRI, RC) || C.RCI.getOrder(RC).empty())
      continue;
    LiveInterval &LI = C.LIS.getInterval(R);
    if (LI.empty())
      continue;
    Nodes.push_back({R, &LI});
  }
}

bool InterferenceGraph::build(GraphContext &C, int64_t MaxEdges) {
  Buffers.clear();
  CandRegs.clear();
  UseInstrs.clear();
  ClassNames.clear();
  ClassIds.clear();
  ClassUnits.clear();
  NumEdges = 0;
  MachineRegisterInfo &MRI = C.MF.getRegInfo();
  for (unsigned N = 0; N < Nodes.size(); ++N) {
    int32_t Class = classId(C, MRI.getRegClass(Nodes[N].Reg));
    NodeUses U = addUsePoints(C, N);
    addNodeFeatures(C, N, Class, U);
    addCandidates(C, N);
  }
  return addEdges(C, MaxEdges);
}

int32_t InterferenceGraph::classId(GraphContext &C, const TargetRegisterClass *RC) {
  auto [It, New] = ClassIds.try_emplace(RC, int32_t(ClassNames.size()));
  if (New) {
    const TargetRegisterInfo &TRI = *C.MF.getSubtarget().getRegisterInfo();
    ClassNames.push_back(TRI.getRegClassName(RC));
    BitVector Units(TRI.getNumRegUnits());
    for (MCPhysReg P : C.RCI.getOrder(RC))
      for (MCRegUnit U : TRI.regunits(P))
        Units.set(static_cast<unsigned>(U));
    ClassUnits.push_back(std::move(Units));
  }
  return It->second;
}

InterferenceGraph::NodeUses InterferenceGraph::addUsePoints(GraphContext &C, unsigned N) {
  GraphNode &G = Nodes[N];
  MachineRegisterInfo &MRI = C.MF.getRegInfo();
  SlotIndexes &SI = *C.LIS.getSlotIndexes();
  const SlotIndex Zero = SI.getZeroIndex();

  // One use point per instruction, in program order.
  SmallVector<UsePoint, 16> Uses;
  SmallPtrSet<const MachineInstr *, 16> Seen;
  for (MachineInstr &MI : MRI.reg_nodbg_instructions(G.Reg)) {
    if (!Seen.insert(&MI).second)
      continue;
    UsePoint U{&MI, SI.getInstructionIndex(MI), MI.getParent(), false, false};
    for (const MachineOperand &MO : MI.operands()) {
      if (!MO.isReg() || MO.getReg() != G.Reg)
        continue;
      U.Writes |= MO.isDef();
      U.Reads |= MO.readsReg();
    }
    Uses.push_back(U);
  }
  llvm::sort(Uses, [](const UsePoint &A, const UsePoint &B) { return A.Idx < B.Idx; });

  NodeUses R;
  if (C.Vocab && !Uses.empty()) { // in program order: float sums must not depend on addresses
    for (const UsePoint &U : Uses)
      C.Vocab->addInstruction(*U.MI, R.Embedding);
    for (float &X : R.Embedding)
      X /= float(Uses.size());
  }
  G.UseBegin = UseInstrs.size();
  for (size_t K = 0; K < Uses.size(); ++K) {
    const UsePoint &U = Uses[K];
    float Freq = float(C.MBFI.getBlockFreqRelativeToEntryBlock(U.MBB));
    R.NumUses += U.Reads;
    R.NumDefs += U.Writes;
    R.LoopDepth = std::max<int32_t>(R.LoopDepth, C.Loops.getLoopDepth(U.MBB));
    R.UseFreq += Freq;
    Buffers.push<int32_t>(use_node, int32_t(N));
    Buffers.push<int32_t>(use_pos, Zero.getApproxInstrDistance(U.Idx));
    Buffers.push<float>(use_freq, Freq);
    Buffers.push<float>(use_next_dist,
                        K + 1 < Uses.size() ? float(U.Idx.getApproxInstrDistance(Uses[K + 1].Idx))
                                            : 0.f);
    Buffers.push<uint8_t>(use_is_def, U.Writes);
    Buffers.push<uint8_t>(use_split_ok, C.Splits && checkSplitPoint(G.Reg, *U.MI) == R_ok);
    UseInstrs.push_back(U.MI);
  }
  G.UseEnd = UseInstrs.size();

  // Blocks the range passes through without a use: what greedy's region splitting works on.
  // The blocks a segment covers whole are consecutive in the index: two binary searches per
  // segment (a walk over the blocks would cost ranges x blocks in the largest functions).
  for (const LiveRange::Segment &Seg : *G.LI) {
    auto First = SI.getMBBLowerBound(Seg.start), Last = SI.getMBBLowerBound(First, Seg.end);
    if (First == Last)
      continue;
    R.LiveThrough += int32_t(Last - First);
    if (SI.getMBBEndIdx(std::prev(Last)->second) > Seg.end) // the last one only begins in it
      --R.LiveThrough;
  }
  SmallPtrSet<const MachineBasicBlock *, 16> UseBlocks;
  for (const UsePoint &U : Uses) // covered whole but used there: not passed through
    if (UseBlocks.insert(U.MBB).second) {
      auto [Begin, End] = SI.getMBBRange(U.MBB);
      const LiveRange::Segment *Seg = G.LI->getSegmentContaining(Begin);
      R.LiveThrough -= Seg && Seg->start <= Begin && Seg->end >= End;
    }
  return R;
}

namespace {
/// The queue priority greedy's DefaultPriorityAdvisor gives LI when it first queues it (stage
/// RS_Assign), from the same inputs (Local: LI lies in one block); greedy's own command-line
/// overrides of the two target hooks are not visible here.
int64_t greedyPriority(GraphContext &C, const LiveInterval &LI, bool Local) {
  const TargetRegisterInfo &TRI = *C.MF.getSubtarget().getRegisterInfo();
  const TargetRegisterClass &RC = *C.MF.getRegInfo().getRegClass(LI.reg());
  const unsigned Size = LI.getSize();
  const bool Reverse = TRI.reverseLocalAssignment();
  const bool ForceGlobal =
      RC.GlobalPriority ||
      (!Reverse && Size / SlotIndex::InstrDist > 2 * C.RCI.getNumAllocatableRegs(&RC));
  unsigned Prio = Size, Global = 1;
  if (!ForceGlobal && Local) {
    // local ranges in linear order: from the top down (or, reversed, from the bottom up)
    SlotIndexes &SI = *C.LIS.getSlotIndexes();
    Prio = Reverse ? SI.getZeroIndex().getApproxInstrDistance(LI.endIndex())
                   : LI.beginIndex().getApproxInstrDistance(SI.getLastIndex());
    Global = 0;
  }
  Prio = std::min(Prio, unsigned(maxUIntN(24)));
  if (TRI.regClassPriorityTrumpsGlobalness(C.MF))
    Prio |= RC.AllocationPriority << 25 | Global << 24;
  else
    Prio |= Global << 29 | RC.AllocationPriority << 24;
  Prio |= 1u << 31;
  if (C.VRM.hasKnownPreference(LI.reg()))
    Prio |= 1u << 30;
  return int64_t(Prio);
}
} // namespace

void InterferenceGraph::addNodeFeatures(GraphContext &C, unsigned N, int32_t Class,
                                        const NodeUses &U) {
  const GraphNode &G = Nodes[N];
  const LiveInterval &LI = *G.LI;
  float Weight = LI.weight();
  bool Unspillable = !LI.isSpillable() || !std::isfinite(Weight) || Weight >= SpillWeightCap;
  Buffers.push<int64_t>(node_vreg, int64_t(G.Reg.virtRegIndex()));
  Buffers.push<int32_t>(node_reg_class, Class);
  Buffers.push<float>(node_spill_weight, Unspillable ? SpillWeightCap : Weight);
  Buffers.push<uint8_t>(node_unspillable, Unspillable);
  Buffers.push<float>(node_size, float(LI.getSize()));
  Buffers.push<int32_t>(node_num_segments, int32_t(LI.size()));
  Buffers.push<int32_t>(node_num_uses, U.NumUses);
  Buffers.push<int32_t>(node_num_defs, U.NumDefs);
  Buffers.push<int32_t>(node_loop_depth, U.LoopDepth);
  Buffers.push<float>(node_use_freq, U.UseFreq);
  bool Local = !LI.empty() && C.LIS.intervalIsInOneMBB(LI);
  Buffers.push<int64_t>(node_greedy_priority, greedyPriority(C, LI, Local));
  Buffers.push<uint8_t>(node_local, Local);
  Buffers.push<int32_t>(node_live_through, U.LiveThrough);
  for (float X : U.Embedding)
    Buffers.push<float>(node_embedding, X);
}

void InterferenceGraph::addCandidates(GraphContext &C, unsigned N) {
  GraphNode &G = Nodes[N];
  const LiveInterval &LI = *G.LI;
  const TargetRegisterInfo &TRI = *C.MF.getSubtarget().getRegisterInfo();
  ArrayRef<MCPhysReg> Order = C.RCI.getOrder(C.MF.getRegInfo().getRegClass(G.Reg));

  // The allocation order with copy hints moved to the front.
  SmallVector<MCPhysReg, 8> Hints;
  SmallVector<MCPhysReg, 32> Cands;
  TRI.getRegAllocationHints(G.Reg, Order, Hints, C.MF, &C.VRM, &C.Matrix);
  for (MCPhysReg H : Hints)
    if (is_contained(Order, H) && !is_contained(Cands, H))
      Cands.push_back(H);
  size_t NumHints = Cands.size();
  for (MCPhysReg P : Order)
    if (!is_contained(make_range(Cands.begin(), Cands.begin() + NumHints), P))
      Cands.push_back(P);

  G.CandBegin = CandRegs.size();
  for (size_t K = 0; K < Cands.size(); ++K) {
    MCRegister P = Cands[K];
    bool Fixed = C.Matrix.checkRegUnitInterference(LI, P);
    bool Clobbered = C.Matrix.checkRegMaskInterference(LI, P);
    bool Free = !Fixed && !Clobbered && C.Matrix.checkInterference(LI, P) == LiveRegMatrix::IK_Free;
    CandRegs.push_back(P);
    Buffers.push<int32_t>(cand_node, int32_t(N));
    Buffers.push<int32_t>(cand_reg, int32_t(P.id()));
    Buffers.push<int32_t>(cand_unit, int32_t(static_cast<unsigned>(*TRI.regunits(P).begin())));
    Buffers.push<int32_t>(cand_rank, int32_t(K));
    Buffers.push<uint8_t>(cand_is_hint, K < NumHints);
    Buffers.push<uint8_t>(cand_free, Free);
    Buffers.push<uint8_t>(cand_fixed_conflict, Fixed);
    Buffers.push<uint8_t>(cand_clobbered, Clobbered);
    Buffers.push<uint8_t>(cand_callee_saved, bool(C.RCI.getLastCalleeSavedAlias(P)));
  }
  G.CandEnd = CandRegs.size();
}

bool InterferenceGraph::addEdges(GraphContext &C, int64_t MaxEdges) {
  // Sweep nodes by start; only classes that share a register unit can interfere for allocation
  // purposes.
  MachineRegisterInfo &MRI = C.MF.getRegInfo();
  std::vector<unsigned> ByStart(Nodes.size());
  std::vector<int32_t> NodeClass(Nodes.size());
  for (unsigned N = 0; N < Nodes.size(); ++N) {
    ByStart[N] = N;
    NodeClass[N] = ClassIds.lookup(MRI.getRegClass(Nodes[N].Reg));
  }
  llvm::sort(ByStart, [&](unsigned A, unsigned B) {
    return std::make_pair(Nodes[A].LI->beginIndex(), A) < std::make_pair(Nodes[B].LI->beginIndex(), B);
  });
  std::vector<std::vector<int8_t>> Compatible(ClassNames.size(),
                                              std::vector<int8_t>(ClassNames.size(), -1));
  std::vector<std::pair<int32_t, int32_t>> Edges;
  for (size_t I = 0; I < ByStart.size(); ++I) {
    const LiveInterval &A = *Nodes[ByStart[I]].LI;
    SlotIndex End = A.endIndex();
    for (size_t J = I + 1; J < ByStart.size() && Nodes[ByStart[J]].LI->beginIndex() < End; ++J) {
      int32_t CA = NodeClass[ByStart[I]], CB = NodeClass[ByStart[J]];
      int8_t &Compat = Compatible[CA][CB];
      if (Compat < 0)
        Compat = ClassUnits[CA].anyCommon(ClassUnits[CB]);
      if (!Compat || !A.overlaps(*Nodes[ByStart[J]].LI))
        continue;
      Edges.emplace_back(std::min(ByStart[I], ByStart[J]), std::max(ByStart[I], ByStart[J]));
      if (MaxEdges > 0 && int64_t(Edges.size()) > MaxEdges) {
        NumEdges = int64_t(Edges.size());
        return false;
      }
    }
  }
  llvm::sort(Edges);
  for (auto [U, V] : Edges) {
    Buffers.push<int32_t>(edge_nodes, U);
    Buffers.push<int32_t>(edge_nodes, V);
  }
  NumEdges = int64_t(Edges.size());
  return true;
}

} // namespace rl4real
