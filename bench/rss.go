// Package bench holds what the benchmarks of several packages share; bench/run.sh runs them all.
package bench

import (
	"fmt"
	"os"
	"strings"
)

// PeakRSSMB is the process's peak resident set size (VmHWM) in MB, 0 where /proc is missing.
func PeakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			_, _ = fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb / 1024
		}
	}
	return 0
}
