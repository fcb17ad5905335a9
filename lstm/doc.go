// Package lstm builds recurrent text models on libtorch's native RNN ops:
// an embedding with a padding row, a multi-layer (bi)directional RNN, LSTM
// or GRU over padded or packed batches, a classifier head, a language-model
// head, a tagger (per-token outputs, optional character features of each
// word and an optional CRF) and an encoder-decoder translator (Seq2Seq) with
// attention (Attend: additive, general or dot, masked on padding, its
// weights returned) and a one-step Step for decoding. Parameter names, initialisation and numbers follow PyTorch's nn.RNN,
// nn.LSTM and nn.GRU, so weights move between the two.
//
// Models are made of parts that can be used alone: NewParams holds the
// trainable tensors (give Params.List() to optim.New), NewEmbedding and
// NewLinear add layers to it, NewRNN adds a recurrent stack with a
// whole-sequence Forward and a typed State to carry, and Params.Add,
// Uniform and Normal register tensors of one's own, so a head of one's own
// sits on the stack as the built-in Classifier and LM heads do.
//
// Train or eval is an argument (Forward(..., train bool)): dropout runs only
// when train is true. Gradients are tracked unless the call runs inside
// torch.NoGrad.
//
// # Ownership
//
// Params owns its tensors (Params.Drop frees them all); layers and models
// made on a Params borrow them. Every Forward, Step, Loss and Probabilities
// returns tensors and States that the caller owns and frees (torch.Free,
// State.Drop); inputs, including an initial State, are borrowed and never
// freed by the callee.
//
// # Concurrency
//
// A model is not safe for concurrent use: one goroutine, locked to its OS
// thread, runs it (see package torch). Separate models on separate locked
// goroutines may run at once. Config values are plain data.
package lstm
