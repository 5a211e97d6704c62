#!/usr/bin/env python3
"""tests/bench/real/gen_sql.py - write the SQL script of the sqlite-inserts
benchmark (run.sh runs it with `sqlite3 -batch :memory: ".read FILE"`).

usage: gen_sql.py N FILE

N single-row INSERTs into an indexed table, in one transaction, then N/10
point SELECTs through the index, N/20 UPDATEs, two aggregate queries and a
last line `END rows=<count>`.  The data come from a fixed-seed generator of
its own (not Python's random), so FILE is the same on every Python version.
"""
import sys


class Lcg:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return self.s >> 33


def name(g):
    return "".join("abcdefghijklmnop"[g.next() % 16] for _ in range(10))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_sql.py N FILE")
    n = int(sys.argv[1])
    g = Lcg(20261122)
    names = []
    out = ["CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, price REAL, note TEXT);",
           "CREATE INDEX item_name ON item(name);",
           "CREATE INDEX item_grp ON item(grp);",
           "BEGIN;"]
    for i in range(n):
        nm = name(g)
        names.append(nm)
        out.append("INSERT INTO item(name, grp, price, note) VALUES('%s', %d, %d.%02d, '%s');"
                   % (nm, g.next() % 251, g.next() % 1000, g.next() % 100, "note-%d-" % i + nm[:5]))
    out.append("COMMIT;")
    for i in range(n // 10):
        out.append("SELECT id, price FROM item WHERE name = '%s';" % names[g.next() % n])
    out.append("BEGIN;")
    for i in range(n // 20):
        out.append("UPDATE item SET price = price * 1.1, note = note || '+' WHERE grp = %d AND id %% 7 = %d;"
                   % (g.next() % 251, i % 7))
    out.append("COMMIT;")
    out.append("SELECT grp, count(*), round(sum(price), 2) FROM item GROUP BY grp ORDER BY 2 DESC, 1 LIMIT 3;")
    out.append("SELECT count(DISTINCT substr(name, 1, 3)) FROM item WHERE name LIKE 'a%';")
    out.append("SELECT 'END rows=' || count(*) FROM item;")
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out) + "\n")


main()
