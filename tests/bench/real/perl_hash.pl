# tests/bench/real/perl_hash.pl - tether benchmark: a hash/string-heavy perl
# workload (perl's own malloc is off in Debian's build: every scalar, array
# and hash body is a libc malloc block).
#
# usage: perl perl_hash.pl [N=100000]
#
# Builds a hash of N records (each an array holding a string and a small
# hash), sorts the keys by a derived field, deletes half of the records,
# builds a long string by appending, splits it again and counts the words.
# Deterministic: the last line is
#     END checksum=<number> records=<number>
use strict;
use warnings;

my $n = shift // 100000;
my %h;
for my $i (1 .. $n) {
    $h{"rec$i"} = [ $i, "x" x ($i % 48), { mod7 => $i % 7, name => "n" . ($i * 31 % 1000) } ];
}
my @keys = sort { $h{$a}[2]{name} cmp $h{$b}[2]{name} or $a cmp $b } keys %h;
my $check = 0;
for my $k (@keys[0 .. $#keys / 3]) { $check = ($check * 31 + length($h{$k}[1])) % 1000000007; }
delete @h{ @keys[0 .. $#keys / 2] };
my $str = "";
$str .= "$h{$_}[2]{name}:$h{$_}[0]," for grep { exists $h{$_} } @keys;
my %count;
$count{ (split /:/, $_)[0] }++ for split /,/, $str;
$check = ($check + length($str) + scalar(keys %count) + scalar(keys %h)) % 1000000007;
print "END checksum=$check records=", scalar(keys %h), "\n";
