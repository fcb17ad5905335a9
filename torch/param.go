package torch

// Param is a named trainable tensor, the one parameter type that models
// (lstm.Params) hand to optimizers (optim.New). Names are PyTorch's
// state_dict keys ("rnn.weight_ih_l0", "fc.bias"). The model that made the
// tensor owns it; a Param only borrows it.
type Param struct {
	Name   string
	Tensor *Tensor
}
