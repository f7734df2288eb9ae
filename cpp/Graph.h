// The graph handed to a policy: one byte buffer per feature of the spec (python/rl4real/spec.py).
// Plain C++ with no LLVM headers, so both the LLVM side and the pybind11 bridge can include it.
#pragma once

#include "rl4real_spec.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace rl4real {

class GraphBuffers {
public:
  void clear() {
    for (auto &B : Data)
      B.clear();
  }

  /// Append one row's value(s) for feature F; T must match the spec's dtype.
  template <typename T> void push(spec::Feature F, T V) {
    auto &B = Data[F];
    size_t Old = B.size();
    B.resize(Old + sizeof(T));
    std::memcpy(B.data() + Old, &V, sizeof(T));
  }

  const std::vector<uint8_t> &bytes(spec::Feature F) const { return Data[F]; }

  /// Rows of feature F (bytes / (element size * columns)).
  int64_t rows(spec::Feature F) const {
    const auto &I = spec::Features[F];
    return int64_t(Data[F].size() / (size_t(I.ElemSize) * I.Cols));
  }

private:
  std::vector<uint8_t> Data[spec::NumFeatures];
};

} // namespace rl4real
