// The embedded interpreter. The only translation unit that includes pybind11 (built with
// exceptions; it includes no LLVM header). The interpreter starts once per process, lazily, on
// a thread of its own, and is never finalized (extension modules do not survive a restart).
//
// Why a thread of its own: a policy may hold the GIL for as long as it likes (a long C call, a
// background thread of its own). The compiler's thread never takes the GIL; it hands each
// function to the interpreter's thread and waits for it at most the time budget. Past the budget
// it closes the function's gate (the abandoned policy can no longer reach the compiler's data)
// and Python is never called again in this process. The thread is detached, so process exit
// does not wait for it either.
#include "Bridge.h"

#include <pybind11/embed.h>
#include <pybind11/numpy.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#ifndef RL4REAL_DEFAULT_PYTHON
#error "RL4REAL_DEFAULT_PYTHON must name the Python the package is built for"
#endif

namespace py = pybind11;

namespace rl4real {
namespace {

/// What Python may reach of one function: the compiler's session while the compiler waits for
/// the policy. The compiler closes it (under the lock) before it returns, whatever happened.
struct Gate {
  std::mutex M;
  HostSession *Host = nullptr;
  const PolicyRequest *Req = nullptr;
};

/// What Python holds of a session.
struct HostHandle {
  std::shared_ptr<Gate> G;

