package bench

import (
	"syscall"
	"time"
)

// CPUTime is the user and system CPU time the process used so far (0 where getrusage fails). On
// a machine shared with other work, CPU time per operation moves much less than wall time.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
