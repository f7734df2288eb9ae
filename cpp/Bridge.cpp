// The embedded interpreter. The only translation unit that includes pybind11 (built with
// exceptions; it includes no LLVM header). The interpreter starts once per process, lazily, and
// is never finalized (extension modules do not survive a restart); the GIL is released between
// calls and one lock serialises callers (ThinLTO runs codegen on several threads).
#include "Bridge.h"

#include <pybind11/embed.h>
#include <pybind11/numpy.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <dlfcn.h>
#include <mutex>

#ifndef RL4REAL_DEFAULT_PYTHON
#error "RL4REAL_DEFAULT_PYTHON must name the Python the package is built for"
#endif

namespace py = pybind11;

namespace rl4real {
namespace {

/// What Python holds of a HostSession; the pointer is cleared when the function is done, so a
/// policy thread that outlives its time budget can no longer reach it.
struct HostHandle {
  HostSession *Host = nullptr;
};

// Arrays from Python converted (if need be) to contiguous arrays of the C type.
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using ByteArray = py::array_t<uint8_t, py::array::c_style | py::array::forcecast>;

std::mutex CallLock;
bool Started = false;
std::string StartError;
py::object *HostClass = nullptr; // leaked on purpose: no Python objects die at exit

std::string configValue(const PolicyRequest &Req, const char *Key) {
  for (const auto &[K, V] : Req.Config)
    if (K == Key)
      return V;
  return "";
}

py::dict toArrays(const GraphBuffers &G);

std::string startInterpreter(std::string PythonExe) {
  // Extension modules need libpython's symbols; a host that loaded us RTLD_LOCAL hides them.
  Dl_info Info;
  if (dladdr(reinterpret_cast<void *>(&Py_InitializeFromConfig), &Info) && Info.dli_fname)
    dlopen(Info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
  if (!Py_IsInitialized()) {
    if (PythonExe.empty())
      PythonExe = RL4REAL_DEFAULT_PYTHON;
    PyConfig Config;
    PyConfig_InitPythonConfig(&Config);
    Config.install_signal_handlers = 0; // Ctrl-C must still stop the compiler
    Config.buffered_stdio = 0;
    Config.parse_argv = 0;
    // Selects the environment (venv) whose site-packages hold rl4real, numpy, ...
    PyStatus S = PyConfig_SetBytesString(&Config, &Config.program_name, PythonExe.c_str());
    if (!PyStatus_Exception(S))
      S = Py_InitializeFromConfig(&Config);
    PyConfig_Clear(&Config);
    if (PyStatus_Exception(S))
      return std::string(S.err_msg ? S.err_msg : "initialisation failed") + " (python '" +
             PythonExe + "')";
    PyEval_SaveThread();
  }
  py::gil_scoped_acquire G;
  try {
    py::object Module = py::module_::import("types").attr("ModuleType")("rl4real_host");
    py::class_<HostHandle> Cls(Module, "Host");
    Cls.def(py::init<>())
        .def("assign",
             [](HostHandle &H, int64_t Node, int64_t Reg) {
               return H.Host ? H.Host->assign(Node, Reg) : int(spec::R_closed);
             })
        .def("split",
             [](HostHandle &H, int64_t Node, int64_t Use) {
               return H.Host ? H.Host->split(Node, Use) : int(spec::R_closed);
             })
        .def("arrays",
             [](HostHandle &H) -> py::object {
               if (!H.Host)
                 return py::none();
               return toArrays(H.Host->graph());
             })
        .def("is_free",
             [](HostHandle &H, int64_t Node, int64_t Reg) {
               return H.Host && H.Host->isFree(Node, Reg);
             })
        .def("free_candidates",
             [](HostHandle &H, int64_t Node) {
               std::vector<uint8_t> Free;
               if (H.Host)
                 Free = H.Host->freeCandidates(Node);
               return py::bytes(reinterpret_cast<const char *>(Free.data()), Free.size());
             })
        .def("colour_in_order",
             [](HostHandle &H, const DoubleArray &NodeScore, const ByteArray &Visit,
                const DoubleArray &Score, const DoubleArray &Leave) {
               std::vector<int64_t> Pairs;
               int64_t Decisions = 0;
               size_t Nodes = size_t(std::min({NodeScore.size(), Visit.size(), Leave.size()}));
               if (H.Host)
                 Decisions = H.Host->colourInOrder(NodeScore.data(), Visit.data(), Nodes,
                                                   Score.data(), size_t(Score.size()),
                                                   Leave.data(), Pairs);
               return py::make_tuple(Decisions, py::array_t<int64_t>(py::ssize_t(Pairs.size()),
                                                                     Pairs.data()));
             })
        .def("count_decisions",
             [](HostHandle &H, int64_t N) {
               if (H.Host)
                 H.Host->countDecisions(N);
             })
        .def("close", [](HostHandle &H) { H.Host = nullptr; })
        .def_property_readonly("open", [](HostHandle &H) { return H.Host != nullptr; });
    HostClass = new py::object(Cls);
  } catch (std::exception &E) {
    return std::string("cannot set up the host module: ") + E.what();
  }
  return "";
}

std::string firstLine(const char *What) {
  std::string S = What;
  return S.substr(0, S.find('\n'));
}

py::object toDict(const std::vector<std::pair<std::string, std::string>> &KV) {
  py::dict D;
  for (const auto &[K, V] : KV)
    D[py::str(K)] = py::str(V);
  return D;
}

py::object toList(const std::vector<std::string> &V) {
  py::list L;
  for (const auto &S : V)
    L.append(py::str(S));
  return L;
}

// Register names and classes, and the configuration, are the same for every function of a
// target: converted to Python once, not per function (hundreds of strings).
template <typename T, py::object (*Convert)(const T &)> struct PyCache {
  T Key;
  py::object *Value = nullptr; // never destroyed: the interpreter is never finalized

  py::object get(const T &V) {
    if (!Value || Key != V) {
      delete Value;
      Value = new py::object(Convert(V));
      Key = V;
    }
    return *Value;
  }
};
PyCache<std::vector<std::string>, toList> RegClassesCache, RegNamesCache;
PyCache<std::vector<std::pair<std::string, std::string>>, toDict> ConfigCache;

py::dict toArrays(const GraphBuffers &G) {
  // dtypes and keys made once: parsing a dtype string per array per function is measurable
  static const auto *DTypes = [] {
    auto *V = new std::vector<std::pair<py::dtype, py::str>>; // never destroyed, as above
    for (int F = 0; F < spec::NumFeatures; ++F)
      V->emplace_back(py::dtype(spec::Features[F].DType),
                      py::str(std::string(spec::Features[F].Table) + "_" + spec::Features[F].Name));
    return V;
  }();
  py::dict Arrays;
  for (int F = 0; F < spec::NumFeatures; ++F) {
    const spec::FeatureInfo &I = spec::Features[F];
    py::ssize_t Rows = G.rows(spec::Feature(F));
    std::vector<py::ssize_t> Shape{Rows};
    if (I.Cols > 1)
      Shape.push_back(I.Cols);
    const auto &[DType, Key] = (*DTypes)[F];
    py::array A(DType, Shape);
    const auto &Bytes = G.bytes(spec::Feature(F));
    if (!Bytes.empty())
      std::memcpy(A.mutable_data(), Bytes.data(), Bytes.size());
    Arrays[Key] = A;
  }
  return Arrays;
}

} // namespace

PolicyResult runPolicy(const PolicyRequest &Req) {
  auto T0 = std::chrono::steady_clock::now();
  PolicyResult R;
  std::lock_guard<std::mutex> L(CallLock);
  if (!Started) {
    Started = true;
    StartError = startInterpreter(configValue(Req, "python"));
  }
  if (!StartError.empty()) {
    R.Error = "Python could not start: " + StartError;
    return R;
  }
  {
    py::gil_scoped_acquire G;
    py::object Host; // outlives the try, so the handle can be closed on every path
    HostHandle *Handle = nullptr;
    try {
      Host = (*HostClass)();
      Handle = &Host.cast<HostHandle &>();
      Handle->Host = Req.Host;
      static py::object *Allocate =
          new py::object(py::module_::import("rl4real._embed").attr("allocate"));
      py::object Out = (*Allocate)(Host, toArrays(*Req.Graph), toDict(Req.Meta),
                                   RegClassesCache.get(Req.RegClasses),
                                   RegNamesCache.get(Req.RegNames), ConfigCache.get(Req.Config));
      if (Out.is_none())
        R.Ok = true;
      else
        R.Error = py::str(Out);
    } catch (py::error_already_set &E) {
      R.Error = firstLine(E.what());
    } catch (std::exception &E) {
      R.Error = firstLine(E.what());
    }
    if (Handle)
      Handle->Host = nullptr;
  }
  R.Ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - T0).count();
  return R;
}

} // namespace rl4real