  /// Calls F(Host) under the gate's lock, or returns Closed when the gate is closed (or when
  /// Python made the handle itself). F must not touch Python: with the gate held, a Python call
  /// could wait for the GIL held by a policy thread that waits for the gate.
  template <typename Fn, typename R> R with(Fn F, R Closed) {
    if (!G)
      return Closed;
    std::lock_guard<std::mutex> L(G->M);
    return G->Host ? F(*G->Host) : Closed;
  }
};

// Arrays from Python converted (if need be) to contiguous arrays of the C type.
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using ByteArray = py::array_t<uint8_t, py::array::c_style | py::array::forcecast>;

/// Set from Python while a person is in pdb: the deadline is suspended until the call ends.
std::atomic<bool> DebuggerActive{false};

// Interpreter state: touched only on the interpreter's thread.
bool Started = false;
std::string StartError;
py::object *HostClass = nullptr; // leaked on purpose: no Python objects die at exit

std::string configValue(const PolicyRequest &Req, const char *Key) {
  for (const auto &[K, V] : Req.Config)
    if (K == Key)
      return V;
  return "";
}

/// LLVM strings are bytes: decoded as Python decodes file names (undecodable bytes become
/// lone surrogates), so that no name is lost and none makes a conversion fail.
py::str text(const std::string &S) {
  PyObject *O = PyUnicode_DecodeUTF8(S.data(), py::ssize_t(S.size()), "surrogateescape");
  if (!O)
    throw py::error_already_set();
  return py::reinterpret_steal<py::str>(O);
}

/// The reverse of text(): the same bytes back.
std::string bytesOf(py::handle Str) {
  PyObject *B = PyUnicode_AsEncodedString(Str.ptr(), "utf-8", "surrogateescape");
  if (!B) { // a surrogate that did not come from a byte
    PyErr_Clear();
    B = PyUnicode_AsEncodedString(Str.ptr(), "utf-8", "backslashreplace");
  }
  if (!B) {
    PyErr_Clear();
    return "(unprintable)";
  }
  std::string S(PyBytes_AsString(B), size_t(PyBytes_Size(B)));
  Py_DECREF(B);
  return S;
}

py::dict toArrays(const GraphBuffers &G);

/// "3.11" for a Python executable when it can be told without running it (a venv's
/// pyvenv.cfg, or the name the executable resolves to), else "".
std::string versionOf(const std::string &Exe) {
  std::string Dir = Exe.substr(0, Exe.rfind('/') + 1);
  std::ifstream Cfg(Dir + "../pyvenv.cfg");
  for (std::string Line; std::getline(Cfg, Line);) {
    size_t Eq = Line.find('=');
    if (Eq == std::string::npos || Line.compare(0, 7, "version") != 0)
      continue;
    size_t Start = Line.find_first_not_of(' ', Eq + 1);
    if (Start == std::string::npos)
      return "";
    std::string V = Line.substr(Start);
    size_t Dot = V.find('.', V.find('.') + 1);
    return V.substr(0, Dot);
  }
  char Real[4096];
  if (!realpath(Exe.c_str(), Real))
    return "";
  std::string Name = std::string(Real).substr(std::string(Real).rfind('/') + 1);
  if (Name.compare(0, 6, "python") != 0 || Name.size() <= 6)
    return "";
  return Name.substr(6);
}

const std::string Embedded = std::to_string(PY_MAJOR_VERSION) + "." + std::to_string(PY_MINOR_VERSION);

std::string startInterpreter(std::string PythonExe) {
  // Extension modules need libpython's symbols; a host that loaded us RTLD_LOCAL hides them.
  Dl_info Info;
  if (dladdr(reinterpret_cast<void *>(&Py_InitializeFromConfig), &Info) && Info.dli_fname)
    dlopen(Info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
  if (PythonExe.empty())
    PythonExe = RL4REAL_DEFAULT_PYTHON;
  std::string Version = versionOf(PythonExe);
  if (!Version.empty() && Version != Embedded)
    return "'" + PythonExe + "' is Python " + Version + ", but the plugin embeds Python " +
           Embedded + " (the Python it was built with): point RL4REAL_PYTHON at a Python " +
           Embedded + " environment where rl4real is installed, or build the plugin with " +
           PythonExe;
  if (!Py_IsInitialized()) {
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
             PythonExe + "', Python " + Embedded + " embedded)";
    PyEval_SaveThread();
  }
  py::gil_scoped_acquire G;
  try {
    py::object Module = py::module_::import("types").attr("ModuleType")("rl4real_host");
    py::class_<HostHandle> Cls(Module, "Host");
    Cls.def(py::init<>())
        .def("assign",
            [](HostHandle &H, int64_t Node, int64_t Reg) {
              return H.with([&](HostSession &S) { return S.assign(Node, Reg); },
                            int(spec::R_closed));
            })
        .def("split",
             [](HostHandle &H, int64_t Node, int64_t Use) {
               return H.with([&](HostSession &S) { return S.split(Node, Use); },
                             int(spec::R_closed));
             })
        .def("arrays",
             [](HostHandle &H) -> py::object {
               std::optional<GraphBuffers> Copy = H.with(
                   [](HostSession &S) { return std::optional<GraphBuffers>(S.graph()); },
                   std::optional<GraphBuffers>());
               return Copy ? py::object(toArrays(*Copy)) : py::object(py::none());
             })
        .def("advise",
             [](HostHandle &H, const py::bytes &PriorityBytes, const py::bytes &EvictBytes) {
               std::string Pri = PriorityBytes, Ev = EvictBytes; // copied before the gate
               std::vector<int64_t> P(Pri.size() / sizeof(int64_t));
               std::memcpy(P.data(), Pri.data(), P.size() * sizeof(int64_t));
               // a torn int64 is no value per node: the host refuses (and counts) it
               size_t NumP = Pri.size() % sizeof(int64_t) ? SIZE_MAX : P.size();
               return H.with(
                   [&](HostSession &S) {
                     return S.advise(P.data(), NumP,
                                     reinterpret_cast<const uint8_t *>(Ev.data()), Ev.size());
                   },
                   int(spec::R_closed));
             })
        .def("is_free",
             [](HostHandle &H, int64_t Node, int64_t Reg) {
               return H.with([&](HostSession &S) { return S.isFree(Node, Reg); }, false);
             })
        .def("free_candidates",
             [](HostHandle &H, int64_t Node) {
               std::vector<uint8_t> Free = H.with(
                   [&](HostSession &S) { return S.freeCandidates(Node); }, std::vector<uint8_t>());
               return py::bytes(reinterpret_cast<const char *>(Free.data()), Free.size());
             })
        .def("colour_in_order",
             [](HostHandle &H, const DoubleArray &NodeScore, const ByteArray &Visit,
                const DoubleArray &Score, const DoubleArray &Leave) {
               std::vector<int64_t> Pairs;
               size_t Nodes = size_t(std::min({NodeScore.size(), Visit.size(), Leave.size()}));
               int64_t Decisions = H.with(
                   [&](HostSession &S) {
                     return S.colourInOrder(NodeScore.data(), Visit.data(), Nodes, Score.data(),
                                            size_t(Score.size()), Leave.data(), Pairs);
                   },
                   int64_t(0));
               return py::make_tuple(Decisions, py::array_t<int64_t>(py::ssize_t(Pairs.size()),
                                                                     Pairs.data()));
             })
        .def("count_decisions",
             [](HostHandle &H, int64_t N) {
               H.with(
                   [&](HostSession &S) {
                     S.countDecisions(N);
                     return 0;
                   },
                   0);
             })
        .def("degrade",
             [](HostHandle &H, const py::str &Why) {
               std::string W = bytesOf(Why);
               H.with(
                   [&](HostSession &S) {
                     S.degrade(W);
                     return 0;
                   },
                   0);
             })
        .def_static("debugger_active", [](bool On) { DebuggerActive = On; });
    HostClass = new py::object(Cls);
  } catch (std::exception &E) {
    return std::string("cannot set up the host module: ") + E.what();
  }
  return "";
}

std::string firstLine(const std::string &S) { return S.substr(0, S.find('\n')); }

py::object toDict(const std::vector<std::pair<std::string, std::string>> &KV) {
  py::dict D;
  for (const auto &[K, V] : KV)
    D[text(K)] = text(V);
  return D;
}

py::object toList(const std::vector<std::string> &V) {
  py::list L;
  for (const auto &S : V)
    L.append(text(S));
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
py::object toUnits(const std::vector<std::vector<int32_t>> &Units) {
  py::tuple T(Units.size());
  for (size_t R = 0; R < Units.size(); ++R) {
    py::tuple U(Units[R].size());
    for (size_t K = 0; K < Units[R].size(); ++K)
      U[K] = py::int_(Units[R][K]);
    T[R] = U;
  }
  return T;
}

PyCache<std::vector<std::string>, toList> RegClassesCache;

/// The Python form of a target's register tables, made once per tables object (the cache holds
/// the object, so its address cannot be reused by another).
struct RegistersCache {
  std::shared_ptr<const TargetRegisters> Key;
  py::object *Names = nullptr, *Units = nullptr; // never destroyed, as above

  void update(const std::shared_ptr<const TargetRegisters> &R) {
    if (Key == R)
      return;
    delete Names;
    delete Units;
    Names = new py::object(toList(R->Names));
    Units = new py::object(toUnits(R->Units));
    Key = R;
  }
} RegistersPy;
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

/// One function handed to the interpreter's thread; or, with Warm set, the start-up ahead of the
/// first function (nobody waits for it).
struct Call {
  std::optional<std::vector<std::pair<std::string, std::string>>> Warm;
  std::shared_ptr<Gate> G = std::make_shared<Gate>();
  std::mutex M;
  std::condition_variable Done;
  bool Finished = false;
  PolicyResult R;
};

/// Runs C on the interpreter's thread; reaches the request only through the open gate.
void runCall(Call &C) {
  std::string PythonExe;
  if (C.Warm) {
    for (const auto &[K, V] : *C.Warm)
      if (K == "python")
        PythonExe = V;
  } else {
    std::lock_guard<std::mutex> L(C.G->M);
    if (!C.G->Req)
      return;
    PythonExe = configValue(*C.G->Req, "python");
  }
  if (!Started) {
    Started = true;
    StartError = startInterpreter(PythonExe);
  }
  if (!StartError.empty()) {
    C.R.Error = "Python could not start: " + StartError;
    C.R.Fatal = true;
    return;
  }
  py::gil_scoped_acquire Gil;
  try {
    static py::object *Allocate = nullptr;
    if (!Allocate) {
      try {
        Allocate = new py::object(py::module_::import("rl4real._embed").attr("allocate"));
      } catch (py::error_already_set &E) {
        py::object Exe = py::module_::import("sys").attr("executable");
        C.R.Error = "Python " + Embedded + " ('" + bytesOf(py::str(Exe)) +
                    "') cannot host rl4real: " + firstLine(E.what()) +
                    " (install rl4real into that environment, or point RL4REAL_PYTHON at one "
                    "where it is installed)";
        C.R.Fatal = true;
        return;
      }
    }
    if (C.Warm) { // import and load what the first function will need; errors wait for it
      py::module_::import("rl4real._embed").attr("warm")(toDict(*C.Warm));
      return;
    }
    // The request, copied under the gate; Python objects are made from the copy after it (see
    // HostHandle::with).
    std::optional<GraphBuffers> Graph;
    PolicyRequest Req;
    {
      std::lock_guard<std::mutex> L(C.G->M);
      if (!C.G->Req)
        return;
      Req = *C.G->Req;
      Graph = C.G->Host->graph();
    }
    py::object Host = (*HostClass)();
    Host.cast<HostHandle &>().G = C.G;
    RegistersPy.update(Req.Registers);
    py::tuple Args = py::make_tuple(Host, toArrays(*Graph), toDict(Req.Meta),
                                    RegClassesCache.get(Req.RegClasses), *RegistersPy.Names,
                                    *RegistersPy.Units, ConfigCache.get(Req.Config));
    py::object Out = (*Allocate)(*Args);
    if (Out.is_none()) {
      C.R.Ok = true;
    } else { // (reason, fatal)
      auto T = Out.cast<py::tuple>();
      C.R.Error = firstLine(bytesOf(py::str(T[0])));
      C.R.Fatal = T[1].cast<bool>();
    }
  } catch (py::error_already_set &E) {
    C.R.Error = firstLine(E.what());
  } catch (std::exception &E) {
    C.R.Error = firstLine(E.what());
  }
}

/// The interpreter's thread: takes one call at a time, forever. Detached and leaked, so that
/// neither a stuck policy nor process exit waits on the other.
class Interpreter {
public:
  static Interpreter &get() {
    static Interpreter *I = [] {
      auto *New = new Interpreter;
      std::thread([New] { New->loop(); }).detach();
      return New;
    }();
    return *I;
  }

  /// A function's call replaces a warm-up that has not started (nobody waits for that one).
  void submit(std::shared_ptr<Call> C) {
    {
      std::lock_guard<std::mutex> L(M);
      Next = std::move(C);
    }
    Wake.notify_one();
  }

private:
  void loop() {
    for (;;) {
      std::shared_ptr<Call> C;
      {
        std::unique_lock<std::mutex> L(M);
        Wake.wait(L, [this] { return Next != nullptr; });
        C = std::move(Next);
      }
      try {
        runCall(*C);
      } catch (std::exception &E) { // nothing may escape the thread: it would end the compiler
        C->R.Ok = false;
        C->R.Error = std::string("internal error in the interpreter's thread: ") + E.what();
      } catch (...) {
        C->R.Ok = false;
        C->R.Error = "internal error in the interpreter's thread";
      }
      {
        std::lock_guard<std::mutex> L(C->M);
        C->Finished = true;
      }
      C->Done.notify_all();
    }
  }

  std::mutex M;
  std::condition_variable Wake;
  std::shared_ptr<Call> Next;
};

std::mutex CallLock; // one function at a time (ThinLTO runs codegen on several threads)
bool Abandoned = false;

} // namespace

void warmUp(const std::vector<std::pair<std::string, std::string>> &Config) {
  static std::once_flag Once;
  std::call_once(Once, [&] {
    auto C = std::make_shared<Call>();
    C->Warm = Config;
    try {
      Interpreter::get().submit(C);
    } catch (std::exception &) { // no thread: the first function reports it
    }
  });
}

PolicyResult runPolicy(const PolicyRequest &Req) {
  std::lock_guard<std::mutex> L(CallLock);
  auto T0 = std::chrono::steady_clock::now(); // the budget starts when this function's turn does
  DebuggerActive = false; // set by a leftover policy thread between calls: not this call's
  if (Abandoned) {
    PolicyResult R;
    R.Error = "Python was abandoned earlier in this process";
    R.Fatal = true;
    return R;
  }
  auto C = std::make_shared<Call>();
  C->G->Host = Req.Host;
  C->G->Req = &Req;
  try {
    Interpreter::get().submit(C);
  } catch (std::exception &E) { // e.g. no thread could be started
    PolicyResult R;
    R.Error = std::string("cannot start the interpreter's thread: ") + E.what();
    R.Fatal = true;
    return R;
  }
  bool Finished;
  {
    std::unique_lock<std::mutex> W(C->M);
    auto Deadline = T0 + std::chrono::duration<double>(Req.TimeoutS);
    auto IsFinished = [&] { return C->Finished; };
    while (!C->Finished) {
      if (Req.TimeoutS <= 0)
        C->Done.wait(W, IsFinished);
      else if (DebuggerActive) // no deadline while a person is in pdb
        C->Done.wait_for(W, std::chrono::milliseconds(200), IsFinished);
      else if (!C->Done.wait_until(W, Deadline, IsFinished) && !DebuggerActive)
        break;
    }
    Finished = C->Finished;
  }
  { // from here on the policy cannot reach this function, whatever it still runs
    std::lock_guard<std::mutex> G(C->G->M);
    C->G->Host = nullptr;
    C->G->Req = nullptr;
  }
  DebuggerActive = false;
  PolicyResult R;
  if (Finished) {
    R = C->R; // the interpreter's thread is done with it (Finished was set under C->M)
  } else {
    Abandoned = true;
    char Budget[32];
    std::snprintf(Budget, sizeof Budget, "%g", Req.TimeoutS);
    R.Error = std::string("policy exceeded its time budget of ") + Budget + " s";
    R.Fatal = true;
  }
  R.Ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - T0).count();
  return R;
}

} // namespace rl4real
