#!/usr/bin/perl
# write_probe.pl: measures how long single-row writes to a table take while
# a schema change runs, so bench/compare.sh can report writer stalls (the
# load generator counts operations but does not time them).
#
#   write_probe.pl --host H --port P --user U --database D --table T
#                  --max-id N [--interval-ms 100]
#
# The password comes from OSC_PASSWORD. Every interval it runs one
#   UPDATE T SET flags = (flags + 1) % 256 WHERE id = <random 1..N>
# on one persistent connection and times it. A statement blocked by a
# metadata lock (a native ALTER ... ALGORITHM=COPY, a cut-over) simply
# takes long: that is the measurement, so there is no read timeout. An
# error (e.g. a lost connection) is counted and the probe reconnects.
# On SIGINT/SIGTERM it finishes the statement in flight and prints one line:
#   probe ops=N errors=N max_ms=X p50_ms=X p99_ms=X over_1s=N
# Exit 0 unless it could never connect.
use strict;
use warnings;
use DBI;
use Getopt::Long;
use Time::HiRes qw(time sleep);

my %opt = (host => '127.0.0.1', port => 3306, user => 'root', 'interval-ms' => 100);
GetOptions(\%opt, 'host=s', 'port=i', 'user=s', 'database=s', 'table=s', 'max-id=i', 'interval-ms=i')
  or die "write_probe: bad arguments\n";
for my $k (qw(database table max-id)) {
  die "write_probe: --$k is required\n" unless defined $opt{$k};
}
die "write_probe: --max-id must be positive\n" unless $opt{'max-id'} > 0;

my $stop = 0;
$SIG{INT} = $SIG{TERM} = sub { $stop = 1 };

my $dsn = "DBI:mysql:database=$opt{database};host=$opt{host};port=$opt{port};mysql_connect_timeout=5";
sub open_connection {
  my $dbh = DBI->connect($dsn, $opt{user}, $ENV{OSC_PASSWORD} // '',
                         {RaiseError => 1, PrintError => 0, AutoCommit => 1});
  # A row lock held by the load writer is a real stall too, but never wait
  # the server's default 50 s for one.
  $dbh->do('SET SESSION innodb_lock_wait_timeout = 10');
  return $dbh;
}

my $dbh = eval { open_connection() };
die "write_probe: cannot connect: $@" unless $dbh;
(my $quoted = $opt{table}) =~ s/`/``/g;
my $sql = "UPDATE `$quoted` SET flags = (flags + 1) % 256 WHERE id = ?";

my (@latencies, $errors);
$errors = 0;
my $interval = $opt{'interval-ms'} / 1000.0;
while (!$stop) {
  my $start = time();
  my $ok = eval {
    $dbh ||= open_connection();
    $dbh->do($sql, undef, 1 + int(rand($opt{'max-id'})));
    1;
  };
  my $elapsed = time() - $start;
  if ($ok) {
    push @latencies, $elapsed;
  } else {
    $errors++;
    chomp(my $why = $@ || 'unknown error');
    printf STDERR "write_probe: write failed after %.1f ms: %s\n", $elapsed * 1000.0, $why;
    $dbh = undef;  # reconnect on the next round
  }
  my $rest = $interval - $elapsed;
  sleep($rest) if $rest > 0 && !$stop;
}

my @sorted = sort { $a <=> $b } @latencies;
sub pct {
  my ($p) = @_;
  return 0 unless @sorted;
  my $i = int($p * (@sorted - 1) + 0.5);
  return $sorted[$i] * 1000.0;
}
my $max_ms = @sorted ? $sorted[-1] * 1000.0 : 0;
my $over = grep { $_ > 1.0 } @sorted;
printf "probe ops=%d errors=%d max_ms=%.1f p50_ms=%.1f p99_ms=%.1f over_1s=%d\n",
  scalar(@sorted), $errors, $max_ms, pct(0.50), pct(0.99), $over;
exit 0;
