//go:build !unix

package bench

import "os"

// maxRSS is not measured outside Unix: it returns 0.
func maxRSS(*os.ProcessState) int64 { return 0 }
