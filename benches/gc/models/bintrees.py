# The checksum of benches/gc/bintrees.wat (its $expected): the node counts of the stretch tree,
# of every short-lived tree and of the long-lived tree. Keep M equal to $max_depth.
M = 17
total = 2 ** (M + 2) - 1
for d in range(4, M + 1, 2):
    total += 2 ** (M - d + 4) * (2 ** (d + 1) - 1)
total += 2 ** (M + 1) - 1
print(total)
