//go:build unix

package runtime

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the replica in its own process group so that Stop can
// kill whatever the entry script started too.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcessGroup kills the replica and its descendants.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	// The group id is the replica's pid (Setpgid with Pgid 0).
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		_ = cmd.Process.Kill()
	}
}
