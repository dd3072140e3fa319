package clock

import (
	"testing"
	"time"
)

func TestOffsetAdvancesAndNeverRunsBack(t *testing.T) {
	t.Parallel()
	wall := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	o := &Offset{wall: func() time.Time { return wall }}
	if got := o.Now(); !got.Equal(wall) {
		t.Fatalf("starts at the wall clock: %v", got)
	}
	o.Advance(40 * 24 * time.Hour)
	o.Advance(-time.Hour)
	if got, want := o.Now(), wall.Add(40*24*time.Hour); !got.Equal(want) {
		t.Fatalf("Now = %v, want %v", got, want)
	}
	if o.Ahead() != 40*24*time.Hour {
		t.Fatalf("Ahead = %v", o.Ahead())
	}
	wall = wall.Add(time.Minute)
	if got, want := o.Now(), wall.Add(40*24*time.Hour); !got.Equal(want) {
		t.Fatalf("time keeps flowing: %v, want %v", got, want)
	}
}
