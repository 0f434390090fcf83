// Package version holds natspike's release number. It is the single source:
// the Go packages report it, setup.py reads it for the Python distribution and
// natspike.__version__ is fetched from the compiled library at import time.
package version

// Version is natspike's version, in a form valid for both Go and PEP 440.
const Version = "0.1.0"
