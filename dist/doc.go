// Package dist is data-parallel training over libtorch's own distributed
// engine, c10d: the process groups PyTorch's DistributedDataParallel uses
// (Gloo on CPU, NCCL on CUDA), joined through c10d's TCPStore as torchrun
// joins them.
//
// Each process of a job (a rank) reads where it stands from the
// environment torchrun and the Kubernetes training operator set (FromEnv:
// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), and calls Join.
// Rank 0 serves the rendezvous; Join waits for every rank, names the ranks
// still missing when its timeout passes, and refuses ranks whose Check
// (a hash of the settings that must agree) differs from rank 0's. Then:
//
//	g.BroadcastParams(params)        // every rank starts from rank 0's weights
//	r, _ := dist.NewReducer(g, params, 0)
//	for each batch:
//	    forward and backward on this rank's share of the batch
//	    r.Average(share)             // gradients: the whole batch's mean
//	    clip, optimizer step         // the same on every rank
//	sums, _ := g.SumFloat64s(metrics) // losses, counts, a stop flag
//
// Every collective (SumInPlace, Broadcast, Barrier, Average, SumFloat64s)
// must be called by all ranks in the same order. When a rank dies, the
// others' next collective fails (Gloo sees the connection close) with an
// error saying so, or after Options.Timeout.
//
// # Ownership and threads
//
// Join returns a Group the caller Closes; NewReducer a Reducer the caller
// Frees. Tensors passed in are borrowed. Call a Group from the goroutine
// doing the torch work (package torch's thread rule); it is not safe for
// concurrent use. Separate Groups on separate goroutines are (the tests run
// two ranks in one process so).
//
// # Building
//
// The C++ half is part of the fitted gotch (setup-libtorch.sh). It needs
// c10d's headers and Gloo's (Debian: libtorch-dev and libgloo-dev); where
// they are missing, Join returns an error saying so. NCCL needs a CUDA
// libtorch built with it and the NCCL and CUDA headers at fitting time.
package dist
