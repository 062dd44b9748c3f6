// Package ring stores continuous camera recordings in a pre-allocated ring
// of fixed-size slot files on one data disk, with a bbolt index beside them.
//
// A data directory is a self-contained volume: a superblock naming the
// volume, slot files holding self-describing CRC-checked records (one GOP
// each), and index.db mapping (camera, time) to records. Power may be cut at
// any byte: the index only ever points at synced data, and Open re-scans the
// slots written since the last index commit. The index can be rebuilt from
// the slots alone (Fsck).
package ring
