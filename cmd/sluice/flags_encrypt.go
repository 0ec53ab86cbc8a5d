package main

import (
	"os"

	"filippo.io/age"
	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// identityEnv names the identity file when --decrypt-identity is not given.
const identityEnv = "SLUICE_AGE_IDENTITY_FILE"

// encryptFlags are dump's --encrypt-recipient and --encrypt-recipients-file.
type encryptFlags struct {
	keys []string
	file string
}

func addEncryptFlags(fs *pflag.FlagSet) *encryptFlags {
	e := &encryptFlags{}
	fs.StringArrayVar(&e.keys, "encrypt-recipient", nil, "encrypt every file of the dump with age to this public key (age1... or an SSH public key; repeat for more)")
	fs.StringVar(&e.file, "encrypt-recipients-file", "", "encrypt to the public keys in this file, one per line (age1... or SSH; # comments)")
	return e
}

// recipients parses the flags; nil when neither is given (a clear-text dump).
func (e *encryptFlags) recipients() ([]age.Recipient, error) {
	if len(e.keys) == 0 && e.file == "" {
		return nil, nil
	}
	rs, err := dumpdir.ParseRecipients(e.keys, e.file)
	if err != nil {
		return nil, usageError{err}
	}
	return rs, nil
}

// addIdentityFlag adds --decrypt-identity (load, list).
func addIdentityFlag(fs *pflag.FlagSet) *string {
	return fs.String("decrypt-identity", "", "age identity file (age-keygen output, or an unencrypted SSH private key) to read an encrypted dump (default $"+identityEnv+")")
}

// identities reads the identity file of --decrypt-identity, or else of SLUICE_AGE_IDENTITY_FILE;
// nil when neither is set.
func identities(flag string) ([]age.Identity, error) {
	if flag == "" {
		flag = os.Getenv(identityEnv)
	}
	if flag == "" {
		return nil, nil
	}
	return dumpdir.ReadIdentities(flag)
}
