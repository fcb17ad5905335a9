package fitgotch

// lstmExtensions: libtorch's lstm op for training on the CPU, with a
// backward written by hand (lstm's padded strategy through
// internal/libtorch.LSTM).
//
// libtorch runs an LSTM on the CPU as a loop of about a dozen autograd ops a
// step (aten/src/ATen/native/RNN.cpp: FullLayer, LSTMCell), so its backward
// is a dozen more a step, and the recurrent weight's gradient is a small
// matrix product (K = batch) added into the sum once a step. Here each layer
// is one autograd node: the forward is LSTMCell's math op for op (the
// outputs equal libtorch's bit for bit), and the backward runs one pass over
// each step's cells and one matrix product for the hidden state's gradient,
// then the weights' gradients as single matrix products over every step
// (K = T*B). The gradients equal libtorch's up to the rounding of the sums.
// Dropout between layers is libtorch's call in libtorch's order, so a seeded
// run draws the same masks.
//
// Every libtorch type stays inside the body of the C function (the autograd
// node is a local class), so that fitting, against a libtorch that cannot
// build it, stubs it whole.
const lstmExtensions = `
// torchrnn_lstm_cell_back is one step of an LSTM layer's backward over a
// batch: gates [B, 4H] after their activations (i, f, g, o), tc = tanh(c_t),
// cp = c_{t-1}, dh the gradient of h_t and dc that of c_t, which it
// overwrites with the gradient of c_{t-1}; it writes the gradient of the
// gates before their activations to dgates [B, 4H].
__attribute__((optimize("O3"))) static void torchrnn_lstm_cell_back(const float *__restrict gates, const float *__restrict tc, const float *__restrict cp, const float *__restrict dh, float *__restrict dc, float *__restrict dgates, int64_t B, int64_t H) {
  for (int64_t b = 0; b < B; ++b) {
    const float *gi = gates + b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;
    float *di = dgates + b * 4 * H, *df = di + H, *dg = df + H, *dout = dg + H;
    const float *tcb = tc + b * H, *cpb = cp + b * H, *dhb = dh + b * H;
    float *dcb = dc + b * H;
    for (int64_t j = 0; j < H; ++j) {
      float i = gi[j], f = gf[j], g = gg[j], o = go[j], t = tcb[j], d = dhb[j];
      float c = dcb[j] + d * o * (1 - t * t);
      di[j] = c * g * i * (1 - i);
      df[j] = c * cpb[j] * f * (1 - f);
      dg[j] = c * i * (1 - g * g);
      dout[j] = d * t * o * (1 - o);
      dcb[j] = c * f;
    }
  }
}

// torchrnn_lstm is at::lstm(x, {hx, cx}, w, has_biases=true, layers,
// dropout, train, bidirectional=false, batch_first) on float32 CPU tensors,
// each layer one autograd node when gradients are on (else it calls
// at::lstm). w: 4 tensors a layer (w_ih, w_hh, b_ih, b_hh). Writes out,
// h_n and c_n, new tensors, to out[0..2]. Returns 1, or 0 with the error set.
extern "C" int torchrnn_lstm(tensor x, tensor hx, tensor cx, tensor *w, int layers, double dropout, int train, int batch_first, tensor *out);
int torchrnn_lstm(tensor x, tensor hx, tensor cx, tensor *w, int layers, double dropout, int train, int batch_first, tensor *out) {
  try {
    // Layer runs one layer over time-major x [T, B, I] from h0, c0 [B, H]:
    // outputs [T, B, H], h_n, c_n [B, H].
    struct Layer : public torch::autograd::Function<Layer> {
      static torch::autograd::variable_list forward(torch::autograd::AutogradContext *ctx, torch::Tensor x, torch::Tensor h0, torch::Tensor c0, torch::Tensor w_ih, torch::Tensor w_hh, torch::Tensor b_ih, torch::Tensor b_hh) {
        int64_t T = x.size(0), B = x.size(1), H = w_hh.size(1);
        auto xw = at::linear(x, w_ih, b_ih); // [T, B, 4H], as FullLayer
        auto gates = at::empty({T, B, 4 * H}, xw.options()); // after the activations
        auto cs = at::empty({T, B, H}, xw.options()), tcs = at::empty({T, B, H}, xw.options()), hs = at::empty({T, B, H}, xw.options());
        auto w_hh_t = w_hh.t();
        torch::Tensor h = h0, c = c0;
        for (int64_t t = 0; t < T; ++t) { // LSTMCell
          auto g = gates[t];
          at::addmm_out(g, b_hh, h, w_hh_t); // linear_hh(h)
          g.add_(xw[t]);
          auto ch = g.unsafe_chunk(4, 1);
          ch[0].sigmoid_();
          ch[1].sigmoid_();
          ch[2].tanh_();
          ch[3].sigmoid_();
          auto ct = cs[t], tc = tcs[t], ht = hs[t];
          at::mul_out(ct, ch[1], c).add_(ch[0] * ch[2]); // (forget * c).add_(in * cell)
          at::tanh_out(tc, ct);
          at::mul_out(ht, ch[3], tc); // out * tanh(c')
          h = ht;
          c = ct;
        }
        ctx->save_for_backward({x, h0, c0, w_ih, w_hh, gates, cs, tcs, hs});
        return {hs, hs[T - 1].clone(), cs[T - 1].clone()};
      }

      static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx, torch::autograd::variable_list grads) {
        auto s = ctx->get_saved_variables();
        const auto &x = s[0], &w_ih = s[3], &w_hh = s[4], &gates = s[5], &cs = s[6], &tcs = s[7], &hs = s[8];
        auto h0 = s[1].contiguous(), c0 = s[2].contiguous();
        int64_t T = x.size(0), B = x.size(1), I = x.size(2), H = w_hh.size(1);
        auto opts = gates.options();
        auto dh = grads[1].defined() ? grads[1].contiguous().clone() : at::zeros({B, H}, opts);
        auto dc = grads[2].defined() ? grads[2].contiguous().clone() : at::zeros({B, H}, opts);
        auto dout = grads[0].defined() ? grads[0].contiguous() : torch::Tensor();
        auto dht = at::empty({B, H}, opts), dgates = at::empty({T, B, 4 * H}, opts);
        for (int64_t t = T - 1; t >= 0; --t) {
          auto d = dh;
          if (dout.defined()) d = at::add_out(dht, dh, dout[t]);
          auto cp = t > 0 ? cs[t - 1] : c0;
          auto dg = dgates[t];
          torchrnn_lstm_cell_back(gates[t].data_ptr<float>(), tcs[t].data_ptr<float>(), cp.data_ptr<float>(), d.data_ptr<float>(), dc.data_ptr<float>(), dg.data_ptr<float>(), B, H);
          at::mm_out(dh, dg, w_hh); // the gradient of h_{t-1}
        }
        auto all = dgates.view({T * B, 4 * H});
        torch::Tensor dx, dw_ih, dw_hh, db_ih, db_hh;
        if (ctx->needs_input_grad(0)) dx = all.mm(w_ih).view({T, B, I});
        if (ctx->needs_input_grad(3)) dw_ih = all.t().mm(x.reshape({T * B, I}));
        if (ctx->needs_input_grad(4)) {
          auto prev = T > 1 ? at::cat({h0.unsqueeze(0), hs.narrow(0, 0, T - 1)}, 0) : h0.unsqueeze(0);
          dw_hh = all.t().mm(prev.view({T * B, H}));
        }
        if (ctx->needs_input_grad(5) || ctx->needs_input_grad(6)) db_ih = all.sum(0);
        if (ctx->needs_input_grad(6)) db_hh = db_ih.clone();
        return {dx, dh, dc, dw_ih, dw_hh, db_ih, db_hh};
      }
    };

    if (layers < 1) throw std::invalid_argument("torchrnn_lstm: " + std::to_string(layers) + " layers");
    std::vector<torch::Tensor> ws;
    for (int i = 0; i < 4 * layers; ++i) ws.push_back(*w[i]);
    if (!torch::GradMode::is_enabled()) { // no graph: libtorch's loop is as fast and holds less memory
      auto r = at::lstm(*x, {*hx, *cx}, ws, true, layers, dropout, train != 0, false, batch_first != 0);
      out[0] = new torch::Tensor(std::get<0>(r));
      out[1] = new torch::Tensor(std::get<1>(r));
      out[2] = new torch::Tensor(std::get<2>(r));
      return 1;
    }
    for (const auto *t : {x, hx, cx})
      if (!t->is_cpu() || t->scalar_type() != torch::kFloat) throw std::invalid_argument("torchrnn_lstm: wants float32 CPU tensors");
    if (x->dim() != 3 || hx->dim() != 3 || cx->dim() != 3 || hx->size(0) != layers || cx->sizes() != hx->sizes())
      throw std::invalid_argument("torchrnn_lstm: input and state shapes do not fit " + std::to_string(layers) + " layers");
    auto input = batch_first ? x->transpose(0, 1) : *x;
    std::vector<torch::Tensor> hn, cn;
    for (int l = 0; l < layers; ++l) {
      const auto *p = &ws[4 * l];
      for (const auto &t : {p[0], p[1], p[2], p[3]})
        if (!t.is_cpu() || t.scalar_type() != torch::kFloat) throw std::invalid_argument("torchrnn_lstm: wants float32 CPU weights");
      if (p[1].dim() != 2 || p[0].dim() != 2 || p[0].size(0) != 4 * p[1].size(1) || p[1].size(0) != p[0].size(0) || p[0].size(1) != input.size(2) || (*hx)[l].size(1) != p[1].size(1))
        throw std::invalid_argument("torchrnn_lstm: layer " + std::to_string(l) + "'s weights do not fit its input and state");
      auto o = Layer::apply(input, (*hx)[l], (*cx)[l], p[0], p[1], p[2], p[3]);
      hn.push_back(o[1]);
      cn.push_back(o[2]);
      input = o[0];
      if (dropout != 0 && train && l < layers - 1) input = at::dropout(input, dropout, true);
    }
    out[0] = new torch::Tensor(batch_first ? input.transpose(0, 1) : input);
    out[1] = new torch::Tensor(at::stack(hn, 0));
    out[2] = new torch::Tensor(at::stack(cn, 0));
    return 1;
  } catch (const std::exception &e) {
    torch_last_err = strdup(e.what());
  }
  return 0;
}
`
