# tests/bench/real/py_dicts.py - tether benchmark: a dict/list-heavy CPython
# workload.  run.sh runs it with PYTHONMALLOC=malloc, so every Python object
# is a libc malloc block (not one of pymalloc's arenas) that tools must track.
#
# usage: python3 py_dicts.py [N=100000]
#
# Builds a dict of N records (each a small dict holding a list and a tuple),
# indexes it by a derived key, sorts it, drops half of it, rebuilds lists of
# lists and joins strings.  Deterministic: the last line is
#     END checksum=<number> records=<number>
import sys


def build(n):
    table = {}
    for i in range(n):
        key = "rec%07d" % i
        table[key] = {"id": i, "tags": [str(i % 97), str(i % 13)], "pos": (i * 7 % 1009, i % 31)}
    return table


def index_by(table):
    idx = {}
    for key, rec in table.items():
        idx.setdefault(rec["tags"][0], []).append(key)
    return idx


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    table = build(n)
    idx = index_by(table)
    order = sorted(table, key=lambda k: (table[k]["pos"], k))
    check = 0
    for k in order[::3]:
        check = (check * 31 + table[k]["pos"][0]) % 1000000007
    for k in order[: n // 2]:
        del table[k]
    rows = [[j * i for j in range(i % 24)] for i in range(n)]
    check = (check + sum(len(r) for r in rows)) % 1000000007
    text = ",".join("%s:%d" % (t, len(v)) for t, v in sorted(idx.items()))
    words = {}
    for w in text.split(","):
        words[w] = words.get(w, 0) + 1
    check = (check + len(text) + len(words) + len(table)) % 1000000007
    del rows, idx, order
    print("END checksum=%d records=%d" % (check, len(table)))


main()
