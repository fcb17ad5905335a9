// Package sample picks the next token from a language model's logits:
// greedy (temperature 0) or from softmax(logits / temperature) restricted to
// the top-k tokens and to the smallest set whose probability reaches top-p
// (nucleus sampling), as nanoGPT's generate and Hugging Face's samplers do.
//
// Pick and Probabilities are pure functions of Go slices. Next reads a
// logits tensor [B, V] (borrowed, never freed here) and returns one id per
// row as a Go slice: nothing to free. All are safe for concurrent use with
// separate random sources (a *rand.Rand is not safe to share).
package sample
