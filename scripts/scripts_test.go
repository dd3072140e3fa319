// Package scripts holds shell helpers; its test runs them as a user would.
package scripts

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestChromiumInstallFailureSaysHowToFix runs chromium_ensure where chromium is missing and
// apt-get fails: it must name the fix instead of exiting silently.
func TestChromiumInstallFailureSaysHowToFix(t *testing.T) {
	t.Parallel()
	bin := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "apt-get"), []byte("#!/bin/sh\nexit 100\n"), 0o755))
	cmd := exec.Command("/bin/bash", "-c", "source chromium.sh && chromium_ensure")
	cmd.Env = []string{"PATH=" + bin}
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "apt-get install chromium")
	require.Contains(t, string(out), "B24PAY_CHROMIUM")

	cmd = exec.Command("/bin/bash", "-c", `source chromium.sh && chromium_ensure && echo "$B24PAY_CHROMIUM"`)
	cmd.Env = []string{"PATH=" + bin, "B24PAY_CHROMIUM=/bin/sh"}
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.Equal(t, "/bin/sh\n", string(out), "a set B24PAY_CHROMIUM is used without apt-get")
}

// TestPostgresScriptLeavesNoProcessBehind starts scripts/postgres.sh in its own process group,
// stops it with SIGTERM once PostgreSQL runs, and checks that no process of the group is left.
func TestPostgresScriptLeavesNoProcessBehind(t *testing.T) {
	cmd := exec.Command("/bin/bash", "postgres.sh")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	running := false
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "PostgreSQL running: ") {
			running = true
			break
		}
	}
	require.True(t, running, "the script reports the running server")
	require.NotEmpty(t, groupMembers(t, cmd.Process.Pid), "the script waits")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, 130, exit.ExitCode())
	require.Empty(t, groupMembers(t, cmd.Process.Pid), "no process of the script is left")
}

// groupMembers lists the live processes of process group pgid (from /proc/*/stat).
func groupMembers(t *testing.T, pgid int) []string {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	require.NoError(t, err)
	var members []string
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue // the process ended meanwhile
		}
		s := string(raw)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // state ppid pgrp …
		if len(fields) > 2 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			members = append(members, s[:strings.IndexByte(s, ' ')]+" "+s[strings.IndexByte(s, '('):strings.LastIndexByte(s, ')')+1])
		}
	}
	return members
}
