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
// its live size: bench/training's padded run on the full IMDB peaked at
// 1,403 MiB without either (909 with gotch's allocation), 1,176-1,192 MiB
// with the release alone, 1,015 at 25 and 972 at 10, its speed within the
// runs' spread (66,000-79,000 tokens/s); train's tests took 5% longer at
// 25, 13% at 10. The trainer's epochs run under it.
func TrainingGC() (restore func()) {
	debug.FreeOSMemory()
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(trainingGCPercent)
	return func() { debug.SetGCPercent(old) }
}
