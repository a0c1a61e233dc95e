"""Merkle tree hashing, inclusion and consistency proofs, exactly as RFC 9162 §2.1 defines them.

Leaves are hashed as SHA-256(0x00 ‖ data) and interior nodes as SHA-256(0x01 ‖ left ‖ right) (§2.1.1);
a tree of n leaves splits at k, the largest power of two smaller than n. `LeafTree` keeps every complete,
aligned subtree's hash in levels, so the hash of any range, and so any proof, costs O(log² n) lookups.
"""

from __future__ import annotations

import hashlib

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """k: the largest power of two strictly smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class LeafTree:
    """Leaf hashes plus the hashes of every complete aligned subtree, appended incrementally."""

    def __init__(self, leaves: list[bytes] | None = None):
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves or []:
            self.append(leaf)

    def __len__(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> None:
        self.levels[0].append(leaf)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            pair = self.levels[level][-2:]
            if len(self.levels) == level + 1:
                self.levels.append([])
            self.levels[level + 1].append(node_hash(pair[0], pair[1]))
            level += 1

    def range_hash(self, lo: int, hi: int) -> bytes:
        """MTH of leaves[lo:hi] (RFC 9162 §2.1.1)."""
        n = hi - lo
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and lo % n == 0:  # a complete aligned subtree: stored
            level = n.bit_length() - 1
            return self.levels[level][lo >> level]
        k = _split(n)
        return node_hash(self.range_hash(lo, lo + k), self.range_hash(lo + k, hi))

    def root(self, size: int | None = None) -> bytes:
        return self.range_hash(0, len(self) if size is None else size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(m, D[n]) (§2.1.3.1), bottom-up."""
        if not 0 <= index < size <= len(self):
            raise ValueError("index must be within the tree size")
        return self._path(index, 0, size)

    def _path(self, m: int, lo: int, hi: int) -> list[bytes]:
        n = hi - lo
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return self._path(m, lo, lo + k) + [self.range_hash(lo + k, hi)]
        return self._path(m - k, lo + k, hi) + [self.range_hash(lo, lo + k)]

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """PROOF(m, D[n]) (§2.1.4.1)."""
        if not 0 < old_size <= new_size <= len(self):
            raise ValueError("sizes must satisfy 0 < old ≤ new ≤ tree size")
        return self._subproof(old_size, 0, new_size, True)

    def _subproof(self, m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if whole else [self.range_hash(lo, hi)]
        k = _split(n)
        if m <= k:
            return self._subproof(m, lo, lo + k, whole) + [self.range_hash(lo + k, hi)]
        return self._subproof(m - k, lo + k, hi, False) + [self.range_hash(lo, lo + k)]


HASH_SIZE = 32  # SHA-256


def _all_hashes(*values: bytes, proof: list[bytes]) -> bool:
    """Every hash a verifier is handed must be a SHA-256 digest: a short or long one is malformed, not 'unequal'."""
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in (*values, *proof))


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """§2.1.3.2. `leaf` is the leaf's hash."""
    if not 0 <= index < size or not _all_hashes(leaf, root, proof=proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """§2.1.4.2. A proof from the empty tree is meaningless (§2.1.4 defines it for 0 < m ≤ n), so sizes of 0
    are refused, even 0 → 0, as transparency-dev's test vectors expect."""
    if not 0 < old_size <= new_size or not _all_hashes(old_root, new_root, proof=proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node of the path
        proof = [old_root, *proof]
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root
