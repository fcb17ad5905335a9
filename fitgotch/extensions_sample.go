package fitgotch

// sampleExtensions: one step of a recurrent language model in one call, for
// sampling (lstm.Streams through internal/libtorch.LMStep). Through gotch's
// tensor API a sampled token costs about ten tensors, each a cgo call and a
// 100 KB Go allocation; here it costs one call, makes nothing on the Go side
// and writes the logits straight into the caller's buffer.
//
// The cell math is libtorch's (aten/src/ATen/native/RNN.cpp: LSTMCell,
// GRUCell, SimpleCell), op for op: gates = linear_hh(h).add_(linear_ih(x)).
// What differs is the matrix products of a single stream on the CPU: a
// matrix-vector loop here (AVX2 and FMA where the CPU has them) instead of
// one-row matrix products (BLAS gemm: OpenBLAS 0.3.21 copies the whole
// weight matrix first, 1 MB a step for the default model, and on a CPU it
// does not recognise runs its generic Prescott kernels), and layer 0's
// linear_ih looked up in a table of every token's row, made once (when it
// takes at most 16 MB). So the logits equal a one-token forward's up to the
// rounding of the sums (about 1e-7). Several streams run libtorch's addmm.
//
// Every libtorch type stays inside the bodies of the three C functions, so
// that fitting, against a libtorch that cannot build them, stubs them whole.
const sampleExtensions = `
#include <immintrin.h>

// torchrnn_mv_avx2 is y = (b + W x) + add (add may be NULL), W [rows, cols]
// row-major.
__attribute__((target("avx2,fma"))) static void torchrnn_mv_avx2(const float *w, const float *x, const float *b, const float *add, float *y, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float *wr = w + r * cols;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    int64_t k = 0;
    for (; k + 32 <= cols; k += 32) {
      a0 = _mm256_fmadd_ps(_mm256_loadu_ps(wr + k), _mm256_loadu_ps(x + k), a0);
      a1 = _mm256_fmadd_ps(_mm256_loadu_ps(wr + k + 8), _mm256_loadu_ps(x + k + 8), a1);
      a2 = _mm256_fmadd_ps(_mm256_loadu_ps(wr + k + 16), _mm256_loadu_ps(x + k + 16), a2);
      a3 = _mm256_fmadd_ps(_mm256_loadu_ps(wr + k + 24), _mm256_loadu_ps(x + k + 24), a3);
    }
    for (; k + 8 <= cols; k += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(wr + k), _mm256_loadu_ps(x + k), a0);
    __m256 s8 = _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    s4 = _mm_hadd_ps(s4, s4);
    s4 = _mm_hadd_ps(s4, s4);
    float sum = _mm_cvtss_f32(s4);
    for (; k < cols; ++k) sum += wr[k] * x[k];
    float v = b[r] + sum;
    y[r] = add == nullptr ? v : v + add[r];
  }
  _mm256_zeroupper(); // else every SSE instruction after it (Go's math.Exp) pays for the dirty upper halves
}

static void torchrnn_mv_plain(const float *w, const float *x, const float *b, const float *add, float *y, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float *wr = w + r * cols;
    float sum = 0;
    for (int64_t k = 0; k < cols; ++k) sum += wr[k] * x[k];
    float v = b[r] + sum;
    y[r] = add == nullptr ? v : v + add[r];
  }
}

static void torchrnn_mv_raw(const float *w, const float *x, const float *b, const float *add, float *y, int64_t rows, int64_t cols) {
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  (avx2 ? torchrnn_mv_avx2 : torchrnn_mv_plain)(w, x, b, add, y, rows, cols);
}

// torchrnn_lm_new holds a recurrent language model's weights for
// torchrnn_lm_step, sharing their storage: embedding [V, E], w 4 tensors a
// layer (w_ih, w_hh, b_ih, b_hh), decoder [V, H] and [V]. It is a vector of
// tensors: emb, dec_w, dec_b, the table of layer 0's linear_ih for every
// token [V, gates*H] (undefined when over 16 MB), one stream's linear_hh
// [gates*H] (reused), then w. Returns NULL with the error set;
// torchrnn_lm_free frees it.
extern "C" void *torchrnn_lm_new(tensor emb, tensor *w, int layers, tensor dec_w, tensor dec_b);
void *torchrnn_lm_new(tensor emb, tensor *w, int layers, tensor dec_w, tensor dec_b) {
  try {
    torch::NoGradGuard no_grad;
    auto m = std::make_unique<std::vector<torch::Tensor>>();
    int64_t V = emb->size(0), G = w[0]->size(0);
    torch::Tensor table;
    if (V * G * 4 <= (16 << 20)) {
      table = torch::empty({V, G}, w[0]->options());
      for (int64_t v = 0; v < V; ++v) table[v].copy_(at::addmv(*w[2], *w[0], (*emb)[v]));
    }
    m->push_back(*emb);
    m->push_back(*dec_w);
    m->push_back(*dec_b);
    m->push_back(table);
    m->push_back(torch::empty({G}, w[0]->options()));
    for (int i = 0; i < 4 * layers; ++i) m->push_back(*w[i]);
    return m.release();
  } catch (const std::exception &e) {
    torch_last_err = strdup(e.what());
  }
  return nullptr;
}

extern "C" void torchrnn_lm_free(void *lm);
void torchrnn_lm_free(void *lm) {
  delete static_cast<std::vector<torch::Tensor> *>(lm);
}

// torchrnn_lm_step advances batch streams by one token each and writes the
// logits [batch, V] to out (host memory). cell: 0 rnn_tanh, 1 rnn_relu, 2
// lstm, 3 gru. h (and c for an LSTM, else NULL): [layers, batch, H], updated
// in place. ids: batch token ids (host memory). Returns 1, or 0 with the
// error set.
extern "C" int torchrnn_lm_step(int cell, void *lm, tensor h, tensor c, const int64_t *ids, int64_t batch, float *out);
int torchrnn_lm_step(int cell, void *lm, tensor h, tensor c, const int64_t *ids, int64_t batch, float *out) {
  try {
    torch::NoGradGuard no_grad;
    const auto &m = *static_cast<std::vector<torch::Tensor> *>(lm);
    const auto &emb = m[0], &dec_w = m[1], &dec_b = m[2], &table = m[3], &scratch = m[4];
    int layers = (m.size() - 5) / 4;
    if (cell < 0 || cell > 3) throw std::invalid_argument("torchrnn_lm_step: unknown cell " + std::to_string(cell));
    int64_t V = emb.size(0);
    for (int64_t i = 0; i < batch; ++i)
      if (ids[i] < 0 || ids[i] >= V) throw std::out_of_range("torchrnn_lm_step: token id " + std::to_string(ids[i]) + " outside the vocabulary of " + std::to_string(V));
    // fits: the loop above can run b + W x (float32, contiguous, CPU, one vector).
    auto fits = [](const torch::Tensor &b, const torch::Tensor &w, const torch::Tensor &x) {
      for (const auto *t : {&b, &w, &x})
        if (!t->is_cpu() || t->scalar_type() != torch::kFloat || !t->is_contiguous()) return false;
      return x.dim() == 1 && w.dim() == 2 && w.size(1) == x.size(0) && b.numel() == w.size(0);
    };
    auto mv = [](const torch::Tensor &b, const torch::Tensor &w, const torch::Tensor &x, const float *add, float *y) {
      torchrnn_mv_raw(w.data_ptr<float>(), x.data_ptr<float>(), b.data_ptr<float>(), add, y, w.size(0), w.size(1));
    };
    auto lin = [&](const torch::Tensor &b, const torch::Tensor &w, const torch::Tensor &x) { // b + W x
      if (fits(b, w, x)) {
        auto y = torch::empty({w.size(0)}, w.options());
        mv(b, w, x, nullptr, y.data_ptr<float>());
        return y;
      }
      return x.dim() == 1 ? at::addmv(b, w, x) : at::addmm(b, x, w.t());
    };
    // step runs one layer's cell on ih = linear_ih(x), hh = linear_hh(h)
    // (for an LSTM or a simple cell already the gates' sum when added) and
    // h (and c), [gates*H] and [H] for one stream or [B, gates*H] and
    // [B, H], updating h and c in place: libtorch's LSTMCell, GRUCell and
    // SimpleCell.
    auto step = [&](const torch::Tensor &ih, torch::Tensor hh, bool added, torch::Tensor hl, torch::Tensor cl) {
      if (cell != 3 && !added) hh.add_(ih);
      if (cell == 2) {
        auto g = hh.unsafe_chunk(4, -1);
        auto in = g[0].sigmoid_(), forget = g[1].sigmoid_(), cellg = g[2].tanh_(), outg = g[3].sigmoid_();
        cl.mul_(forget).add_(in.mul(cellg)); // forget * c + in * cellg
        at::mul_out(hl, outg, cl.tanh());
      } else if (cell == 3) {
        auto ig = ih.unsafe_chunk(3, -1), hg = hh.unsafe_chunk(3, -1);
        auto reset = hg[0].add_(ig[0]).sigmoid_(), update = hg[1].add_(ig[1]).sigmoid_();
        auto fresh = ig[2].add(hg[2].mul_(reset)).tanh_();
        hl.copy_((hl - fresh).mul_(update).add_(fresh));
      } else {
        hl.copy_(cell == 0 ? hh.tanh() : hh.relu());
      }
    };
    bool one = batch == 1;
    auto state = [&](tensor t, int64_t l) { // [H] or [B, H], a view
      if (t == nullptr) return torch::Tensor();
      auto s = t->select(0, l);
      return one ? s.select(0, 0) : s;
    };
    torch::Tensor ih, x;
    if (one) {
      ih = table.defined() ? table[ids[0]] : lin(m[5 + 2], m[5], emb[ids[0]]);
    } else {
      auto idx = torch::from_blob(const_cast<int64_t *>(ids), {batch}, torch::kInt64).to(emb.device());
      ih = table.defined() ? table.index_select(0, idx) : lin(m[5 + 2], m[5], emb.index_select(0, idx));
    }
    for (int l = 0; l < layers; ++l) {
      const auto *p = &m[5 + 4 * l]; // w_ih, w_hh, b_ih, b_hh
      if (l > 0) ih = lin(p[2], p[0], x);
      x = state(h, l);
      if (fits(p[3], p[1], x) && ih.is_contiguous() && ih.scalar_type() == torch::kFloat) {
        bool add = cell != 3; // a GRU keeps linear_hh apart
        mv(p[3], p[1], x, add ? ih.data_ptr<float>() : nullptr, scratch.data_ptr<float>());
        step(ih, scratch, add, x, state(c, l));
      } else {
        step(ih, lin(p[3], p[1], x), false, x, state(c, l));
      }
    }
    if (!emb.device().is_cpu()) {
      auto logits = lin(dec_b, dec_w, x);
      torch::from_blob(out, logits.sizes(), torch::kFloat).copy_(logits);
    } else if (fits(dec_b, dec_w, x)) {
      mv(dec_b, dec_w, x, nullptr, out);
    } else {
      auto host = torch::from_blob(out, {batch, V}, torch::kFloat);
      at::addmm_out(host, dec_b, x, dec_w.t());
    }
    return 1;
  } catch (const std::exception &e) {
    torch_last_err = strdup(e.what());
  }
  return 0;
}
`
