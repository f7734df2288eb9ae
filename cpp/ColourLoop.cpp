// The deterministic colour pass of a model policy in one host call: the native twin of
// rl4real.session.Session.colour_in_order's Python loop (a test compares the two inside clang).
#include "CompilerHost.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace rl4real {

int64_t CompilerHost::colourInOrder(const double *NodeScore, const uint8_t *Visit, size_t NumNodes,
                                  const double *Score, size_t NumScore, const double *Leave,
                                  std::vector<int64_t> &AssignedPairs) {
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

} // namespace rl4real
