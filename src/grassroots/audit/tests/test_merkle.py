"""RFC 9162 Merkle hashing against the Certificate Transparency test vectors (RFC 6962 reference leaves)."""

import pytest

from grassroots.audit.merkle import EMPTY_ROOT, LeafTree, leaf_hash, verify_consistency, verify_inclusion

DATA = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
CONSISTENCY = {
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}
TREE = LeafTree([leaf_hash(bytes.fromhex(d)) for d in DATA])


def test_roots_match_the_reference_vectors():
    assert LeafTree().root() == EMPTY_ROOT
    assert [TREE.root(n).hex() for n in range(1, 9)] == ROOTS


@pytest.mark.parametrize(("index", "size"), list(INCLUSION))
def test_inclusion_proofs_match_and_verify(index, size):
    proof = TREE.inclusion_proof(index, size)
    assert [p.hex() for p in proof] == INCLUSION[(index, size)]
    assert verify_inclusion(TREE.levels[0][index], index, size, proof, TREE.root(size))


@pytest.mark.parametrize(("old", "new"), list(CONSISTENCY))
def test_consistency_proofs_match_and_verify(old, new):
    proof = TREE.consistency_proof(old, new)
    assert [p.hex() for p in proof] == CONSISTENCY[(old, new)]
    assert verify_consistency(old, new, TREE.root(old), TREE.root(new), proof)


def test_every_proof_in_every_small_tree_verifies_and_tampering_fails():
    tree = LeafTree([leaf_hash(bytes([i, i * 7 % 256])) for i in range(40)])
    for size in range(1, 41):
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert verify_inclusion(tree.levels[0][index], index, size, proof, root)
            assert not verify_inclusion(tree.levels[0][(index + 1) % 40], index, size, proof, root)
        for old in range(1, size + 1):
            proof = tree.consistency_proof(old, size)
            assert verify_consistency(old, size, tree.root(old), root, proof)
            if proof:
                bad = [bytes(32)] + proof[1:]
                assert not verify_consistency(old, size, tree.root(old), root, bad)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        TREE.inclusion_proof(8, 8)
    with pytest.raises(ValueError):
        TREE.consistency_proof(0, 8)
    assert not verify_consistency(5, 2, TREE.root(5), TREE.root(2), [])


def test_hashes_that_are_not_32_bytes_are_refused():
    """transparency-dev's verifier rejects a leaf hash or proof node of the wrong size before hashing."""
    proof = TREE.inclusion_proof(3, 7)
    good_leaf = TREE.range_hash(3, 4)
    assert verify_inclusion(good_leaf, 3, 7, proof, TREE.root(7))
    assert not verify_inclusion(good_leaf[:31], 3, 7, proof, TREE.root(7))
    assert not verify_inclusion(good_leaf + b"\x00", 3, 7, proof, TREE.root(7))
    assert not verify_inclusion(good_leaf, 3, 7, [proof[0][:16], *proof[1:]], TREE.root(7))
    assert not verify_inclusion(good_leaf, 3, 7, proof, TREE.root(7)[:31])
    # A one-leaf tree's root is its leaf: without the size check, any equal pair of strings would "verify".
    assert not verify_inclusion(b"abc", 0, 1, [], b"abc")
    consistency = TREE.consistency_proof(3, 7)
    assert verify_consistency(3, 7, TREE.root(3), TREE.root(7), consistency)
    assert not verify_consistency(3, 7, TREE.root(3), TREE.root(7), [*consistency[:-1], consistency[-1] + b"\x00"])
    assert not verify_consistency(3, 7, TREE.root(3)[:20], TREE.root(7), consistency)
    assert not verify_consistency(4, 4, b"", b"", [])


def test_consistency_between_empty_trees_is_refused():
    from grassroots.audit.merkle import EMPTY_ROOT

    assert not verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, TREE.root(5), [])
    assert verify_consistency(5, 5, TREE.root(5), TREE.root(5), [])
