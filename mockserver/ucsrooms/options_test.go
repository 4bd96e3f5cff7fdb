package ucsrooms

import (
	"testing"
)

// The default secret the test hooks sign with is options.yaml's.
func TestDefaultSecretMatchesOptions(t *testing.T) {
	opts, ok := Mock.DefaultOptions().(Options)
	if !ok || opts.JWTSecret != defaultJWTSecret {
		t.Fatalf("options.yaml's jwtSecret is %q, the code's default %q", opts.JWTSecret, defaultJWTSecret)
	}
	if opts.URLTTL <= 0 || opts.FileSecret == "" || opts.FileStoreBytes <= 0 || opts.TrustUnsignedTokens {
		t.Fatalf("default options: %+v", opts)
	}
}

// New refuses options it cannot serve, naming them.
func TestNewRefusesBadOptions(t *testing.T) {
	good, _ := Mock.DefaultOptions().(Options)
	for name, mutate := range map[string]func(*Options){
		"jwtSecret":      func(o *Options) { o.JWTSecret = "" },
		"fileSecret":     func(o *Options) { o.FileSecret = "" },
		"urlTTL":         func(o *Options) { o.URLTTL = 0 },
		"fileStoreBytes": func(o *Options) { o.FileStoreBytes = -1 },
	} {
		o := good
		mutate(&o)
		if _, err := New(setupForTest(), o); err == nil || !containsWord(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
