package train

import (
	"os"
	"runtime/debug"
)

// trainingGCPercent is Go's GC percent while TrainingGC holds.
const trainingGCPercent = 25

// TrainingGC readies Go's memory for training on loaded data: it hands the
// loading's garbage (token lists, tables) back to the system and, unless
// GOGC is set, lowers Go's GC percent to 25; it returns the function that
// restores the previous percent. Training makes little Go garbage
// (fitgotch's Pace took gotch's 100 KB off every tensor), so no collection
// would come for the loading's, and at GOGC=100 Go's heap waits at twice
// its live size. bench/training's padded run on the full IMDB, with
// scalars freed at Drop (fitgotch.DropScalars): 710 MiB at 25 against 779
// at GOGC=100, the same speed; train's tests took 5% longer at 25. (Before
// DropScalars most of the growth it was first measured against, 1,403 MiB,
// was glibc's heap split by scalars waiting for a collection.) The
// trainer's epochs run under it.
func TrainingGC() (restore func()) {
	debug.FreeOSMemory()
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(trainingGCPercent)
	return func() { debug.SetGCPercent(old) }
}
