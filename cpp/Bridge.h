// The plain C++ interface between the LLVM side (-fno-exceptions) and the embedded Python
// interpreter (Bridge.cpp, the only translation unit that includes pybind11).
#pragma once

#include "Graph.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rl4real {

/// Implemented by the MLRA pass: applies (or refuses) the policy's decisions as they come.
class HostSession {
public:
  virtual ~HostSession() = default;
  /// Returns a spec::Refusal code; R_ok means the assignment was applied.
  virtual int assign(int64_t Node, int64_t Reg) = 0;
  /// Splits Node at its use point UseIndex (a row of the node's use table); on success the graph
  /// is rebuilt (existing nodes keep their index, new pieces are appended). Returns a refusal code.
  virtual int split(int64_t Node, int64_t UseIndex) = 0;
  /// Advice for greedy (session.advise): Priority[n] (spec::PriorityKeep or a 31-bit queue
  /// priority) and Evict[n] (spec::EvictFlag bits) for each node n; replaces earlier advice.
  /// Returns a refusal code (bad_value unless both have one value per node, in range).
  virtual int advise(const int64_t *Priority, size_t NumPriority, const uint8_t *Evict,
                     size_t NumEvict) = 0;
  /// The current graph (changes after an accepted split).
  virtual const GraphBuffers &graph() = 0;
  /// Is Reg free for Node right now (no interference, node unassigned)?
  virtual bool isFree(int64_t Node, int64_t Reg) = 0;
  /// For each of Node's candidates (in order): would assign(Node, candidate) be accepted now?
  virtual std::vector<uint8_t> freeCandidates(int64_t Node) = 0;
  /// The deterministic colour pass of a model policy in one call (session.colour_in_order): the
  /// nodes with Visit set, in descending NodeScore order (lowest index on ties), each with a free
  /// candidate gets the free candidate with the highest Score (one per candidate row; lowest row on
  /// ties) unless Leave[node] is higher. Scores compare rounded to 4 decimals, as numpy's round
  /// does (the policies' tie rule). Appends the accepted (node, register) pairs to Assigned;
  /// returns how many nodes had a free candidate.
  virtual int64_t colourInOrder(const double *NodeScore, const uint8_t *Visit, size_t NumNodes,
                                const double *Score, size_t NumScore, const double *Leave,
                                std::vector<int64_t> &Assigned) = 0;
  /// The policy reports how many model decisions it took (for per-decision timing).
  virtual void countDecisions(int64_t N) = 0;
  /// The policy took a cheaper path for this function (reported as `degraded`).
  virtual void degrade(const std::string &Why) = 0;
};

struct TargetRegisters {
  std::vector<std::string> Names; ///< indexed by physical register number
  /// The register units of each physical register (two registers alias iff they share one).
  std::vector<std::vector<int32_t>> Units;
};

struct PolicyRequest {
  /// Seconds the policy may take (0: no limit); past it the compiler walks away (runPolicy).
  double TimeoutS = 0;
  HostSession *Host = nullptr;
  /// Function metadata: function, file, target, ...
  std::vector<std::pair<std::string, std::string>> Meta;
  std::vector<std::string> RegClasses; ///< indexed by node reg_class
  /// The target's register tables: one object per target for the whole process (shared, so that
  /// neither the pass nor the bridge rebuilds or copies them per function).
  std::shared_ptr<const TargetRegisters> Registers;
  /// Policy configuration (policy, backend, model_dir, seed, timeout, strict...).
  std::vector<std::pair<std::string, std::string>> Config;
};

struct PolicyResult {
  bool Ok = false;
  std::string Error; ///< why the policy failed, when !Ok
  /// The policy cannot run again in this process: Python could not start or load the policy, or
  /// the policy overran its budget and may still hold the interpreter.
  bool Fatal = false;
  double Ms = 0; ///< time spent in Python
};

/// Runs the configured policy on one function, on the interpreter's own thread, and waits at
/// most Req.TimeoutS for it. The interpreter starts on first use (pinned to Config's "python",
/// else the Python the package was built for). Past the budget the compiler's thread returns at
/// once (it never waits for the GIL): the session is closed, so the abandoned policy can no
/// longer reach the function, and Python is never called again in this process. Serialises
/// concurrent callers; never throws.
PolicyResult runPolicy(const PolicyRequest &Req);

/// Starts the interpreter and loads the policy of Config on the interpreter's thread now, while
/// the compiler parses and optimises, so that the first function does not wait for it. Once per
/// process; never throws; what fails is reported by the first function's runPolicy.
void warmUp(const std::vector<std::pair<std::string, std::string>> &Config);

} // namespace rl4real
