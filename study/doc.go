// Package study sets recurrent cells side by side.
//
// Compare trains an IMDB-style classifier per cell with train.Run, the same
// data, vocabulary, seed and budget for each, and tabulates and plots them
// (compare.json, compare.png).
//
// Run is the gradient study on a synthetic memory task (Task): remember the
// sign of the first step over T steps. For each cell and T it measures the
// norm of the loss's gradient at the first input step and at the recurrent
// weights, at initialisation and after a fixed training budget, and the
// accuracy reached (gradients.json, gradients.png): the vanishing gradient
// of the vanilla RNN, the gated cells' longer reach, and the exploding
// gradient of a ReLU RNN with and without clipping.
package study
