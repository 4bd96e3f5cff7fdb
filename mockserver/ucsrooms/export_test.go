package ucsrooms

import (
	"strings"

	"github.com/standin/standin/mockserver"
)

func setupForTest() mockserver.Setup { return mockserver.Setup{Store: mockserver.NewMemoryStore()} }

func containsWord(s, w string) bool { return strings.Contains(s, w) }
