// Package torch is torchrnn's small door to libtorch: tensors made from Go
// slices and read back, devices, seeds, thread counts, the autograd mode,
// and the losses and accuracy the text tasks use. With it and the model
// packages (lstm, optim, sample, seq, vocab), a program needs no import of
// gotch itself; Tensor and Device are gotch's types under torchrnn's names,
// so their methods (Select, View, Size, ...) remain at hand for the rare op
// this package does not wrap.
//
// # Ownership
//
// A tensor holds libtorch memory that Go's garbage collector does not see.
// Every function here (and in torchrnn's other packages) that returns a
// tensor hands it to the caller: free it with Free when done, or it stays
// alive until a finalizer happens to run. Tensors passed in are borrowed:
// the callee neither frees nor keeps them.
//
// # Threads
//
// libtorch keeps the autograd mode, and gotch the last error, per OS
// thread, while Go moves goroutines between threads. Do torch work from one
// goroutine locked to its thread: call LockThread at the start of main (or
// of the goroutine doing the work), or run the work through Run. NoGrad
// locks the thread for its own duration. Tensors and models are not safe
// for concurrent use; separate models on separate locked goroutines are.
package torch
