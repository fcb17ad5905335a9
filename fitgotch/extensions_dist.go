package fitgotch

// distExtensions: c10d, libtorch's distributed engine, for package dist.
// A TCPStore (the rendezvous: rank 0 serves it) and a process group over it
// (Gloo on CPU; NCCL where libtorch was built with it and its headers are
// found), with in-place all-reduce, broadcast and barrier. Handles are
// heap-allocated intrusive pointers, freed by torchrnn_dist_free_*.
//
// The headers are included only when present (__has_include), so a
// libtorch without them still fits: the functions then raise a call-time
// error. libtorch 1.13's process groups derive from ProcessGroup, 2.x's from
// Backend (torchrnn_dist_pg is whichever ProcessGroupGloo derives from, not
// chosen by version number); the calls used here are the same in both, and a
// function that does not compile against a given release is stubbed like any
// op.
const distExtensions = `
// torchrnn distributed extensions (c10d).
#include <chrono>
#include <torch/version.h>
#if __has_include(<torch/csrc/distributed/c10d/TCPStore.hpp>) && __has_include(<gloo/context.h>)
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#define TORCHRNN_C10D 1
// The process groups' base class, whatever the release: Backend where
// ProcessGroupGloo derives from it (2.x), else ProcessGroup (1.13, whose
// Backend.hpp exists but is not that base).
#if __has_include(<torch/csrc/distributed/c10d/Backend.hpp>)
#include <type_traits>
#include <torch/csrc/distributed/c10d/Backend.hpp>
typedef std::conditional<std::is_base_of<c10d::Backend, c10d::ProcessGroupGloo>::value,
  c10d::Backend, c10d::ProcessGroup>::type torchrnn_dist_pg;
#else
typedef c10d::ProcessGroup torchrnn_dist_pg;
#endif
#endif
#if defined(TORCHRNN_C10D) && __has_include(<nccl.h>) && __has_include(<c10/cuda/CUDAStream.h>) && __has_include(<cuda_runtime_api.h>)
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#define TORCHRNN_NCCL 1
#endif
#define TORCHRNN_NO_C10D "this libtorch was fitted without c10d's TCPStore and Gloo headers (on Debian: apt-get install libgloo-dev, then ./setup-libtorch.sh)"
#define TORCHRNN_NO_NCCL "this libtorch was fitted without NCCL (it needs a CUDA libtorch built with NCCL, and nccl.h and the CUDA headers on the include path)"

// torchrnn_dist_store connects to the TCPStore at host:port, serving it
// when is_server (rank 0), waiting up to timeout_ms for the connection and
// for every later get. Returns a handle or NULL with the error set.
extern "C" void *torchrnn_dist_store(const char *host, int port, int is_server, int world, int64_t timeout_ms);
void *torchrnn_dist_store(const char *host, int port, int is_server, int world, int64_t timeout_ms) {
#ifdef TORCHRNN_C10D
  PROTECT(
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<std::uint16_t>(port);
    opts.isServer = is_server != 0;
    opts.numWorkers = static_cast<std::size_t>(world);
    opts.waitWorkers = false;
    opts.timeout = std::chrono::milliseconds(timeout_ms);
    c10::intrusive_ptr<c10d::Store> store = c10::make_intrusive<c10d::TCPStore>(std::string(host), opts);
    return new c10::intrusive_ptr<c10d::Store>(store);
  )
#else
  torch_last_err = strdup(TORCHRNN_NO_C10D);
#endif
  return nullptr;
}

extern "C" void torchrnn_dist_free_store(void *store);
void torchrnn_dist_free_store(void *store) {
#ifdef TORCHRNN_C10D
  delete static_cast<c10::intrusive_ptr<c10d::Store> *>(store);
#endif
}

// torchrnn_dist_store_set sets key to the n bytes of value; 1 on success.
extern "C" int torchrnn_dist_store_set(void *store, const char *key, const char *value, int64_t n);
int torchrnn_dist_store_set(void *store, const char *key, const char *value, int64_t n) {
#ifdef TORCHRNN_C10D
  PROTECT(
    std::vector<uint8_t> v(value, value + n);
    (*static_cast<c10::intrusive_ptr<c10d::Store> *>(store))->set(std::string(key), v);
    return 1;
  )
#else
  torch_last_err = strdup(TORCHRNN_NO_C10D);
#endif
  return 0;
}

// torchrnn_dist_store_check: 1 when key is set, 0 when not, -1 on error.
extern "C" int torchrnn_dist_store_check(void *store, const char *key);
int torchrnn_dist_store_check(void *store, const char *key) {
#ifdef TORCHRNN_C10D
  PROTECT(
    return (*static_cast<c10::intrusive_ptr<c10d::Store> *>(store))->check({std::string(key)}) ? 1 : 0;
  )
#else
  torch_last_err = strdup(TORCHRNN_NO_C10D);
#endif
  return -1;
}

// torchrnn_dist_store_get returns key's value in a malloc'ed buffer of *n
// bytes (the caller frees it), waiting for it up to the store's timeout;
// NULL with the error set on failure.
extern "C" char *torchrnn_dist_store_get(void *store, const char *key, int64_t *n);
char *torchrnn_dist_store_get(void *store, const char *key, int64_t *n) {
#ifdef TORCHRNN_C10D
  PROTECT(
    std::vector<uint8_t> v = (*static_cast<c10::intrusive_ptr<c10d::Store> *>(store))->get(std::string(key));
    char *out = static_cast<char *>(malloc(v.size() + 1));
    if (out == nullptr) throw std::bad_alloc();
    if (!v.empty()) memcpy(out, v.data(), v.size());
    *n = static_cast<int64_t>(v.size());
    return out;
  )
#else
  torch_last_err = strdup(TORCHRNN_NO_C10D);
#endif
  return nullptr;
}

// torchrnn_dist_gloo makes a Gloo process group for rank of size over
// store (its keys under "pg/"), on the network interface GLOO_SOCKET_IFNAME
// names or the one the host name resolves to; collectives fail after
// timeout_ms. Returns a handle or NULL with the error set.
extern "C" void *torchrnn_dist_gloo(void *store, int rank, int size, int64_t timeout_ms);
void *torchrnn_dist_gloo(void *store, int rank, int size, int64_t timeout_ms) {
#ifdef TORCHRNN_C10D
  PROTECT(
    auto base = *static_cast<c10::intrusive_ptr<c10d::Store> *>(store);
    c10::intrusive_ptr<c10d::Store> prefixed = c10::make_intrusive<c10d::PrefixStore>("pg", base);
    auto opts = c10d::ProcessGroupGloo::Options::create(std::chrono::milliseconds(timeout_ms));
    const char *ifname = getenv("GLOO_SOCKET_IFNAME");
    opts->devices.push_back(ifname != nullptr && ifname[0] != 0
      ? c10d::ProcessGroupGloo::createDeviceForInterface(std::string(ifname))
      : c10d::ProcessGroupGloo::createDefaultDevice());
    opts->threads = 2;
    c10::intrusive_ptr<torchrnn_dist_pg> pg = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, rank, size, opts);
    return new c10::intrusive_ptr<torchrnn_dist_pg>(pg);
  )
#else
  torch_last_err = strdup(TORCHRNN_NO_C10D);
#endif
  return nullptr;
}

// torchrnn_dist_nccl makes an NCCL process group, as torchrnn_dist_gloo a
// Gloo one, for CUDA tensors.
extern "C" void *torchrnn_dist_nccl(void *store, int rank, int size, int64_t timeout_ms);
void *torchrnn_dist_nccl(void *store, int rank, int size, int64_t timeout_ms) {
#ifdef TORCHRNN_NCCL
  PROTECT(
    auto base = *static_cast<c10::intrusive_ptr<c10d::Store> *>(store);
    c10::intrusive_ptr<c10d::Store> prefixed = c10::make_intrusive<c10d::PrefixStore>("pg", base);
    auto opts = c10d::ProcessGroupNCCL::Options::create();
    opts->timeout = std::chrono::milliseconds(timeout_ms);
    c10::intrusive_ptr<torchrnn_dist_pg> pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(prefixed, rank, size, opts);
    return new c10::intrusive_ptr<torchrnn_dist_pg>(pg);
  )
#else
  torch_last_err = strdup(TORCHRNN_NO_NCCL);
#endif
  return nullptr;
}

extern "C" void torchrnn_dist_free_group(void *group);
void torchrnn_dist_free_group(void *group) {
#ifdef TORCHRNN_C10D
  delete static_cast<c10::intrusive_ptr<torchrnn_dist_pg> *>(group);
#endif
}

// torchrnn_dist_collective runs op on each of the n tensors (libtch's
// tensor handles) in place: 0 is a sum all-reduce, 1 a broadcast from rank
// root, 2 a barrier (no tensors). The n collectives are all started before
// any is waited for, so they overlap. 1 on success.
extern "C" int torchrnn_dist_collective(void *group, int op, void **tensors, int n, int root);
int torchrnn_dist_collective(void *group, int op, void **tensors, int n, int root) {
#ifdef TORCHRNN_C10D
  PROTECT(
    auto &pg = *static_cast<c10::intrusive_ptr<torchrnn_dist_pg> *>(group);
    if (op == 2) {
      pg->barrier()->wait();
      return 1;
    }
    std::vector<std::vector<at::Tensor>> args(n);
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    c10d::BroadcastOptions bc;
    bc.rootRank = root;
    for (int i = 0; i < n; ++i) {
      args[i].push_back(*static_cast<at::Tensor *>(tensors[i]));
      works.push_back(op == 0 ? pg->allreduce(args[i]) : pg->broadcast(args[i], bc));
    }
    for (auto &w : works) w->wait();
    return 1;
  )
#else
  torch_last_err = strdup(TORCHRNN_NO_C10D);
#endif
  return 0;
}
`
