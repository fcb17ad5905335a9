// Package optim updates parameters with Adam or SGD, PyTorch's algorithms,
// written with libtorch tensor ops so that the optimizer state can be saved
// with a checkpoint and a run resumed exactly (gotch's libtorch optimizers
// cannot export their state).
//
// An Optimizer takes the parameters as torch.Param values, the list a
// model's lstm.Params gives (model.Params.List()), and the usual loop is
//
//	opt.ZeroGrad()
//	loss.Backward()
//	optim.ClipGradNorm(params, 0.25) // optional
//	opt.Step()
//
// # Ownership and threads
//
// The optimizer borrows the parameter tensors: the model keeps owning them.
// Its own moment buffers are freed with the process (there is no Close; an
// optimizer lives as long as its model). Parameters whose tensor has no
// gradient (a frozen embedding, say) are skipped. An Optimizer is not safe
// for concurrent use, and Step must run on the thread that ran the
// backward pass's forward (see package torch on threads).
package optim
