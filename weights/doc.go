// Package weights moves model weights between torchrnn and PyTorch:
//
//   - in: a state_dict saved with torch.save (the zip + pickle format of
//     PyTorch 1.6 and later; checkpoint dicts too), a .safetensors file or
//     a TorchScript archive such as a torchrnn run's model.pt (ReadFile),
//     loaded into a model's parameters (Load, LoadFile) with
//     PyTorch's names, renames for other module names ("lstm." -> "rnn."),
//     and a strict or lenient mode whose Report lists every loaded,
//     renamed, missing, unexpected and mismatched tensor;
//   - out: a .safetensors file (SaveSafetensors) that PyTorch loads with
//     safetensors.torch.load_file and load_state_dict(strict=True) into the
//     equivalent nn.Embedding, nn.LSTM/GRU/RNN and nn.Linear modules.
//
// A torchrnn model's parameters under PyTorch's state_dict names come from
// ModelParams. Reading a torch.save file runs none of its code: a
// restricted unpickler knows dicts, lists, tuples, numbers, strings and
// tensors, and nothing else; every size in the file is checked against the
// bytes that are there, so a damaged file is an error, not a crash or a
// huge allocation.
//
// # Ownership
//
// StateDict and Tensor are Go memory: nothing to free. Load and LoadFile
// copy into tensors the model owns and create none that the caller must
// free; FromParams and SaveSafetensors only read the model's tensors.
// Like all libtorch work in torchrnn, call Load, LoadFile, FromParams,
// SaveSafetensors and ReadFile (which reads TorchScript through libtorch)
// from one goroutine locked to its OS thread (torch.LockThread);
// ReadTorch, ReadSafetensors and WriteSafetensors touch no tensor and may
// run anywhere.
package weights
