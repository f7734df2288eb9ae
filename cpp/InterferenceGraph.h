// Builds the policy's view of a machine function: nodes (virtual registers), interference edges,
// candidate registers and use points, filled into the feature buffers of the spec.
#pragma once

#include "Graph.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/CodeGen/Register.h"
#include "llvm/MC/MCRegister.h"

#include <string>
#include <vector>

namespace llvm {
class LiveInterval;
class MachineInstr;
class LiveIntervals;
class LiveRegMatrix;
class MachineBlockFrequencyInfo;
class MachineFunction;
class MachineLoopInfo;
class RegisterClassInfo;
class TargetRegisterClass;
class VirtRegMap;
} // namespace llvm

namespace rl4real {

struct GraphNode {
  llvm::Register Reg;
  llvm::LiveInterval *LI = nullptr;
  unsigned CandBegin = 0, CandEnd = 0; ///< rows of the candidate table
  unsigned UseBegin = 0, UseEnd = 0;   ///< rows of the use-point table
};

struct GraphContext {
  llvm::MachineFunction &MF;
  llvm::LiveIntervals &LIS;
  llvm::VirtRegMap &VRM;
  llvm::LiveRegMatrix &Matrix;
  const llvm::MachineLoopInfo &Loops;
  const llvm::MachineBlockFrequencyInfo &MBFI;
  const llvm::RegisterClassInfo &RCI;
  const class Vocabulary *Vocab; ///< null: embeddings are zeros
  bool Splits;                   ///< compute split legality of use points
};

class InterferenceGraph {
public:
  /// Appends the virtual registers the policy may now assign that are not nodes yet (all of
  /// them on the first call; after a split, the new pieces). Existing nodes keep their index.
  /// Cheap: no features yet.
  void collectNodes(GraphContext &Ctx);
  /// Computes features, candidates, use points and edges for the collected nodes. With MaxEdges
  /// > 0, stops (returns false, the graph incomplete) as soon as there are more edges than that:
  /// edges are the one part whose cost grows faster than the function.
  bool build(GraphContext &Ctx, int64_t MaxEdges = 0);

  std::vector<GraphNode> Nodes;
  std::vector<llvm::MCPhysReg> CandRegs; ///< candidate table's registers (for validation)
  std::vector<llvm::MachineInstr *> UseInstrs; ///< use-point table's instructions (for splits)
  std::vector<std::string> ClassNames;   ///< indexed by node reg_class
  GraphBuffers Buffers;
  int64_t NumEdges = 0;

private:
  /// What a node's use points say about it (node features).
  struct NodeUses {
    int32_t NumUses = 0, NumDefs = 0, LoopDepth = 0;
    int32_t LiveThrough = 0; ///< blocks live in and out with no use point
    float UseFreq = 0;
    float Embedding[spec::EmbeddingDim] = {};
  };

  // The steps of build(), each filling its table's buffers for one node (edges: all nodes).
  int32_t classId(GraphContext &C, const llvm::TargetRegisterClass *RC);
  NodeUses addUsePoints(GraphContext &C, unsigned N);
  void addNodeFeatures(GraphContext &C, unsigned N, int32_t Class, const NodeUses &U);
  void addCandidates(GraphContext &C, unsigned N);
  bool addEdges(GraphContext &C, int64_t MaxEdges);

  llvm::DenseMap<const llvm::TargetRegisterClass *, int32_t> ClassIds;
  std::vector<llvm::BitVector> ClassUnits; ///< register units of each class's allocation order
};

} // namespace rl4real
