// Verifies what our server serves with Go's own transparency-log code (golang.org/x/mod/sumdb/note
// and sumdb/tlog), as an outside auditor would: two signed checkpoints, an inclusion proof and a
// consistency proof between them; then the same proofs with one flipped byte, which must fail.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run main.go < input.json
//
// Prints one line per check and exits 0 only when every genuine check passes and every tampered one fails.
package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	VerifierKey string `json:"verifierKey"`
	Origin      string `json:"origin"`
	Old         string `json:"old"` // the older checkpoint (signed note)
	New         string `json:"new"` // the newer checkpoint (signed note)
	Inclusion   struct {
		Index     int64    `json:"index"`
		EntryHash string   `json:"entryHash"` // the audit entry's hash (hex): the leaf's data
		Proof     []string `json:"proof"`
	} `json:"inclusion"`
	Consistency struct {
		Proof []string `json:"proof"`
	} `json:"consistency"`
}

var failed bool

func check(what string, err error) {
	if err != nil {
		failed = true
		fmt.Printf("FAIL %s: %v\n", what, err)
		return
	}
	fmt.Printf("ok   %s\n", what)
}

func mustFail(what string, err error) {
	if err == nil {
		failed = true
		fmt.Printf("FAIL %s: accepted\n", what)
		return
	}
	fmt.Printf("ok   %s refused (%v)\n", what, err)
}

// open verifies a checkpoint's signature with note.Open and parses its body with tlog.ParseTree.
// ParseTree knows only the Go checksum database's origin line, so the origin is checked here and
// the remaining lines (size, base64 root) are parsed by tlog itself.
func open(text string, verifiers note.Verifiers, origin string) (tlog.Tree, error) {
	n, err := note.Open([]byte(text), verifiers)
	if err != nil {
		return tlog.Tree{}, err
	}
	first, rest, ok := strings.Cut(n.Text, "\n")
	if !ok || first != origin {
		return tlog.Tree{}, fmt.Errorf("origin %q, want %q", first, origin)
	}
	return tlog.ParseTree([]byte("go.sum database tree\n" + rest))
}

func hashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

func flipped(p []tlog.Hash) []tlog.Hash {
	c := append([]tlog.Hash(nil), p...)
	c[len(c)/2][7] ^= 0x10
	return c
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Println("FAIL input:", err)
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(in.VerifierKey)
	check("verifier key parses (note.NewVerifier)", err)
	if err != nil {
		os.Exit(1)
	}
	verifiers := note.VerifierList(verifier)
	oldTree, err := open(in.Old, verifiers, in.Origin)
	check("older checkpoint: signature (note.Open) and body (tlog.ParseTree)", err)
	newTree, err := open(in.New, verifiers, in.Origin)
	check("newer checkpoint: signature (note.Open) and body (tlog.ParseTree)", err)
	if failed {
		os.Exit(1)
	}
	fmt.Printf("     trees of size %d and %d\n", oldTree.N, newTree.N)

	data, err := hex.DecodeString(in.Inclusion.EntryHash)
	check("entry hash is hex", err)
	leaf := tlog.RecordHash(data)
	rp, err := hashes(in.Inclusion.Proof)
	check("inclusion proof parses", err)
	check(fmt.Sprintf("inclusion of entry %d in the newer tree (tlog.CheckRecord)", in.Inclusion.Index),
		tlog.CheckRecord(rp, newTree.N, newTree.Hash, in.Inclusion.Index, leaf))
	tp, err := hashes(in.Consistency.Proof)
	check("consistency proof parses", err)
	check("consistency of the older tree with the newer (tlog.CheckTree)",
		tlog.CheckTree(tp, newTree.N, newTree.Hash, oldTree.N, oldTree.Hash))

	// Tampering, each must fail.
	if len(rp) > 0 {
		mustFail("inclusion proof with a flipped byte", tlog.CheckRecord(flipped(rp), newTree.N, newTree.Hash, in.Inclusion.Index, leaf))
	}
	other := leaf
	other[0] ^= 1
	mustFail("inclusion of another entry", tlog.CheckRecord(rp, newTree.N, newTree.Hash, in.Inclusion.Index, other))
	if len(tp) > 0 {
		mustFail("consistency proof with a flipped byte", tlog.CheckTree(flipped(tp), newTree.N, newTree.Hash, oldTree.N, oldTree.Hash))
	}
	forged := []byte(in.New)
	i := bytes.IndexByte(forged, '\n') + 1 // first byte of the size line
	forged[i] = forged[i] ^ 1
	_, err = open(string(forged), verifiers, in.Origin)
	mustFail("checkpoint with a changed size", err)
	if failed {
		os.Exit(1)
	}
	fmt.Println("all checks passed")
}
