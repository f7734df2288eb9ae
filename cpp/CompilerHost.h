// The compiler's side of a session (rl4real.host.Host in Python): validates each decision of the
// policy against LiveRegMatrix and applies it at once; splits live ranges; undoes everything when
// the policy fails.
#pragma once

#include "Bridge.h"
#include "InterferenceGraph.h"
#include "Records.h"

#include <vector>

namespace llvm {
class LiveRegMatrix;
class TargetRegisterInfo;
class VirtRegAuxInfo;
} // namespace llvm

namespace rl4real {

class CompilerHost final : public HostSession {
public:
  CompilerHost(InterferenceGraph &G, GraphContext &Ctx, llvm::VirtRegAuxInfo &VRAI,
               PendingFunction &P, int64_t SplitBudget);

  int assign(int64_t Node, int64_t Reg) override;
  int split(int64_t Node, int64_t UseIndex) override;
  int advise(const int64_t *Priority, size_t NumPriority, const uint8_t *Evict,
             size_t NumEvict) override;
  const GraphBuffers &graph() override { return G.Buffers; }
  bool isFree(int64_t Node, int64_t Reg) override;
  std::vector<uint8_t> freeCandidates(int64_t Node) override;
  int64_t colourInOrder(const double *NodeScore, const uint8_t *Visit, size_t NumNodes,
                        const double *Score, size_t NumScore, const double *Leave,
                        std::vector<int64_t> &Assigned) override;
  void countDecisions(int64_t N) override { P.Record.Decisions += N; }
  void degrade(const std::string &Why) override { P.Record.Degraded = Why; }

  /// Undoes every assignment (the policy failed: greedy gets the whole function).
  void undo();

private:
  int trySplit(int64_t Node, int64_t UseIndex);
  int check(int64_t Node, int64_t Reg) const;

  InterferenceGraph &G;
  GraphContext &Ctx;
  llvm::VirtRegAuxInfo &VRAI;
  llvm::LiveRegMatrix &Matrix;
  const llvm::TargetRegisterInfo &TRI;
  PendingFunction &P;
  int64_t SplitBudget;
  std::vector<bool> Assigned;
};

} // namespace rl4real
