package dist

import (
	"fmt"
	"os"
	"strconv"
)

// DefaultPort is MASTER_PORT's default, as torchrun's.
const DefaultPort = 29500

// Env is where a process stands in a job, as torchrun and the Kubernetes
// training operator describe it in the environment:
//
//	WORLD_SIZE   processes in the job (unset: 1, training alone)
//	RANK         this process's number, 0 to WORLD_SIZE-1; rank 0 serves the rendezvous
//	LOCAL_RANK   its number on this machine (picks the GPU); default 0
//	MASTER_ADDR  host name or address of rank 0's machine
//	MASTER_PORT  the port rank 0 serves the rendezvous on (default 29500)
type Env struct {
	Rank, Size, LocalRank int
	MasterAddr            string
	MasterPort            int
}

// Distributed reports whether the job has more than one process.
func (e Env) Distributed() bool { return e.Size > 1 }

// Addr is the rendezvous address, host:port.
func (e Env) Addr() string { return fmt.Sprintf("%s:%d", e.MasterAddr, e.MasterPort) }

// FromEnv reads Env from the process environment; see Env. Without
// WORLD_SIZE it is a job of one process. A setting that is missing or out
// of range is an error naming the variable.
func FromEnv() (Env, error) { return ParseEnv(os.Getenv) }

// ParseEnv is FromEnv reading the variables through getenv.
func ParseEnv(getenv func(string) string) (Env, error) {
	e := Env{Size: 1, MasterPort: DefaultPort}
	num := func(name string, v *int, min int) error {
		s := getenv(name)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min {
			return fmt.Errorf("dist: %s=%q: want a whole number, at least %d", name, s, min)
		}
		*v = n
		return nil
	}
	for _, f := range []struct {
		name string
		v    *int
		min  int
	}{{"WORLD_SIZE", &e.Size, 1}, {"RANK", &e.Rank, 0}, {"LOCAL_RANK", &e.LocalRank, 0}, {"MASTER_PORT", &e.MasterPort, 1}} {
		if err := num(f.name, f.v, f.min); err != nil {
			return Env{}, err
		}
	}
	e.MasterAddr = getenv("MASTER_ADDR")
	switch {
	case e.MasterPort > 65535:
		return Env{}, fmt.Errorf("dist: MASTER_PORT=%d: want a port number, 1 to 65535", e.MasterPort)
	case e.Rank >= e.Size:
		return Env{}, fmt.Errorf("dist: RANK=%d is not below WORLD_SIZE=%d (ranks are 0 to %d)", e.Rank, e.Size, e.Size-1)
	case e.Size > 1 && getenv("RANK") == "":
		return Env{}, fmt.Errorf("dist: WORLD_SIZE=%d but RANK is not set: give each process its number, 0 to %d", e.Size, e.Size-1)
	case e.Size > 1 && e.MasterAddr == "":
		return Env{}, fmt.Errorf("dist: WORLD_SIZE=%d but MASTER_ADDR is not set: set it to the host name or address of rank 0 (and MASTER_PORT, default %d)", e.Size, DefaultPort)
	}
	return e, nil
}
